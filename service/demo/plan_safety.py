"""Demo answers to the plan's safety questions, so the agreed plans are consistent with the rules that agreed them.

Every agreed plan has a planned end date, says whether the pupil is directed off site (Ellie is, for at most 26
weeks), and, since each lists risks, records the joint risk assessment with the provider and the provider's
health-and-safety check. Mo has an EHCP: his first objective names the EHCP outcome it serves, and his EHCP annual
review is due in under four weeks, so it shows on his pupil record, his placement and To do today.
"""

from __future__ import annotations

from datetime import timedelta

from service.demo.world import World
from service.placements.models import Placement
from service.rules.plan_requirements import HealthSafetyOutcome

#: Placements whose plans answer the safety questions: the agreed ones in ``plans``, and Tyler's complete draft (which
#: the demo keeps blocked by his provider's lapsed insurance alone).
ANSWERED = ("ellie", "mo", "kacper", "riley", "jayden", "tyler")


def answer_safety_questions(placement: Placement, directed_off_site_weeks: int | None = None) -> None:
    """A planned end, whether the pupil is directed off site, and, where the plan lists risks, the joint risk
    assessment with the provider and the provider's health-and-safety check: what the rules ask before agreement."""
    plan = placement.support_plan
    if plan is None:
        return
    start = placement.planned_start
    if placement.planned_end is None:
        placement.planned_end = start + timedelta(weeks=24)
    plan.off_site_direction = directed_off_site_weeks is not None
    plan.off_site_max_weeks = directed_off_site_weeks
    plan.risks_identified = bool(plan.risks.strip())
    if plan.risks_identified:
        plan.joint_risk_assessment_date = start - timedelta(days=14)
        plan.joint_risk_assessment_by = f"{plan.school_rep}; {plan.provider_rep}; the pupil's parent or carer"
        plan.joint_risk_assessment_attached = True
        plan.health_safety_check_date = start - timedelta(days=21)
        plan.health_safety_outcome = HealthSafetyOutcome.SATISFACTORY


def load(world: World) -> None:
    """Planned ends, off-site directions, joint risk assessments and H&S checks; Mo's EHCP outcome and review."""
    for key in ANSWERED:
        answer_safety_questions(world.placements[key], 26 if key == "ellie" else None)
    mo = world.pupils["mo"]
    mo.ehcp_last_annual_review = world.today - timedelta(days=340)  # due in 25 days
    objective = world.placements["mo"].support_plan.objectives[0]  # type: ignore[union-attr]
    objective.ehcp_outcome = "Section E, outcome 2: Mo attends regularly and takes part in learning with his peers."
    world.pupils["lily"].ehcp_last_annual_review = world.today - timedelta(days=120)
