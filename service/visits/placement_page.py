"""The visits' part of the placement page: the visits so far and when the next is due (for the commissioner)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.placements.models import Placement
from service.rules.roles import Role
from service.signals import placement_page
from service.visits import services


@placement_page.connect
def visits_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    is_commissioner = user.role is Role.COMMISSIONER
    return {
        "visits": services.visits_for(placement) if is_commissioner else [],
        "visit_due": services.next_visit(placement, today) if is_commissioner else None,
    }
