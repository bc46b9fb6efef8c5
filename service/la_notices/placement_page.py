"""The LA-told part of the placement page: when the school's local authority was told, or why it could not be."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.la_notices import services
from service.placements.models import Placement
from service.rules.roles import Role
from service.signals import placement_page


@placement_page.connect
def la_notices_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    """Only the commissioning school's own commissioners see it: provider staff have no business with it."""
    mine = user.role is Role.COMMISSIONER and user.organisation_id == placement.commissioning_organisation_id
    return {"la_notices": services.notices_for(placement) if mine else []}
