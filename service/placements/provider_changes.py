"""Telling every organisation that relies on a provider when another organisation changes its record.

Why here and by signal: the providers package sits below placements (a placement names its provider), so it cannot
ask which organisations have placements there; placements answers ``service.signals.provider_changed`` instead.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.extensions import db
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules.placement_status import LIVE_STATUSES
from service.signals import provider_changed


def organisations_using(provider: Provider) -> list[int]:
    """The commissioning organisations with live placements at this provider (they must hear of its changes)."""
    return list(
        db.session.scalars(
            sa.select(Placement.commissioning_organisation_id)
            .where(Placement.provider_id == provider.id, Placement.status.in_(LIVE_STATUSES))
            .distinct()
            .order_by(Placement.commissioning_organisation_id)
        )
    )


@provider_changed.connect
def tell_organisations_using(provider: Provider, *, user: User, detail: dict[str, Any]) -> None:
    """An audit event in each other organisation's log, in the editor's transaction (the editor commits)."""
    for organisation_id in organisations_using(provider):
        if organisation_id != user.organisation_id:
            audit.record("provider_changed", "provider", provider.id, user, detail, organisation_id=organisation_id)
