"""Who may see which placement, and the one way every placement view finds its placement.

Scoping lives here, in one function, so that every screen and export that lists placements
applies the same rule: commissioners see their own organisation's placements, provider staff see
the placements at their provider once referred (never a commissioner's draft) and until cancelled
(a cancelled placement never happened for them: its pupil's details are no longer theirs to see),
nobody else sees any placement record. ``placement_or_404`` applies it for the views of every feature
under ``/placements/<id>/``, so none of them imports another feature's views.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from service.access import current
from service.audit import services as audit
from service.auth.models import User
from service.extensions import db
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role

#: Provider staff never see a placement before it is referred (a commissioner's draft) or once it is cancelled.
PROVIDER_HIDDEN_STATUSES = (PlacementStatus.DRAFT, PlacementStatus.CANCELLED)


def visible_placements(user: User) -> sa.Select[tuple[Placement]]:
    """The placements this user may see, as a query to refine. Deny by default."""
    stmt = sa.select(Placement)
    if user.role is Role.COMMISSIONER:
        return stmt.where(Placement.commissioning_organisation_id == user.organisation_id)
    if user.role is Role.PROVIDER_STAFF:
        return stmt.join(Provider, Placement.provider_id == Provider.id).where(
            Provider.organisation_id == user.organisation_id, Placement.status.not_in(PROVIDER_HIDDEN_STATUSES)
        )
    return stmt.where(sa.false())


def get_placement_for(user: User, placement_id: int, *, audited: bool = True) -> Placement | None:
    """One placement if the user may see it, else None (the view answers 404). Audits the viewing,
    unless the caller only checks access on the way to something it audits itself (a download)."""
    stmt = (
        visible_placements(user)
        .where(Placement.id == placement_id)
        .options(selectinload(Placement.sessions), selectinload(Placement.history))
    )
    placement = db.session.scalar(stmt)
    if placement is not None and audited:
        audit.record("view", "placement", placement.id, user)
    return placement


def can_see_placement(user: User, placement_id: int) -> bool:
    """Whether the placement is in the user's scope: one cheap query, for checks on every poll."""
    return bool(db.session.scalar(sa.select(visible_placements(user).where(Placement.id == placement_id).exists())))


def placement_or_404(placement_id: int, *, audited: bool = True) -> tuple[User, Placement]:
    """The signed-in user and the placement, if it is in their scope; otherwise 404, so nothing leaks.

    For every view under ``/placements/<id>/`` (the placement's own, the plan's, the reviews', the documents').
    """
    user = current()
    placement = get_placement_for(user, placement_id, audited=audited)
    if placement is None:
        abort(404)
    return user, placement
