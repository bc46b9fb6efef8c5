"""Recording review and transition meetings, and what follows from them.

DfE's 2025 guidance expects a placement reviewed at least half-termly against the plan's objectives, with
the pupil's and parents' views, and a decision on extending it or bringing the pupil back. A review is
therefore only recorded against an agreed plan; it rates progress against every objective; it produces
the review record; and when it changes the plan (need, outcomes, support, an extension) it also produces
the plan's next version, so the plan on file is always the one in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from service.attendance import services as attendance
from service.audit import services as audit
from service.auth.models import User
from service.documents import services as documents
from service.documents.models import Document
from service.documents.types import DocumentType
from service.errors import FieldError
from service.extensions import db
from service.la_notices import services as la_notices
from service.la_notices.models import LaEvent
from service.placements.models import Placement
from service.reviews.models import ObjectiveProgress, Review
from service.rules.attendance_codes import attendance_summary
from service.rules.dates import uk_date
from service.rules.outcomes import ProgressRating
from service.rules.placement_status import PlacementStatus
from service.rules.review_dates import HalfTerm, ReviewDeadline, latest_review_date, next_review_due
from service.rules.roles import Role
from service.term_dates.services import term_dates

#: The request token's action for saving a review (``documents.earlier_request``).
RECORD_ACTION = "record_review"

#: A review is held on a placement that has been agreed and has not ended.
REVIEWABLE_STATUSES = frozenset({PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW})


class ReviewError(FieldError):
    """A problem with a review that the user can fix, attached to a field."""


@dataclass
class ProgressAnswer:
    objective_id: int
    rating: ProgressRating
    evidence: str


@dataclass
class ReviewDetails:
    meeting_date: date
    present: str = ""
    attendance_from: date | None = None
    attendance_to: date | None = None
    sessions_possible: int | None = None
    sessions_attended: int | None = None
    attendance_notes: str = ""
    pupil_views: str = ""
    parent_views: str = ""
    notes: str = ""
    changes_to_need: str = ""
    changes_to_outcomes: str = ""
    changes_to_plan: str = ""
    extension_agreed: bool = False
    new_end_date: date | None = None
    next_review_date: date | None = None
    progress: list[ProgressAnswer] = field(default_factory=list)


def why_not_reviewable(placement: Placement) -> str:
    """Why a review cannot be recorded yet, or empty when it can."""
    if placement.support_plan is None or placement.support_plan.agreed_at is None:
        return "A review is held against an agreed plan: agree the support plan first."
    if placement.status not in REVIEWABLE_STATUSES:
        return f"The placement is {placement.status.label.lower()}, so no review can be recorded."
    return ""


def review_due(placement: Placement, half_terms: Sequence[HalfTerm] | None = None) -> ReviewDeadline:
    """When the next review is due: half a term after the last review, or the first review's deadline.
    ``half_terms``: the organisation's, when the caller has them already (the dashboard, for every placement)."""
    if half_terms is None:
        half_terms = term_dates(placement.commissioning_organisation_id)
    return review_due_after(
        placement.planned_start, placement.reviews[-1].meeting_date if placement.reviews else None, half_terms
    )


def review_due_after(planned_start: date, last_review: date | None, half_terms: Sequence[HalfTerm]) -> ReviewDeadline:
    """The same deadline from plain values (the dashboard has every placement's latest meeting from one query)."""
    if last_review is not None:
        return next_review_due(last_review, half_terms)
    return latest_review_date(planned_start, half_terms)


def get_review_for(placement: Placement, number: int) -> Review | None:
    """A review of a placement the caller has already checked access to."""
    return db.session.scalar(sa.select(Review).where(Review.placement_id == placement.id, Review.number == number))


