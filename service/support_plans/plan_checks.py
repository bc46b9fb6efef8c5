"""The plan's own safety answers, checked before agreement: the planned end, an off-site direction's agreed maximum,
the joint risk assessment and the provider's health-and-safety check; and the EHCP annual review, shown.

Why a module of its own: ``agreement.agreement_checks`` gathers every rule a plan must meet, each family of rules
in its own module returning ``Check`` rows (``checks``). The rules themselves are pure, in
``service.rules.plan_requirements``, with their sources; this module applies them to a placement and its plan,
and tells ``services.step_states`` when a step's conditional answers are complete, so the task list and the
check page never disagree.
"""

from __future__ import annotations

from datetime import date

from service.placements.models import Placement
from service.rules.plan_requirements import (
    RiskAnswers,
    off_site_direction_check,
    planned_end_check,
    risk_assessment_check,
    risk_assessment_missing,
)
from service.support_plans.checks import Check, Severity
from service.support_plans.models import SupportPlan

#: The answers whose completeness depends on other answers (or on the placement): ``answered`` decides them.
CONDITIONAL_ANSWERS = frozenset({"planned_end", "off_site_direction", "risks_identified"})


def answered(plan: SupportPlan, placement: Placement, name: str) -> bool | None:
    """Whether a conditional answer is complete, or None for an answer this module does not decide.

    The planned end lives on the placement; an off-site direction is answered with its maximum; "risks identified:
    yes" is answered with the joint risk assessment and the health-and-safety check.
    """
    if name == "planned_end":
        return placement.planned_end is not None
    if name == "off_site_direction":
        return plan.off_site_direction is False or (
            plan.off_site_direction is True and plan.off_site_max_weeks is not None
        )
    if name == "risks_identified":
        return plan.risks_identified is not None and not risk_assessment_missing(plan.risk_answers)
    return None


def plan_checks(placement: Placement, on: date) -> list[Check]:
    """The planned end, the off-site direction, the risk assessment (blockers), and the EHCP annual review (shown)."""
    plan = placement.support_plan
    start, end = placement.planned_start, placement.planned_end
    checks = []

    finding = planned_end_check(start, end)
    checks.append(_check("planned_end", "Planned end date", finding.ok, finding.message, "arrangements"))

    finding = off_site_direction_check(
        start, end, plan.off_site_direction if plan else None, plan.off_site_max_weeks if plan else None
    )
    checks.append(_check("off_site_direction", "Off-site direction", finding.ok, finding.message, "arrangements"))

    finding = risk_assessment_check(plan.risk_answers if plan else RiskAnswers(None))
    checks.append(
        _check("risk_assessment", "Joint risk assessment and health and safety", finding.ok, finding.message, "need")
    )

    review = placement.pupil.ehcp_review(on)
    if review is not None:
        checks.append(
            Check(
                "ehcp_review",
                "EHCP annual review",
                Severity.WARNING if review.needs_attention or review.due is None else Severity.OK,
                review.message
                + ("" if review.due is not None else " Record it on the pupil record, so the next one is not missed."),
            )
        )
    return checks


def _check(key: str, title: str, ok: bool, message: str, step: str) -> Check:
    return Check(key, title, Severity.OK if ok else Severity.BLOCKER, message, step)
