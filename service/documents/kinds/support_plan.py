"""The AP Support Plan (the Oxfordshire commissioning guidance, Appendix A): the fields its template may use, its
context, and when it can be produced (from the placement page, referred to ended).

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
from typing import TYPE_CHECKING, Any

from service.documents.engine import schema as fields
from service.documents.engine.schema import Field, Kind, Schema, empty_values
from service.documents.kinds import _common as common
from service.documents.kinds._fields import (
    COMMISSIONER,
    DOCUMENT,
    FROM_THE_PLAN,
    OBJECTIVE,
    PARENTS,
    PLACEMENT,
    PROVIDER,
    PUPIL,
    REVIEW_CHANGES,
    SESSIONS,
    WEEK,
)
from service.documents.kinds._kind import DocumentKind, MadeFrom
from service.documents.types import DocumentType
from service.la_decisions import services as la_decisions
from service.placements.models import Placement
from service.rules.dates import uk_date
from service.rules.decision import LaOutcome, label_without_sen
from service.rules.full_time import FULL_TIME_HOURS, DeliveredBy, PartTimeReason, package_check
from service.rules.outcomes import OutcomeArea
from service.rules.plan_requirements import direction_latest_end
from service.rules.signers import signer_role_label

# Feature models for the signatures only: a kind reads what it needs through the placement's relationships, so
# the documents package sits below the features it makes documents of.
if TYPE_CHECKING:
    from service.reviews.models import Review
    from service.support_plans.models import PlanIntervention, SupportPlan
    from service.support_plans.overrides import PlanOverride

# -- the fields its template may use ------------------------------------------------------------------


def _signature(name: str, who: str) -> Field:
    return fields.group(
        name,
        f"Signature block: {who}.",
        fields.text("name", "Name of the person signing", "", note="Empty until the signing journey records it."),
        fields.text("role", "Their role", who.capitalize()),
        fields.date("signed_on", "Date signed", "", note="Empty until signed."),
        Field(
            "signature_image",
            "The signature they drew",
            "",
            Kind.IMAGE,
            note="Empty until signed, and when they typed their name instead.",
        ),
        fields.text(
            "typed_signature", "The name they typed to sign, when they did not draw", "", note="Empty until signed."
        ),
    )


REFERRAL = fields.group(
    "referral",
    "Appendix A, Initial referral: the planning meeting.",
    fields.date("planning_meeting_date", "Date of the planning meeting", "8 December 2025"),
    fields.text("school_rep", "School representative at the meeting", "Ms K Owen, SENCO"),
    fields.text("provider_rep", "Alternative provider representative", "Alex Jones, Centre manager"),
    fields.list_of(
        "parents",
        "Parents and carers taking part in the planning, in the order recorded.",
        fields.text("name", "Name", "Pat Smith"),
        fields.text("relationship", "Relationship to the pupil", "Mother"),
    ),
    fields.paras("other_professionals", "Other professionals involved", "Educational psychologist"),
    note=FROM_THE_PLAN,
)

DESIRED_OUTCOMES = fields.group(
    "desired_outcomes",
    "Desired outcomes, by area (the Oxfordshire commissioning guidance: attendance, attitude, attainment, "
    "behaviour, destination).",
    fields.paras("attendance", "Attendance", "Attend every session."),
    fields.paras("attitude", "Attitude to learning", "Feel confident working in a group."),
    fields.paras("attainment", "Attainment", "Entry level 3 functional skills English."),
    fields.paras("behaviour", "Behaviour", "No removals from class."),
    fields.paras("destination", "Destination after the placement", "Back in lessons full time."),
)

RISK_ASSESSMENT = fields.group(
    "risk_assessment",
    "Whether the plan identifies risks and, when it does, the joint risk assessment with the provider and the "
    "provider's health-and-safety check (the Oxfordshire commissioning guidance). Empty when the risks section is "
    "kept out of the provider pack.",
    fields.text("risks_identified", 'Does the plan identify risks? "Yes", "No", or empty until answered', "Yes"),
    fields.date("joint_assessment_date", "Date of the joint risk assessment with the provider", "8 December 2025"),
    fields.paras(
        "joint_assessment_by", "Who took part in the joint risk assessment", "Ms K Owen (SENCO), Alex Jones (provider)"
    ),
    fields.text("joint_assessment_attached", 'Is a separate risk assessment attached? "Yes", "No", or empty', "Yes"),
    fields.date("health_safety_check_date", "Date of the provider's health-and-safety check", "1 December 2025"),
    fields.text(
        "health_safety_outcome",
        "Its outcome: Satisfactory, Satisfactory, with actions agreed, or Unsatisfactory; empty until recorded",
        "Satisfactory",
    ),
)

ASSESSMENT = fields.group(
    "assessment",
    "Appendix A, Assessment of need.",
    fields.paras(
        "child_views", "The child's views (always shown on the plan: `or_dash` when empty)", "I like making things."
    ),
    fields.paras(
        "parental_views",
        "Parental views and relevant home background (always shown on the plan: `or_dash` when empty)",
        "Jay's mum says mornings are hard.",
    ),
    fields.paras(
        "academic_progress",
        "Academic progress, including barriers to learning",
        "Working below expected level in English.",
    ),
    fields.paras("risks", "Risks identified, e.g. leaving site", "Has left the school site twice."),
    fields.text(
        "separate_risk_assessment",
        'Is a separate risk assessment required? "Yes", "No", or empty until answered',
        "Yes",
    ),
    fields.paras("reason_for_referral", "Reason for referral (recorded with the placement)", "Struggling in lessons."),
    DESIRED_OUTCOMES,
    RISK_ASSESSMENT,
    note=FROM_THE_PLAN,
)

SUPPORT = fields.group(
    "support",
    "Appendix A, Support plan.",
    fields.list_of(
        "objectives",
        "SMART objectives: what, from which baseline, to which target, measured how, by when; for a pupil with an "
        "EHCP, the EHCP outcome each serves.",
        *OBJECTIVE,
        fields.paras(
            "ehcp_outcome",
            "The EHCP outcome this objective serves, or empty (empty too when the SEN section is kept out of the "
            "provider pack)",
            "To take part in a group activity with peers for 20 minutes",
        ),
    ),
    fields.list_of(
        "interventions",
        "Interventions in every setting: type, hours a week, who delivers it and start date.",
        fields.text("type", "Intervention type", "Construction skills"),
        fields.text("hours", "Hours a week, or empty", "15"),
        fields.text(
            "delivered_by",
            "Where it happens: The alternative provider, The home school or Another setting",
            "The alternative provider",
        ),
        fields.date("start_date", "Start date", "5 January 2026"),
    ),
    fields.text(
        "total_hours",
        "Hours a week of the whole package, all settings added together; empty when no hours are recorded",
        "30",
    ),
    fields.text("hours_at_provider", "Hours a week at the alternative provider (its interventions)", "15"),
    fields.text("full_time_hours", "Hours a week that count as full time (a normal school week)", "30"),
    fields.yes_no("full_time", "Whether the package adds up to full time", False),
    fields.text(
        "part_time_reason",
        "Why the package is below full time, or empty",
        "Part-time AP: the pupil attends school for the rest of the week",
    ),
    fields.paras("part_time_detail", "The detail of that reason", "In school on Monday, Wednesday and Friday."),
    fields.paras(
        "school_links",
        "How the home school maintains links with the child and parents (shared time in school, visits, "
        "review meetings, phone calls)",
        "Weekly phone call from the SENCO.",
    ),
    fields.paras(
        "attendance_arrangements",
        "Arrangements to report and monitor attendance",
        "The provider reports attendance twice daily.",
    ),
    fields.paras(
        "agreed_actions",
        "Agreed actions: other referrals, special transition arrangements",
        "Referral to the school nurse.",
    ),
    fields.date("review_meeting_date", "Date of the review meeting", "9 February 2026"),
    fields.text(
        "off_site_direction",
        'Has the governing body directed the pupil off site? "Yes", "No", or empty until answered',
        "No",
    ),
    fields.text("off_site_max_weeks", "The maximum duration agreed for the direction, in weeks, or empty", ""),
    fields.date("off_site_until", "The last day the direction's agreed maximum covers, or empty", ""),
    note=FROM_THE_PLAN,
)

AGREEMENT = fields.group(
    "agreement",
    "Whether the plan has been agreed in apdocs, when and by whom.",
    fields.yes_no("agreed", "Whether the plan has been agreed", True),
    fields.date("agreed_on", "Date it was agreed", "15 December 2025"),
    fields.text("agreed_by", "Who recorded the agreement", "Ms K Owen"),
    fields.paras(
        "registration_override_reason",
        "Why the plan was agreed although the provider may need to register as an independent school; "
        "empty when there was no such warning",
        "",
    ),
    note=FROM_THE_PLAN,
)

PLAN_OVERRIDES = fields.list_of(
    "overrides",
    "The checks a senior leader overrode so that the plan could be agreed, oldest first; empty when none was.",
    fields.text("check", "The check that was overridden", "Provider: insurance"),
    fields.paras(
        "what", "What the check said when it was overridden", "The provider's insurance expired on 31 October 2025."
    ),
    fields.paras(
        "reason", "The senior leader's reason", "Renewal confirmed by the insurer in writing; certificate to follow."
    ),
    fields.text("by", "The senior leader who overrode it", "Ms R Patel"),
    fields.date("on", "Date it was overridden", "1 December 2025"),
    fields.text(
        "reported",
        "For the registration check: when and by whom the provider was reported to the DfE, Ofsted and the Virtual "
        "AP Headteacher; empty otherwise",
        "",
    ),
)

PLAN_REVIEWS = fields.list_of(
    "reviews",
    "The changes agreed at each review so far, first review first: only reviews that changed the plan.",
    fields.text("number", "Review number (1, 2, ...)", "1"),
    fields.date("meeting_date", "Date of the review meeting", "9 February 2026"),
    *REVIEW_CHANGES,
    fields.yes_no("extension_agreed", "Whether an extension was agreed", True),
    fields.date("new_end_date", "New finish / off-roll date, or empty", "22 May 2026"),
)

SIGNATURES = fields.group(
    "signatures",
    "Who signs the plan. Names are empty until the signing journey records them.",
    _signature("parent_carer", "parent or carer"),
    _signature("school_representative", "school representative"),
    _signature("provider_representative", "alternative provider representative"),
)

#: The pack's sections the AP Support Plan also carries. The provider reads and signs the plan, so a section the
#: commissioner keeps out of the pack is kept out of the plan too, and the two never disagree.
PLAN_SECTIONS = (
    ("sen", "the SEN status: `pupil.sen_status`, `pupil.sen_census_code` and each objective's `ehcp_outcome`"),
    ("safeguarding_status", "the safeguarding status: `pupil.safeguarding_status`"),
    ("fsm", "free school meal eligibility: `pupil.fsm_eligible`"),
    ("risks", "the risks: `assessment.risks`, `assessment.separate_risk_assessment` and `assessment.risk_assessment`"),
)

PLAN_SHARED = fields.group(
    "shared",
    "Which of the plan's details the provider may see. The provider reads and signs the plan, so a section the "
    "commissioner keeps out of the provider pack is kept out of the plan too: its fields are empty (`fsm_eligible` "
    "is false), and the template says so with `{% if shared.<section> %}` ... `{% else %}Not shared with the "
    "provider{% endif %}`. All true when nothing is kept out.",
    *(fields.yes_no(name, f"Whether the plan shows {what}", True) for name, what in PLAN_SECTIONS),
)

SCHEMA = Schema(
    DocumentType.SUPPORT_PLAN.label,
    (
        DOCUMENT,
        PUPIL,
        PARENTS,
        PROVIDER,
        COMMISSIONER,
        PLACEMENT,
        SESSIONS,
        WEEK,
        REFERRAL,
        ASSESSMENT,
        SUPPORT,
        AGREEMENT,
        PLAN_OVERRIDES,
        PLAN_REVIEWS,
        SIGNATURES,
        PLAN_SHARED,
    ),
    intro=(
        "The personalised plan of the Oxfordshire commissioning guidance's Appendix A: what apdocs records about "
        "the placement and its support plan, and the changes agreed at its reviews so far."
    ),
)


# -- its context --------------------------------------------------------------------------------------

TITLE = "Alternative Provision Support Plan"


def build_support_plan_context(placement: Placement, *, on: date, version: int = 1) -> dict[str, Any]:
    """The AP Support Plan for ``placement`` as it stands on ``on`` (the year group is the one on that date)."""
    pupil = placement.pupil
    plan = placement.support_plan
    signatures = empty_values(SIGNATURES)
    for role in ("parent_carer", "school_representative", "provider_representative"):
        signatures[role]["role"] = signer_role_label(role, local_authority=placement.commissioned_by_la)
    context = {
        "document": common.document(TITLE, version, on),
        "pupil": common.pupil(pupil, on),
        "parents": [common.parent(parent) for parent in pupil.parents],
        "provider": common.provider(placement.provider),
        "commissioner": common.commissioner(placement),
        "placement": common.placement_fields(placement),
        "sessions": [common.session(session) for session in placement.provider_sessions],
        "week": common.week(placement, with_detail=True),
        "referral": _referral(placement, plan),
        "assessment": _assessment(placement, plan),
        "support": _support(plan),
        "agreement": _agreement(plan, placement),
        "overrides": [_override(override) for override in placement.plan_overrides],
        "reviews": [_review_changes(review) for review in placement.reviews if review.plan_changed],
        "signatures": signatures,
    }
    kept = kept_from_provider(placement)
    if (decided_by := _decided_by_the_la(placement, with_sen="sen" not in kept)) is not None:
        context["placement"]["decided_by"] = decided_by
    return _keep_out(context, kept, placement)


def _decided_by_the_la(placement: Placement, with_sen: bool) -> str | None:
    """Where the local authority decided, "agreed by" is its recorded decision, not what the school typed when it
    started the placement: the plan must say who agreed it (the Oxfordshire commissioning guidance, Appendix A).
    The EHCP review that considered it is left out with the SEN when the SEN is kept from the provider."""
    decision = la_decisions.decision_of(placement)
    if decision is None or decision.outcome is not LaOutcome.AGREE:
        return None
    decided_by = f"{decision.local_authority.name}: agreed on {uk_date(decision.decided_on)} by {decision.officer_name}"
    if with_sen and decision.ehcp_review_date is not None:
        decided_by += f", at the EHCP review of {uk_date(decision.ehcp_review_date)}"
    if decision.health_input_on is not None and decision.health_input_by:
        decided_by += f", with health input from {decision.health_input_by} on {uk_date(decision.health_input_on)}"
    return decided_by


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
        assessment["risk_assessment"] = empty_values(RISK_ASSESSMENT)
    if "sen" in kept:  # an EHCP outcome says the pupil has an EHCP
        for objective in context["support"]["objectives"]:
            objective["ehcp_outcome"] = ""
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
            "risk_assessment": _risk_assessment(plan),
        }
    )
    return assessment


def _risk_assessment(plan: SupportPlan) -> dict[str, Any]:
    return {
        "risks_identified": common.yes_no_blank(plan.risks_identified),
        **common.date_fields("joint_assessment_date", plan.joint_risk_assessment_date),
        "joint_assessment_by": common.text(plan.joint_risk_assessment_by),
        "joint_assessment_attached": common.yes_no_blank(plan.joint_risk_assessment_attached),
        **common.date_fields("health_safety_check_date", plan.health_safety_check_date),
        "health_safety_outcome": plan.health_safety_outcome.label if plan.health_safety_outcome else "",
    }


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
            "objectives": [
                {**common.objective(objective), "ehcp_outcome": common.text(objective.ehcp_outcome)}
                for objective in plan.objectives
            ],
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
            **_off_site_direction(plan),
        }
    )
    return support


def _off_site_direction(plan: SupportPlan) -> dict[str, str]:
    """The direction and its agreed maximum (in weeks, and the last day it covers from the planned start)."""
    weeks = plan.off_site_max_weeks if plan.off_site_direction else None
    until = direction_latest_end(plan.placement.planned_start, weeks) if weeks else None
    return {
        "off_site_direction": common.yes_no_blank(plan.off_site_direction),
        "off_site_max_weeks": str(weeks) if weeks else "",
        **common.date_fields("off_site_until", until),
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


def _agreement(plan: SupportPlan | None, placement: Placement) -> dict[str, Any]:
    if plan is None:
        return empty_values(AGREEMENT)
    registration = [o for o in placement.plan_overrides if o.check_key == "registration"]
    return {
        "agreed": plan.agreed_at is not None,
        **common.date_fields("agreed_on", plan.agreed_at),
        "agreed_by": plan.agreed_by.name if plan.agreed_by is not None else "",
        "registration_override_reason": common.text(registration[-1].reason if registration else ""),
    }


def _override(override: PlanOverride) -> dict[str, Any]:
    reported = ""
    if override.reported_on is not None:
        reported = (
            f"Reported to the DfE, Ofsted and the Virtual AP Headteacher on {uk_date(override.reported_on)} "
            f"by {override.reported_by}"
        )
    return {
        "check": common.text(override.check_title or override.check_key),
        "what": common.text(override.check_message),
        "reason": common.text(override.reason),
        "by": override.by.name if override.by is not None else "",
        **common.date_fields("on", override.at),
        "reported": reported,
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


#: The placement statuses in which the plan has something to say.
STATUSES = ("referred", "agreed", "active", "under_review", "ended")
KIND = DocumentKind(DocumentType.SUPPORT_PLAN, SCHEMA, build_support_plan_context, STATUSES, MadeFrom.PLACEMENT)
