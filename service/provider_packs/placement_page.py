"""The provider pack's part of the placement page: where the pack has got (for the commissioner only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.placements.models import Placement
from service.provider_packs import services
from service.rules.roles import Role
from service.signals import placement_page


@placement_page.connect
def pack_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    return {"pack_status": services.status_of(placement, today) if user.role is Role.COMMISSIONER else None}
