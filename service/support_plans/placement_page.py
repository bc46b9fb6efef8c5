"""The support plan's part of the placement page: the plan, how far each step has got, and whether it can change."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.placements.models import Placement
from service.signals import placement_page
from service.support_plans import services


@placement_page.connect
def plan_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    return {
        "plan": placement.support_plan,
        "plan_states": services.step_states(placement.support_plan, placement),
        "plan_editable": placement.status in services.EDITABLE_STATUSES,
    }
