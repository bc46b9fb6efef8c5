"""The AP Support Plan's context (the Oxfordshire commissioning guidance, Appendix A).

The pupil (preferred and legal names, since the plan is a legal record), parents and carers, the home
school, the provider and its placement contact, the commissioning organisation, who must decide and who
decided, dates and the weekly sessions come from the placement. Appendix A itself -- the planning meeting,
the assessment of need, the desired outcomes, objectives, interventions, the full-time check, links with
school, attendance arrangements, agreed actions and the review date -- comes from ``placement.support_plan``.

A plan is saved as a draft at any step, so every answer may be missing, and a placement may have no plan
yet: each missing answer is empty (or false, or an empty list), never an error, and a draft still prints.
The changes agreed at reviews so far are listed too, so a version produced after a review that changed the
plan shows what changed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from service.documents.contexts import common
from service.documents.fields import AGREEMENT, ASSESSMENT, PLAN_SECTIONS, REFERRAL, SIGNATURES, SUPPORT, empty_values
from service.placements.models import Placement
from service.reviews.models import Review
from service.rules.decision import label_without_sen
from service.rules.full_time import FULL_TIME_HOURS, PartTimeReason, package_check
from service.support_plans.models import DeliveredBy, OutcomeArea, PlanIntervention, PlanObjective, SupportPlan

TITLE = "Alternative Provision Support Plan"


def build_support_plan_context(placement: Placement, *, on: date, version: int = 1) -> dict[str, Any]:
    """The AP Support Plan for ``placement`` as it stands on ``on`` (the year group is the one on that date)."""
    pupil = placement.pupil
    plan = placement.support_plan
    signatures = empty_values(SIGNATURES)
    for key, role in (
        ("parent_carer", "Parent or carer"),
        ("school_representative", "School representative"),
        ("provider_representative", "Alternative provider representative"),
    ):
        signatures[key]["role"] = role
    context = {
        "document": common.document(TITLE, version, on),
        "pupil": common.pupil(pupil, on),
        "parents": [common.parent(parent) for parent in pupil.parents],
        "provider": common.provider(placement.provider),
        "commissioner": common.commissioner(placement),
        "placement": common.placement_fields(placement),
        "sessions": [common.session(session) for session in placement.sessions],
        "referral": _referral(placement, plan),
        "assessment": _assessment(placement, plan),
        "support": _support(plan),
        "agreement": _agreement(plan),
        "reviews": [_review_changes(review) for review in placement.reviews if review.plan_changed],
        "signatures": signatures,
    }
    return _keep_out(context, kept_from_provider(placement), placement)


def kept_from_provider(placement: Placement) -> set[str]:
    """The pack sections the commissioner keeps from the provider that the plan carries too."""
    pack = placement.provider_pack
    withheld = set(pack.withheld or ()) if pack is not None else set()
    return {name for name, _what in PLAN_SECTIONS if name in withheld}


def _keep_out(context: dict[str, Any], kept: set[str], placement: Placement) -> dict[str, Any]:
    """Empty the plan's fields of each section kept out of the provider pack, and say which are shared.

    Why: the provider reads and signs this plan. A SENCO who keeps safeguarding status out of the pack must not
    see it reach the provider through the plan instead (data minimisation, UK GDPR art. 5(1)(c)).
    """
    context["shared"] = {name: name not in kept for name, _what in PLAN_SECTIONS}
    pupil, assessment = context["pupil"], context["assessment"]
    if "sen" in kept:
        pupil["sen_status"] = pupil["sen_census_code"] = ""
        context["placement"]["decision_maker"] = label_without_sen(placement.decision_maker)
    if "safeguarding_status" in kept:
        pupil["safeguarding_status"] = ""
    if "fsm" in kept:
        pupil["fsm_eligible"] = False
    if "risks" in kept:
        assessment["risks"] = assessment["separate_risk_assessment"] = ""
    return context


def _referral(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    if plan is None:
        return empty_values(REFERRAL)
    taking_part = set(plan.parent_ids or ())
    return {
        **common.date_fields("planning_meeting_date", plan.planning_meeting_date),
        "school_rep": common.text(plan.school_rep),
        "provider_rep": common.text(plan.provider_rep),
        # In the order the pupil's parents are recorded; a parent since removed from the pupil drops out.
        "parents": [
            {"name": parent.name, "relationship": parent.relationship_to_pupil or ""}
            for parent in placement.pupil.parents
            if parent.id in taking_part
        ],
        "other_professionals": common.text(plan.other_professionals),
    }


def _assessment(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    assessment = empty_values(ASSESSMENT)
    assessment["reason_for_referral"] = common.text(placement.reason_for_referral)
    if plan is None:
        return assessment
    assessment.update(
        {
            "child_views": common.text(plan.child_views),
            "parental_views": common.text(plan.parental_views),
            "academic_progress": common.text(plan.academic_progress),
            "risks": common.text(plan.risks),
            "separate_risk_assessment": common.yes_no_blank(plan.separate_risk_assessment),
            "desired_outcomes": {area.value: common.text(plan.outcome(area)) for area in OutcomeArea},
        }
    )
    return assessment


def _support(plan: SupportPlan | None) -> dict[str, Any]:
    support = empty_values(SUPPORT)
    support["full_time_hours"] = common.hours(FULL_TIME_HOURS)
    if plan is None:
        return support
    every_setting = [i.hours_per_week for i in plan.interventions if i.hours_per_week is not None]
    at_provider = [
        i.hours_per_week
        for i in plan.interventions
        if i.hours_per_week is not None and i.delivered_by is DeliveredBy.PROVIDER
    ]
    # The reason is left out here: a stored reason the rule does not know must not stop the plan printing.
    check = package_check(every_setting, None)
    support.update(
        {
            "objectives": [_objective(objective) for objective in plan.objectives],
            "interventions": [_intervention(intervention) for intervention in plan.interventions],
            "total_hours": common.hours(check.total_hours) if every_setting else "",
            "hours_at_provider": common.hours(sum(at_provider, Decimal(0))) if at_provider else "",
            "full_time": check.full_time,
            # A reason for being part time means nothing on a full-time package: it is not printed.
            "part_time_reason": "" if check.full_time else _reason_label(plan.part_time_reason),
            "part_time_detail": "" if check.full_time else common.text(plan.part_time_detail),
            "school_links": common.text(plan.school_links),
            "attendance_arrangements": common.text(plan.attendance_arrangements),
            "agreed_actions": common.text(plan.agreed_actions),
            **common.date_fields("review_meeting_date", plan.review_date),
        }
    )
    return support


def _objective(objective: PlanObjective) -> dict[str, str]:
    return {
        "area": objective.area.label if objective.area is not None else "",
        "objective": common.text(objective.objective),
        "baseline": common.text(objective.baseline),
        "target": common.text(objective.target),
        "measure": common.text(objective.measure),
        **common.date_fields("due_by", objective.due_by),
    }


def _intervention(intervention: PlanIntervention) -> dict[str, str]:
    return {
        "type": common.text(intervention.intervention_type),
        "hours": common.hours(intervention.hours_per_week),
        "delivered_by": intervention.delivered_by.label,
        **common.date_fields("start_date", intervention.start_date),
    }


def _reason_label(value: str | None) -> str:
    if not value or not value.strip():
        return ""
    try:
        return PartTimeReason(value.strip()).label
    except ValueError:
        return value.strip()  # an older or unknown code still says something rather than nothing


def _agreement(plan: SupportPlan | None) -> dict[str, Any]:
    if plan is None:
        return empty_values(AGREEMENT)
    return {
        "agreed": plan.agreed_at is not None,
        **common.date_fields("agreed_on", plan.agreed_at),
        "agreed_by": plan.agreed_by.name if plan.agreed_by is not None else "",
        "registration_override_reason": common.text(plan.registration_override_reason),
    }


def _review_changes(review: Review) -> dict[str, Any]:
    return {
        "number": str(review.number),
        **common.date_fields("meeting_date", review.meeting_date),
        "changes_to_need": common.text(review.changes_to_need),
        "changes_to_outcomes": common.text(review.changes_to_outcomes),
        "changes_to_plan": common.text(review.changes_to_plan),
        "extension_agreed": bool(review.extension_agreed),
        **common.date_fields("new_end_date", review.new_end_date),
    }
