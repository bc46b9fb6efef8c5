"""The end of placement's part of the placement page: whether the commissioner can record the end now."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.end_of_placement import services
from service.placements.models import Placement
from service.rules.roles import Role
from service.signals import placement_page


@placement_page.connect
def end_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    return {"can_end": user.role is Role.COMMISSIONER and not services.why_not_endable(placement)}
