"""The review record of one review / transition meeting (the Oxfordshire commissioning guidance, Appendix A): the
fields its template may use, its context, and when it can be produced (from one of the placement's reviews).

The pupil, provider, commissioner and placement are as on the support plan. The review gives who was
present, attendance over the period with its percentage, the pupil's and parents' views, notes, the
changes agreed to the need, the outcomes and the plan, whether the placement was extended and to when,
the next review date, and progress against each objective. An objective's baseline and target come from
the plan while the objective is still in it; the objective's own words were copied into the review when
it was recorded, so the record stands alone even after the plan changes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from service.attendance import services as attendance
from service.documents.engine import charts
from service.documents.engine import schema as fields
from service.documents.engine.schema import Field, Kind, Schema
from service.documents.kinds import _common as common
from service.documents.kinds._fields import COMMISSIONER, DOCUMENT, PLACEMENT, PROVIDER, PUPIL, REVIEW_CHANGES
from service.documents.kinds._kind import DocumentKind, MadeFrom
from service.documents.types import DocumentType
from service.placements.models import Placement
from service.rules.attendance_codes import attendance_summary, weekly_summaries

# Feature models for the signatures only: a kind reads what it needs through the placement's relationships, so
# the documents package sits below the features it makes documents of.
if TYPE_CHECKING:
    from service.reviews.models import ObjectiveProgress, Review

# -- the fields its template may use ------------------------------------------------------------------

REVIEW = fields.group(
    "review",
    "Appendix A, Review / Transition Meeting: the review this record is of.",
    fields.text("number", "Review number for this placement (1, 2, ...)", "2"),
    fields.date("meeting_date", "Date of the review meeting", "9 February 2026"),
    fields.paras("present", "Who was present", "Ms K Owen (SENCO), Alex Jones (provider), Pat Smith (parent)"),
    fields.group(
        "attendance",
        "Attendance since the last review.",
        fields.date("from_date", "First day of the period", "5 January 2026"),
        fields.date("to_date", "Last day of the period", "6 February 2026"),
        fields.text("sessions_possible", "Possible sessions (am and pm), or empty", "50"),
        fields.text("sessions_attended", "Sessions attended, or empty", "44"),
        fields.text("percent", "Sessions attended as a percentage of possible sessions, or empty", "88%"),
        fields.paras("notes", "Notes on attendance", "Late twice after the bus changed."),
        Field(
            "chart_image",
            "A bar chart of each week's attendance over the period, from the register, with a line at 90%; "
            "printed 15 cm wide",
            "",
            Kind.IMAGE,
            note="Empty when the period is not given or the register has no possible session in it.",
        ),
    ),
    fields.paras(
        "pupil_views", "The pupil's views (always shown on the record: `or_dash` when empty)", "I like the workshop."
    ),
    fields.paras(
        "parent_views",
        "The parents' or carers' views (always shown on the record: `or_dash` when empty)",
        "Much happier in the mornings.",
    ),
    fields.paras("notes", "Notes from the review meeting", "A good start."),
    *REVIEW_CHANGES,
    fields.yes_no("extension_agreed", "Whether an extension was agreed", False),
    fields.date("new_end_date", "New finish / off-roll date, or empty", ""),
    fields.date("next_review_date", "Date of the next review, or empty", "23 March 2026"),
    fields.text("recorded_by", "Who recorded the review in apdocs, or empty", "Ms K Owen"),
    fields.list_of(
        "progress",
        "Progress against each objective of the plan, in the plan's order.",
        fields.paras("objective", "The objective, as it stood at the review", "Attend every session"),
        fields.paras(
            "baseline", "Its baseline, from the plan (empty if the objective was since removed)", "62% attendance"
        ),
        fields.paras(
            "target", "Its target, from the plan (empty if the objective was since removed)", "95% attendance"
        ),
        fields.text(
            "rating",
            "Progress made: Not started, Little or no progress, Some progress, Good progress, Achieved",
            "Some progress",
        ),
        fields.paras("evidence", "The evidence for the rating", "88% attendance this half-term."),
    ),
)

SCHEMA = Schema(
    DocumentType.REVIEW_RECORD.label,
    (DOCUMENT, PUPIL, PROVIDER, COMMISSIONER, PLACEMENT, REVIEW),
    intro=(
        "The record of one review or transition meeting (the Oxfordshire commissioning guidance's Appendix A, "
        '"Review / Transition Meeting"), with progress against each objective of the plan.'
    ),
)


# -- its context --------------------------------------------------------------------------------------

TITLE = "Alternative Provision Review / Transition Meeting"


def build_review_record_context(placement: Placement, *, on: date, version: int = 1, review: Review) -> dict[str, Any]:
    """The record of ``review`` (one of ``placement``'s reviews), produced on ``on``."""
    if review.placement_id != placement.id:
        raise ValueError("A review record is produced for one of the placement's reviews")
    return {
        "document": common.document(TITLE, version, on),
        "pupil": common.pupil(placement.pupil, on),
        "provider": common.provider(placement.provider),
        "commissioner": common.commissioner(placement),
        "placement": common.placement_fields(placement),
        "review": _review(review),
    }


def _chart(review: Review) -> str:
    """The register's weeks over the review's attendance period, as the chart a review meeting looks at;
    empty when the period is not given or the register has no possible session in it."""
    start, end = review.attendance_from, review.attendance_to
    if start is None or end is None or end < start:
        return ""
    marks = [(mark.on, mark.code) for mark in attendance.marks_between(review.placement_id, start, end)]
    if not attendance_summary(code for _, code in marks).possible:
        return ""
    return charts.weekly_attendance_image(weekly_summaries(marks, start, end))


def _review(review: Review) -> dict[str, Any]:
    return {
        "number": str(review.number),
        **common.date_fields("meeting_date", review.meeting_date),
        "present": common.text(review.present),
        "attendance": {
            **common.date_fields("from_date", review.attendance_from),
            **common.date_fields("to_date", review.attendance_to),
            "sessions_possible": _count(review.sessions_possible),
            "sessions_attended": _count(review.sessions_attended),
            "percent": common.percent(review.attendance_percent),
            "notes": common.text(review.attendance_notes),
            "chart_image": _chart(review),
        },
        "pupil_views": common.text(review.pupil_views),
        "parent_views": common.text(review.parent_views),
        "notes": common.text(review.notes),
        "changes_to_need": common.text(review.changes_to_need),
        "changes_to_outcomes": common.text(review.changes_to_outcomes),
        "changes_to_plan": common.text(review.changes_to_plan),
        "extension_agreed": bool(review.extension_agreed),
        **common.date_fields("new_end_date", review.new_end_date),
        **common.date_fields("next_review_date", review.next_review_date),
        "recorded_by": review.recorded_by.name if review.recorded_by is not None else "",
        "progress": [_progress(item) for item in review.progress],
    }


def _progress(item: ObjectiveProgress) -> dict[str, str]:
    objective = item.objective  # None once the objective has been removed from the plan
    return {
        "objective": common.text(item.objective_text) or (common.text(objective.objective) if objective else ""),
        "baseline": common.text(objective.baseline) if objective is not None else "",
        "target": common.text(objective.target) if objective is not None else "",
        "rating": item.rating.label,
        "evidence": common.text(item.evidence),
    }


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


#: The placement statuses in which a review record has something to say; it also needs at least one review
#: (``services.placements_with_data_for``).
STATUSES = ("agreed", "active", "under_review", "ended")
KIND = DocumentKind(DocumentType.REVIEW_RECORD, SCHEMA, build_review_record_context, STATUSES, MadeFrom.REVIEW)
