"""The AP Support Plan journey: the steps, saving answers step by step, sending the agreed plan to parents.

A SENCO fills the plan in over days, between meetings, so every step saves a draft and nothing is
required until the plan is agreed. The checks before agreement, and agreeing, are in ``agreement``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.documents.models import Document
from service.documents.sending import Letter, send_document
from service.errors import FieldError
from service.extensions import db
from service.mail.models import OutboxMessage
from service.placements.models import Placement
from service.rules.dates import uk_date
from service.rules.full_time import DeliveredBy, PartTimeReason
from service.rules.outcomes import OutcomeArea
from service.rules.placement_status import PlacementStatus
from service.rules.plan_requirements import HealthSafetyOutcome, planned_end_check
from service.rules.review_dates import latest_review_date
from service.rules.roles import Role
from service.support_plans import plan_checks
from service.support_plans.models import PlanIntervention, PlanObjective, SupportPlan
from service.term_dates.services import term_dates

#: A plan can be written or changed while the placement is being set up or running, not once it is over.
EDITABLE_STATUSES = frozenset(
    {
        PlacementStatus.DRAFT,
        PlacementStatus.REFERRED,
        PlacementStatus.AGREED,
        PlacementStatus.ACTIVE,
        PlacementStatus.UNDER_REVIEW,
    }
)


class PlanError(FieldError):
    """A problem with the plan that the user can fix, attached to a field."""


@dataclass(frozen=True)
class Step:
    """One page of the journey, and the answers on it that must be given before agreement."""

    slug: str
    title: str
    required: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step("meeting", "Planning meeting", ("planning_meeting_date", "school_rep", "provider_rep")),
    Step("pupil", "Pupil details", ("pupil_details_confirmed",)),
    Step("views", "The pupil's and parents' views", ("child_views", "parental_views")),
    Step(
        "need",
        "Assessment of need",
        ("academic_progress", "risks", "separate_risk_assessment", "risks_identified", "reason"),
    ),
    Step("outcomes", "Desired outcomes", tuple(f"outcome_{area.value}" for area in OutcomeArea)),
    Step("objectives", "Objectives", ("objectives",)),
    Step("interventions", "Interventions and hours", ("interventions",)),
    Step(
        "arrangements",
        "Links, attendance and review",
        ("school_links", "attendance_arrangements", "review_date", "planned_end", "off_site_direction"),
    ),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


class StepState(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed"}[self.value]


# -- reading -----------------------------------------------------------------------------------------


def get_plan(placement: Placement) -> SupportPlan | None:
    return placement.support_plan


def plan_for_editing(user: User, placement: Placement) -> SupportPlan:
    """The placement's plan, created empty on first use. Only the commissioning organisation edits it."""
    if user.role is not Role.COMMISSIONER or placement.commissioning_organisation_id != user.organisation_id:
        raise PlanError("plan", "Only the commissioning organisation can change this plan")
    if placement.status not in EDITABLE_STATUSES:
        raise PlanError("plan", f"The plan cannot be changed: the placement is {placement.status.label.lower()}")
    if placement.support_plan is None:
        placement.support_plan = SupportPlan()
        db.session.flush()
    return placement.support_plan


def _answered(plan: SupportPlan, placement: Placement, name: str) -> bool:
    conditional = plan_checks.answered(plan, placement, name)
    if conditional is not None:
        return conditional
    if name == "reason":
        return bool(placement.reason_for_referral.strip())
    if name == "objectives":
        return bool(plan.objectives) and all(not objective_gaps(o) for o in plan.objectives)
    if name == "interventions":
        return bool(plan.interventions) and all(not intervention_gaps(i) for i in plan.interventions)
    value = getattr(plan, name)
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, bool):
        return value if name == "pupil_details_confirmed" else True
    return value is not None


def _touched(plan: SupportPlan, placement: Placement, step: Step) -> bool:
    if step.slug == "objectives":
        return bool(plan.objectives)
    if step.slug == "interventions":
        return bool(plan.interventions) or plan.part_time_reason is not None
    # The reason for referral and the planned end come with the placement: they do not start a step by themselves.
    return any(_answered(plan, placement, name) for name in step.required if name not in ("reason", "planned_end"))


