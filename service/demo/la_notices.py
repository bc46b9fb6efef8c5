"""Demo LA notices: Westshire was told of each Northbridge placement its SENCO agreed, and of the one that ended,
by the real service (the emails are queued in the outbox and go when the worker runs)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from service.demo.world import World
from service.extensions import db
from service.la_notices.models import LaEvent
from service.la_notices.services import tell_local_authority


def load(world: World) -> None:
    """Tell Westshire, as Northbridge's SENCO did on the day of each agreement and ending (the caller commits)."""
    db.session.flush()
    for placement in sorted(world.placements.values(), key=lambda p: p.id):
        if placement.commissioning_organisation_id != world.school.id:
            continue
        plan = placement.support_plan
        if plan is not None and plan.agreed_at is not None:
            tell_local_authority(world.senco, placement, LaEvent.AGREED, at=plan.agreed_at)
        if placement.actual_end is not None:
            ended = datetime.combine(placement.actual_end, time(15, 30), tzinfo=UTC)
            tell_local_authority(world.senco, placement, LaEvent.ENDED, at=ended)
