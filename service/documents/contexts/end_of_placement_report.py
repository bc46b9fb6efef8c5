"""The end-of-placement report's context (the Oxfordshire commissioning guidance): what the placement achieved and where
the pupil goes next.

The pupil, provider, commissioner and placement are as on the other documents. ``end`` is the record made
when the placement ended (why it ended, accreditation, the evidence of change, the pupil's own view, the next
destination); ``outcomes`` is where the pupil ended against each objective, from its baseline; ``attendance``
is the register over the placement, from its actual (or planned) start to its last day, with a chart of each
week. Before the end is recorded every answer is empty (``end.recorded`` is false) and the attendance runs to
the document's date, so a report can still be produced.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from service.attendance import services as attendance
from service.documents import charts
from service.documents.contexts import common
from service.end_of_placement.models import Destination, EndOfPlacement, EndReason, ObjectiveOutcome
from service.formatting import uk_date
from service.placements.models import Placement
from service.reviews.models import ProgressRating
from service.rules.attendance_codes import WeekSummary, attendance_summary, weekly_summaries

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
                ),
                "",
            ),
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
        sentence = f"{percent(summary.percent)} of {summary.possible} possible {sessions} attended"
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
        "percent": percent(summary.percent),
        "persistent": summary.persistent,
        "severe": summary.severe,
        "summary": f"{sentence} {period}".strip(),
        "weeks": [_week(week) for week in weeks],
        "chart_image": charts.weekly_attendance_image(weeks),
    }


def _week(week: WeekSummary) -> dict[str, str]:
    return {
        **common.date_fields("week_beginning", week.monday),
        "percent": percent(week.summary.percent),
        "possible": str(week.summary.possible),
        "present": str(week.summary.present),
    }


def percent(value: Decimal | None) -> str:
    """Attendance as the DfE rounds it, to one decimal place: "91.2%", "88%" (not "88.0%"); empty when unknown."""
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0") + "%"