def step_states(plan: SupportPlan | None, placement: Placement) -> dict[str, StepState]:
    """Each step's state for the task list: not started, in progress (some answers), completed."""
    states = {}
    for step in STEPS:
        if plan is None:
            states[step.slug] = StepState.NOT_STARTED
        elif all(_answered(plan, placement, name) for name in step.required):
            states[step.slug] = StepState.COMPLETED
        elif _touched(plan, placement, step):
            states[step.slug] = StepState.IN_PROGRESS
        else:
            states[step.slug] = StepState.NOT_STARTED
    return states


def objective_gaps(objective: PlanObjective) -> list[str]:
    names = {"objective": "the objective", "baseline": "the baseline", "target": "the target", "measure": "how"}
    gaps = [label for attr, label in names.items() if not (getattr(objective, attr) or "").strip()]
    if objective.due_by is None:
        gaps.append("by when")
    return gaps


def intervention_gaps(intervention: PlanIntervention) -> list[str]:
    gaps = []
    if not intervention.intervention_type.strip():
        gaps.append("the type")
    if intervention.hours_per_week is None:
        gaps.append("the hours")
    if intervention.start_date is None:
        gaps.append("the start date")
    return gaps


def latest_first_review_date(placement: Placement) -> date:
    """The latest first-review date for this placement, from its organisation's term dates."""
    return latest_review_date(placement.planned_start, term_dates(placement.commissioning_organisation_id)).latest


def hours_by_setting(plan: SupportPlan | None) -> dict[DeliveredBy, Decimal]:
    totals = {setting: Decimal(0) for setting in DeliveredBy}
    for intervention in plan.interventions if plan else []:
        if intervention.hours_per_week is not None:
            totals[intervention.delivered_by] += Decimal(intervention.hours_per_week)
    return totals


def hours_at_provider(placement: Placement) -> Decimal:
    """The weekly hours the pupil spends at the provider: its timetable, or the plan's provider interventions
    if those add up to more (the registration rule must not be dodged by a short timetable)."""
    planned = hours_by_setting(placement.support_plan)[DeliveredBy.PROVIDER]
    return max(Decimal(placement.hours_per_week), planned)


# -- saving ------------------------------------------------------------------------------------------

SCALAR_ANSWERS = frozenset(
    {
        "planning_meeting_date",
        "school_rep",
        "provider_rep",
        "parent_ids",
        "other_professionals",
        "pupil_details_confirmed",
        "child_views",
        "parental_views",
        "academic_progress",
        "risks",
        "separate_risk_assessment",
        *(f"outcome_{area.value}" for area in OutcomeArea),
        "part_time_reason",
        "part_time_detail",
        "parents_consulted_on",
        "parents_consulted_with",
        "hours_difference_reason",
        "school_links",
        "attendance_arrangements",
        "agreed_actions",
        "review_date",
        "risks_identified",
        "joint_risk_assessment_date",
        "joint_risk_assessment_by",
        "joint_risk_assessment_attached",
        "health_safety_check_date",
        "off_site_direction",
        "off_site_max_weeks",
    }
)


@dataclass
class ObjectiveAnswer:
    area: OutcomeArea | None
    objective: str
    baseline: str
    target: str
    measure: str
    due_by: date | None
    ehcp_outcome: str = ""


@dataclass
class InterventionAnswer:
    intervention_type: str
    hours_per_week: Decimal | None
    delivered_by: DeliveredBy
    start_date: date | None


