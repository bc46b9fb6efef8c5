"""The review record's context: one review / transition meeting (the Oxfordshire commissioning guidance, Appendix A).

The pupil, provider, commissioner and placement are as on the support plan. The review gives who was
present, attendance over the period with its percentage, the pupil's and parents' views, notes, the
changes agreed to the need, the outcomes and the plan, whether the placement was extended and to when,
the next review date, and progress against each objective. An objective's baseline and target come from
the plan while the objective is still in it; the objective's own words were copied into the review when
it was recorded, so the record stands alone even after the plan changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from service.attendance import services as attendance
from service.documents import charts
from service.documents.contexts import common
from service.placements.models import Placement
from service.reviews.models import ObjectiveProgress, Review
from service.rules.attendance_codes import attendance_summary, weekly_summaries

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
            "percent": _percent(review.attendance_percent),
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


def _percent(value: float | None) -> str:
    """88.0 -> "88%", 87.5 -> "87.5%", unknown -> empty."""
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0") + "%"
