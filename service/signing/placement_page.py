"""Signing's part of the placement page: the latest round of signatures (for the commissioner only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.placements.models import Placement
from service.rules.roles import Role
from service.signals import placement_page
from service.signing import rounds


@placement_page.connect
def signing_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    return {"signing_round": rounds.latest_request(placement) if user.role is Role.COMMISSIONER else None}