def save_answers(user: User, placement: Placement, step: Step, answers: Mapping[str, Any]) -> SupportPlan:
    """Save one step's answers (complete or not) to the plan: a draft is always worth keeping."""
    plan = plan_for_editing(user, placement)
    for name, value in answers.items():
        if name == "reason_for_referral":
            placement.reason_for_referral = value or ""
        elif name == "parent_ids":
            allowed = {parent.id for parent in placement.pupil.parents}
            plan.parent_ids = [pid for pid in value if pid in allowed]
        elif name == "part_time_reason":
            plan.part_time_reason = PartTimeReason(value).value if value else None
        elif name == "planned_end":
            _set_planned_end(plan, placement, value)
        elif name == "health_safety_outcome":
            plan.health_safety_outcome = HealthSafetyOutcome(value) if value else None
        elif name == "objectives":
            _replace_objectives(plan, value)
        elif name == "interventions":
            _replace_interventions(plan, value)
        elif name in SCALAR_ANSWERS:
            setattr(plan, name, value.strip() if isinstance(value, str) else value)
        else:
            raise KeyError(name)
    plan.updated_at = utcnow()
    audit.record("update", "support_plan", placement.id, user, {"step": step.slug})
    return plan


def _set_planned_end(plan: SupportPlan, placement: Placement, end: date | None) -> None:
    """Set the planned end while the plan is being written; once agreed, only a review's extension changes it.

    Why: DfE, Arranging alternative provision (2025) expects a time-limited placement whose length is reviewed.
    An end date moved quietly after agreement would extend a placement no review decided on
    (``reviews.services.record_review`` is the one place that changes it after agreement). A plan agreed before
    the end date was required may have none; recording one then changes nothing agreed, so it is allowed.
    """
    if end == placement.planned_end:
        return
    # A plan agreed before the end date was required may have none: recording one then extends nothing.
    if plan.agreed_at is not None and placement.planned_end is not None:
        raise PlanError(
            "planned_end",
            "The plan is agreed: the planned end date can now only be changed by recording a review that agrees "
            "an extension",
        )
    if end is not None and not planned_end_check(placement.planned_start, end).ok:
        raise PlanError("planned_end", planned_end_check(placement.planned_start, end).message.rstrip("."))
    placement.planned_end = end


def _replace_objectives(plan: SupportPlan, rows: Iterable[ObjectiveAnswer]) -> None:
    plan.objectives.clear()
    for position, row in enumerate(rows):
        plan.objectives.append(
            PlanObjective(
                position=position,
                area=row.area,
                objective=row.objective.strip(),
                baseline=row.baseline.strip(),
                target=row.target.strip(),
                measure=row.measure.strip(),
                due_by=row.due_by,
                ehcp_outcome=row.ehcp_outcome.strip(),
            )
        )


def _replace_interventions(plan: SupportPlan, rows: Iterable[InterventionAnswer]) -> None:
    plan.interventions.clear()
    for position, row in enumerate(rows):
        plan.interventions.append(
            PlanIntervention(
                position=position,
                intervention_type=row.intervention_type.strip(),
                hours_per_week=row.hours_per_week,
                delivered_by=row.delivered_by,
                start_date=row.start_date,
            )
        )


PARENT_PLAN = "parent_plan"


def send_plan_to_parents(user: User, placement: Placement, document: Document) -> list[OutboxMessage]:
    """Queue the agreed plan to every parent or carer with parental responsibility and an email address.

    Why each gets a message of their own: parents who live apart must not see each other's address. A
    parent without parental responsibility is not sent it (their record says so). The caller commits, then
    enqueues the document and the messages; each message waits for the PDF.
    """
    organisation = placement.commissioning_organisation
    messages = []
    for parent in placement.pupil.parents:
        if not (parent.parental_responsibility and parent.email):
            continue
        letter = Letter(
            subject=f"AP Support Plan agreed (ref AP-{placement.id})",
            body=(
                f"Dear {parent.name},\n\n"
                f"The AP Support Plan for your child's placement at {placement.provider.name}, starting on "
                f"{uk_date(placement.planned_start)}, has been agreed. This is your copy: it says what the placement "
                "is for, what will happen and when it will be reviewed.\n\n"
                "{delivery}\n\n"
                f"If you have a question about it, contact {organisation.name}.\n"
            ),
            purpose=PARENT_PLAN,
        )
        message, _how = send_document(user, organisation, document, parent.email, letter)
        messages.append(message)
    if messages:
        audit.record(
            "send", "support_plan", placement.id, user, {"document_id": document.id, "messages": len(messages)}
        )
    return messages
