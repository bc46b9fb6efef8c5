"""Demo: a provider blocked by lapsed insurance, and a draft Northbridge plan that shows the block.

Fresh Start Farm is not on the LA's approved list, so Northbridge recorded its desk-top review and the report to the
Virtual AP Headteacher; its safeguarding leads, vetting and QA are in order, but its insurance ended ten days ago.
Tyler's plan there is complete and still cannot be agreed: the check page says why, and that only a senior leader
may override it (the demo SENCO is not one; Northbridge's admin can make them one on the accounts pages).
"""

from __future__ import annotations

from datetime import timedelta

from service.demo import plans
from service.demo.world import World
from service.extensions import db
from service.support_plans.overrides import DesktopReview


def load(world: World) -> None:
    """Tyler's plan at Fresh Start Farm, every part answered but not agreed, and the farm's desk-top review."""
    today, senco = world.today, world.senco
    placement = world.placements["tyler"]
    plan = plans._agreed_plan(placement, senco, today)  # noqa: SLF001 - the demo's one way of writing a full plan
    plan.agreed_at, plan.agreed_by_id = None, None
    plan.child_views = "Tyler said: “I like being outside and looking after the animals.”"
    placement.support_plan = plan
    db.session.add(
        DesktopReview(
            placement_id=placement.id,
            reviewed_on=today - timedelta(days=20),
            reviewed_by=f"{senco.name}, with the LA's Quality Improvement Manager",
            reported_on=today - timedelta(days=19),
            reported_by=senco.name,
            recorded_by_id=senco.id,
        )
    )