def record_review(
    user: User, placement: Placement, details: ReviewDetails, output_dir: Path, on: date | None = None
) -> tuple[Review, list[Document]]:
    """Record a review meeting; queue its review record and, when the plan changed, the plan's next version.

    The caller commits and only then enqueues the returned documents.
    """
    if user.role is not Role.COMMISSIONER or placement.commissioning_organisation_id != user.organisation_id:
        raise ReviewError("meeting_date", "Only the commissioning organisation can record a review")
    # Two saves at once (a double click, two web processes) would both number theirs from the same reviews and
    # break uq_placement_reviews_placement_number: wait for the other, then read the reviews as it left them.
    documents.hold_placement(placement.id)
    db.session.expire(placement, ["reviews"])
    reason = why_not_reviewable(placement)
    if reason:
        raise ReviewError("meeting_date", reason)
    _check(placement, details)
    number = (max((r.number for r in placement.reviews), default=0)) + 1
    review = Review(
        placement_id=placement.id,
        number=number,
        meeting_date=details.meeting_date,
        present=details.present.strip(),
        attendance_from=details.attendance_from,
        attendance_to=details.attendance_to,
        sessions_possible=details.sessions_possible,
        sessions_attended=details.sessions_attended,
        attendance_notes=details.attendance_notes.strip(),
        pupil_views=details.pupil_views.strip(),
        parent_views=details.parent_views.strip(),
        notes=details.notes.strip(),
        changes_to_need=details.changes_to_need.strip(),
        changes_to_outcomes=details.changes_to_outcomes.strip(),
        changes_to_plan=details.changes_to_plan.strip(),
        extension_agreed=details.extension_agreed,
        new_end_date=details.new_end_date if details.extension_agreed else None,
        next_review_date=details.next_review_date,
        recorded_by_id=user.id,
    )
    objectives = {o.id: o for o in placement.support_plan.objectives}  # type: ignore[union-attr]
    for position, answer in enumerate(details.progress):
        objective = objectives[answer.objective_id]
        review.progress.append(
            ObjectiveProgress(
                objective_id=objective.id,
                position=position,
                objective_text=objective.objective,
                rating=answer.rating,
                evidence=answer.evidence.strip(),
            )
        )
    placement.reviews.append(review)
    if review.extension_agreed and review.new_end_date is not None:
        placement.planned_end = review.new_end_date
        la_notices.tell_local_authority(user, placement, LaEvent.EXTENDED)  # emailed after the caller's commit
    db.session.flush()
    audit.record("create", "review", review.id, user, {"placement_id": placement.id, "number": number})
    today = on or date.today()
    queued = [
        documents.request_document(user, placement, DocumentType.REVIEW_RECORD, output_dir, on=today, review=review)
    ]
    if review.plan_changed:
        queued.append(documents.request_document(user, placement, DocumentType.SUPPORT_PLAN, output_dir, on=today))
    return review, queued


def _check(placement: Placement, details: ReviewDetails) -> None:
    start = placement.support_plan.planning_meeting_date or placement.planned_start  # type: ignore[union-attr]
    if details.meeting_date < start:
        raise ReviewError("meeting_date", f"The review must be on or after the planning meeting ({uk_date(start)})")
    if details.meeting_date > date.today():
        raise ReviewError("meeting_date", "Record a review after it has happened: the date is in the future")
    if placement.reviews and details.meeting_date < placement.reviews[-1].meeting_date:
        last = placement.reviews[-1]
        raise ReviewError(
            "meeting_date",
            f"Reviews are recorded in order: this one must be on or after review {last.number} "
            f"({uk_date(last.meeting_date)})",
        )
    if details.attendance_from and details.attendance_to and details.attendance_to < details.attendance_from:
        raise ReviewError("attendance_to", "The end of the attendance period must be on or after its start")
    possible, attended = details.sessions_possible, details.sessions_attended
    if possible is not None and attended is not None and attended > possible:
        raise ReviewError("sessions_attended", "Sessions attended cannot be more than the sessions possible")
    if details.extension_agreed:
        if details.new_end_date is None:
            raise ReviewError("new_end_date", "Enter the new finish date, as an extension was agreed")
        if details.new_end_date <= details.meeting_date:
            raise ReviewError("new_end_date", "The new finish date must be after the review meeting")
    if details.next_review_date is not None:
        due = next_review_due(details.meeting_date, term_dates(placement.commissioning_organisation_id))
        if details.next_review_date <= details.meeting_date:
            raise ReviewError("next_review_date", "The next review must be after this one")
        if details.next_review_date > due.latest:
            raise ReviewError(
                "next_review_date",
                f"Reviews are at least half-termly: the next review must be on or before {uk_date(due.latest)}",
            )
    objective_ids = {o.id for o in placement.support_plan.objectives}  # type: ignore[union-attr]
    answered = [answer.objective_id for answer in details.progress]
    if sorted(answered) != sorted(objective_ids):
        raise ReviewError("progress", "Rate progress against every objective in the plan")


def attendance_from_register(placement: Placement, today: date) -> dict[str, object]:
    """The review form's attendance answers, worked out from the register since the last review (or the
    start) up to today, so the commissioner checks the figures instead of counting them. Empty when the
    register has nothing for that period: the commissioner then types what the provider reported."""
    last = max((r.meeting_date for r in placement.reviews), default=None)
    start = last + timedelta(days=1) if last is not None else attendance.first_day(placement)
    end = min(today, attendance.last_day(placement) or today)
    marks = attendance.marks_between(placement.id, start, end) if start <= end else []
    if not marks:
        return {}
    summary = attendance_summary(mark.code for mark in marks)
    return {
        "attendance_from": start,
        "attendance_to": end,
        "sessions_possible": summary.possible,
        "sessions_attended": summary.present,
    }
