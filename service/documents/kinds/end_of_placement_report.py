"""The end-of-placement report (the Oxfordshire commissioning guidance): what the placement achieved and where the
pupil goes next. The fields its template may use, its context, and when it can be produced (by ending the placement).

The pupil, provider, commissioner and placement are as on the other documents. ``end`` is the record made
when the placement ended (why it ended, accreditation, the evidence of change, the pupil's own view, the next
destination); ``outcomes`` is where the pupil ended against each objective, from its baseline; ``attendance``
is the register over the placement, from its actual (or planned) start to its last day, with a chart of each
week. Before the end is recorded every answer is empty (``end.recorded`` is false) and the attendance runs to
the document's date, so a report can still be produced.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from service.attendance import services as attendance
from service.documents.engine import charts
from service.documents.engine import schema as fields
from service.documents.engine.schema import Field, Kind, Schema
from service.documents.kinds import _common as common
from service.documents.kinds._fields import COMMISSIONER, DOCUMENT, PLACEMENT, PROVIDER, PUPIL
from service.documents.kinds._kind import DocumentKind, MadeFrom
from service.documents.types import DocumentType
from service.placements.models import Placement
from service.rules.attendance_codes import WeekSummary, attendance_summary, weekly_summaries
from service.rules.dates import uk_date
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason

# Feature models for the signatures only: a kind reads what it needs through the placement's relationships, so
# the documents package sits below the features it makes documents of.
if TYPE_CHECKING:
    from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome

# -- the fields its template may use ------------------------------------------------------------------

NOT_ENDED = "Empty, and `recorded` false, until the placement's end is recorded."

END = fields.group(
    "end",
    "How the placement ended and what it achieved, as recorded when it ended.",
    fields.yes_no(
        "recorded",
        "Whether the placement's end has been recorded; every other field here is empty until it is",
        True,
    ),
    fields.date("ended_on", "The placement's last day", "17 July 2026"),
    fields.text(
        "reason",
        "Why it ended: Completed as planned, Returned to school earlier than planned, Moved to another provision, "
        "The placement broke down, The pupil moved out of the area, Medical reasons, Another reason",
        "Completed as planned",
    ),
    fields.paras("reason_detail", "More about why it ended", "The placement ran its planned two terms."),
    fields.paras("accreditation_english", "Accreditation gained in English", "Functional Skills English Entry Level 3"),
    fields.paras("accreditation_maths", "Accreditation gained in maths", "Functional Skills maths Level 1"),
    fields.paras("accreditation_other", "Other accreditation gained", "BTEC Level 1 construction (two units)"),
    fields.paras(
        "behaviour_change",
        "Evidence of change in behaviour",
        "No removals from lessons this term; three last year.",
    ),
    fields.paras(
        "personal_development",
        "Evidence of personal development and well-being",
        "Joined the youth club; travels alone by bus.",
    ),
    fields.paras(
        "pupil_assessment",
        "The pupil's own assessment of the placement (always shown on the report: `or_dash` when empty)",
        "I liked doing real work. I want to do the college course.",
    ),
    fields.text(
        "destination",
        "Where the pupil goes next: Back to their school full time, Another school, Further education (college or "
        "sixth form), Training or an apprenticeship, Employment with training, Something else, Not in education, "
        "employment or training (NEET); empty when not recorded",
        "Further education (college or sixth form)",
    ),
    fields.paras(
        "destination_detail",
        "The destination in detail: where, what, from when",
        "Westshire College, construction foundation course, September.",
    ),
    fields.paras(
        "neet_follow_up",
        "For a pupil under 18 leaving to no education, employment or training: what is being done so they take part "
        "(e.g. referred to the local authority's post-16 participation team); empty for any other destination",
        "Referred to the Westshire post-16 participation team; careers adviser meeting booked.",
    ),
    fields.date("neet_follow_up_on", "The date of that referral or action, or empty", "16 July 2026"),
    note=NOT_ENDED,
)

OUTCOMES = fields.list_of(
    "outcomes",
    "Where the pupil ended against each objective of the plan, in the plan's order; an empty list until the end is "
    "recorded.",
    fields.paras("objective", "The objective, as it stood when the placement ended", "Attend every session"),
    fields.paras("baseline", "Where the pupil started (the objective's baseline)", "62% attendance last half-term"),
    fields.paras("target", "The objective's target", "95% attendance"),
    fields.text(
        "rating",
        "Progress made: Not started, Little or no progress, Some progress, Good progress, Achieved",
        "Good progress",
    ),
    fields.paras("outcome", "Where the pupil is now, with the evidence", "91% attendance over the placement"),
)

END_ATTENDANCE = fields.group(
    "attendance",
    "Attendance over the whole placement, from the register: from its actual start (or planned start, before it "
    "started) to its last day (or the document's date, before the end is recorded). Counted as the DfE counts it: "
    "sessions attended (present, or approved education elsewhere) out of possible sessions.",
    fields.date("from_date", "First day counted", "5 January 2026"),
    fields.date("to_date", "Last day counted", "17 July 2026"),
    fields.text("possible", "Possible sessions (am and pm)", "240"),
    fields.text("present", "Sessions attended", "219"),
    fields.text("authorised", "Sessions of authorised absence", "15"),
    fields.text("unauthorised", "Sessions of unauthorised absence", "6"),
    fields.text(
        "percent", "Sessions attended as a percentage of possible sessions; empty when none was possible", "91.3%"
    ),
    fields.yes_no(
        "persistent",
        "Whether attendance at the placement was 90% or less (DfE's persistent-absence threshold; a local indicator)",
        False,
    ),
    fields.yes_no(
        "severe",
        "Whether attendance at the placement was 50% or less (DfE's severe-absence threshold; a local indicator)",
        False,
    ),
    fields.text(
        "summary",
        'One sentence saying it all, e.g. "No attendance was recorded between ..." when there is nothing',
        "91.3% of 240 possible sessions attended between 5 January 2026 and 17 July 2026",
    ),
    fields.list_of(
        "weeks",
        "Each week (Monday to Friday) of the period, first week first; an empty list when no session was possible.",
        fields.date("week_beginning", "The week's Monday", "5 January 2026"),
        fields.text("percent", "The week's attendance; empty for a week with no possible session", "90%"),
        fields.text("possible", "Possible sessions that week", "10"),
        fields.text("present", "Sessions attended that week", "9"),
    ),
    Field(
        "chart_image",
        "A bar chart of each week's attendance with a line at 90%, printed 15 cm wide",
        "",
        Kind.IMAGE,
        note="Empty when no session was possible.",
    ),
)

SCHEMA = Schema(
    DocumentType.END_OF_PLACEMENT_REPORT.label,
    (DOCUMENT, PUPIL, PROVIDER, COMMISSIONER, PLACEMENT, END, OUTCOMES, END_ATTENDANCE),
    intro=(
        "What the placement achieved and where the pupil goes next: progress against each objective from its "
        "baseline, accreditation (English and maths in particular), attendance over the placement with a chart "
        "of each week, the evidence of change in behaviour, personal development and well-being, the pupil's "
        "own assessment and the next destination."
    ),
)


# -- its context --------------------------------------------------------------------------------------

TITLE = "End-of-placement report"


def build_end_of_placement_report_context(placement: Placement, *, on: date, version: int = 1) -> dict[str, Any]:
    """The report of ``placement``, produced on ``on``."""
    record = placement.end_of_placement
    return {
        "document": common.document(TITLE, version, on),
        "pupil": common.pupil(placement.pupil, on),
        "provider": common.provider(placement.provider),
        "commissioner": common.commissioner(placement),
        "placement": common.placement_fields(placement),
        "end": _end(record),
        "outcomes": [_outcome(item) for item in record.outcomes] if record is not None else [],
        "attendance": _attendance(placement, record.ended_on if record is not None else on),
    }


def _end(record: EndOfPlacement | None) -> dict[str, Any]:
    # The enums are read through their classes: a record just made and not yet reloaded may hold plain values.
    if record is None:
        return {
            "recorded": False,
            **common.date_fields("ended_on", None),
            **dict.fromkeys(
                (
                    "reason",
                    "reason_detail",
                    "accreditation_english",
                    "accreditation_maths",
                    "accreditation_other",
                    "behaviour_change",
                    "personal_development",
                    "pupil_assessment",
                    "destination",
                    "destination_detail",
                    "neet_follow_up",
                ),
                "",
            ),
            **common.date_fields("neet_follow_up_on", None),
        }
    return {
        "recorded": True,
        **common.date_fields("ended_on", record.ended_on),
        "reason": EndReason(record.reason).label,
        "reason_detail": common.text(record.reason_detail),
        "accreditation_english": common.text(record.accreditation_english),
        "accreditation_maths": common.text(record.accreditation_maths),
        "accreditation_other": common.text(record.accreditation_other),
        "behaviour_change": common.text(record.behaviour_change),
        "personal_development": common.text(record.personal_development),
        "pupil_assessment": common.text(record.pupil_assessment),
        "destination": Destination(record.destination).label if record.destination else "",
        "destination_detail": common.text(record.destination_detail),
        "neet_follow_up": common.text(record.neet_follow_up),
        **common.date_fields("neet_follow_up_on", record.neet_follow_up_on),
    }


def _outcome(item: ObjectiveOutcome) -> dict[str, str]:
    return {
        "objective": common.text(item.objective_text),
        "baseline": common.text(item.baseline),
        "target": common.text(item.target),
        "rating": ProgressRating(item.rating).label,
        "outcome": common.text(item.outcome),
    }


def _attendance(placement: Placement, end: date) -> dict[str, Any]:
    start = attendance.first_day(placement)
    marks = [(m.on, m.code) for m in attendance.marks_between(placement.id, start, end)] if start <= end else []
    summary = attendance_summary(code for _, code in marks)
    # Weeks are shown only when something could be attended: a list of empty weeks says nothing.
    weeks = weekly_summaries(marks, start, end) if summary.possible else []
    period = f"between {uk_date(start)} and {uk_date(end)}" if start <= end else ""
    if summary.percent is not None:
        sessions = "session" if summary.possible == 1 else "sessions"
        sentence = f"{common.percent(summary.percent)} of {summary.possible} possible {sessions} attended"
    elif marks:
        sentence = "There were no sessions the pupil could attend"
    else:
        sentence = "No attendance was recorded"
    return {
        **common.date_fields("from_date", start if start <= end else None),
        **common.date_fields("to_date", end if start <= end else None),
        "possible": str(summary.possible),
        "present": str(summary.present),
        "authorised": str(summary.authorised),
        "unauthorised": str(summary.unauthorised),
        "percent": common.percent(summary.percent),
        "persistent": summary.persistent,
        "severe": summary.severe,
        "summary": f"{sentence} {period}".strip(),
        "weeks": [_week(week) for week in weeks],
        "chart_image": charts.weekly_attendance_image(weeks),
    }


def _week(week: WeekSummary) -> dict[str, str]:
    return {
        **common.date_fields("week_beginning", week.monday),
        "percent": common.percent(week.summary.percent),
        "possible": str(week.summary.possible),
        "present": str(week.summary.present),
    }


#: What the placement achieved: only once it has ended.
STATUSES = ("ended",)
KIND = DocumentKind(
    DocumentType.END_OF_PLACEMENT_REPORT, SCHEMA, build_end_of_placement_report_context, STATUSES, MadeFrom.END
)
