"""Recording visits, and when the next one is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.extensions import db
from service.placements.models import Placement
from service.rules.placement_status import PlacementStatus
from service.rules.review_dates import HalfTerm
from service.rules.visits import VisitDue, visit_due
from service.term_dates.services import term_dates
from service.visits.models import Visit

#: Visits are expected while the pupil attends the provider.
VISITED_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)


@dataclass(frozen=True)
class VisitDetails:
    visited_on: date
    visitors: str
    what_was_seen: str
    pupil_views: str
    concerns: str


def visits_for(placement: Placement) -> list[Visit]:
    """The placement's visits, latest first."""
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.placement_id == placement.id)
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
        )
    )


def next_visit(
    placement: Placement,
    today: date,
    last_visit: date | None = None,
    *,
    look_up: bool = True,
    half_terms: list[HalfTerm] | None = None,
) -> VisitDue | None:
    """When the next visit is due, for a placement the pupil is attending; None otherwise."""
    if placement.status not in VISITED_STATUSES:
        return None
    if look_up:
        visits = visits_for(placement)
        last_visit = visits[0].visited_on if visits else None
    starts_on = placement.actual_start or placement.planned_start
    fixed = current_app.config.get("APDOCS_VISIT_WORKING_DAYS")
    return visit_due(
        starts_on=starts_on,
        last_visit=last_visit,
        today=today,
        half_terms=term_dates(placement.commissioning_organisation_id) if half_terms is None else half_terms,
        school_days=int(fixed) if fixed else None,
    )


def record_visit(user: User, placement: Placement, details: VisitDetails, today: date | None = None) -> Visit:
    """Record a visit (the caller commits). A visit cannot be in the future or before the placement began."""
    today = today or date.today()
    if details.visited_on > today:
        raise FieldError("visited_on", "The date of the visit must be today or in the past")
    if details.visited_on < placement.planned_start and (
        placement.actual_start is None or details.visited_on < placement.actual_start
    ):
        raise FieldError("visited_on", "The visit must be on or after the placement started")
    visit = Visit(
        placement_id=placement.id,
        visited_on=details.visited_on,
        visitors=details.visitors.strip(),
        what_was_seen=details.what_was_seen,
        pupil_views=details.pupil_views,
        concerns=details.concerns,
        recorded_by_id=user.id,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record("create", "visit", visit.id, user, {"placement_id": placement.id})
    return visit
