"""The decision's part of the placement page: where the deciding body's decision stands, for the commissioner."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.la_decisions import services
from service.placements.models import Placement
from service.rules.decision import local_authority_decides, who_decides
from service.rules.roles import Role
from service.signals import placement_page


@placement_page.connect
def decision_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:  # noqa: ARG001
    """Provider staff see nothing of it: whether the LA decides can tell them the pupil has an EHCP."""
    if user.role is not Role.COMMISSIONER:
        return {"la_decision": None, "decision_status": None, "can_record_decision": False}
    decision = services.decision_of(placement)
    la_route = local_authority_decides(who_decides(placement.circumstance, services.has_ehcp(placement)).decision_maker)
    return {
        "la_decision": decision if la_route else None,
        "decision_status": services.status_of(placement, decision),
        # An LA officer looking at a placement their LA commissions records the decision from here.
        "can_record_decision": la_route and services.placement_to_decide_id(user, placement.id) is not None,
    }
