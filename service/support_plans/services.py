"""The AP Support Plan journey: saving answers step by step, the checks before agreement, agreeing.

A SENCO fills the plan in over days, between meetings, so every step saves a draft and nothing is
required until the plan is agreed. Agreement is the moment the law and the guidance bite: the package
must be full time or say why not, the pupil's age and year group are shown, who must decide is named, a
provider that would have to register as an independent school cannot be used without a recorded
override, and the first review must fall within half a term. ``agreement_checks`` gathers all of that,
each with its reason, so the check page and the agree action apply exactly the same rules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import Role, User
from service.db import utcnow
from service.documents import services as documents
from service.documents.models import Document
from service.documents.sending import Letter, send_document
from service.documents.types import DocumentType
from service.errors import FieldError
from service.extensions import db
from service.formatting import uk_date
from service.mail.models import OutboxMessage
from service.placements import services as placements
from service.placements.models import Placement
from service.providers.services import provider_warnings
from service.pupils.models import SenStatus
from service.rules.decision import who_decides
from service.rules.full_time import PartTimeReason, package_check
from service.rules.placement_status import PlacementStatus
from service.rules.registration import PlacedPupil, registration_risk
from service.rules.review_dates import HalfTerm, check_review_date, latest_review_date
from service.rules.school_age import destination_planning_due, is_compulsory_school_age
from service.support_plans.models import (
    DeliveredBy,
    OutcomeArea,
    PlanIntervention,
    PlanObjective,
    SupportPlan,
    TermDate,
)

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
#: Placements that count towards a provider's registration threshold (the pupils it is, or will be, teaching).
CURRENT_STATUSES = (
    PlacementStatus.REFERRED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
    PlacementStatus.UNDER_REVIEW,
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
    Step("need", "Assessment of need", ("academic_progress", "risks", "separate_risk_assessment", "reason")),
    Step("outcomes", "Desired outcomes", tuple(f"outcome_{area.value}" for area in OutcomeArea)),
    Step("objectives", "Objectives", ("objectives",)),
    Step("interventions", "Interventions and hours", ("interventions",)),
    Step("arrangements", "Links, attendance and review", ("school_links", "attendance_arrangements", "review_date")),
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
    if step.slug == "need" and placement.reason_for_referral.strip():
        return any(_answered(plan, placement, n) for n in step.required if n != "reason")
    return any(_answered(plan, placement, name) for name in step.required)


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


def term_dates(organisation_id: int) -> list[HalfTerm]:
    rows = db.session.scalars(
        sa.select(TermDate).where(TermDate.organisation_id == organisation_id).order_by(TermDate.starts_on)
    )
    return [HalfTerm(row.name, row.starts_on, row.ends_on) for row in rows]


def term_dates_of(organisation_ids: Iterable[int]) -> dict[int, list[HalfTerm]]:
    """Each organisation's half-terms, oldest first, in one query: a provider works for many commissioners,
    and each placement follows its own commissioner's term dates."""
    ids = set(organisation_ids)
    found: dict[int, list[HalfTerm]] = {organisation_id: [] for organisation_id in ids}
    if ids:
        for row in db.session.scalars(
            sa.select(TermDate).where(TermDate.organisation_id.in_(ids)).order_by(TermDate.starts_on)
        ):
            found[row.organisation_id].append(HalfTerm(row.name, row.starts_on, row.ends_on))
    return found


def latest_review(placement: Placement) -> date:
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
        "school_links",
        "attendance_arrangements",
        "agreed_actions",
        "review_date",
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


# -- the checks before agreement ---------------------------------------------------------------------


class Severity(enum.StrEnum):
    OK = "ok"  # shown for information: the rule is met
    WARNING = "warning"  # the commissioner must read it; it does not stop agreement
    BLOCKER = "blocker"  # the plan cannot be agreed until it is resolved

    @property
    def label(self) -> str:
        return {"ok": "Met", "warning": "Check", "blocker": "Must be resolved"}[self.value]


@dataclass(frozen=True)
class Check:
    """One rule applied to this plan, with its outcome and the reason, and the step where it is fixed."""

    key: str
    title: str
    severity: Severity
    message: str
    step: str = ""
    overridable: bool = False


def agreement_checks(placement: Placement, on: date) -> list[Check]:
    """Every rule the plan must meet before it is agreed, in the order a commissioner would work through them."""
    plan = placement.support_plan
    pupil = placement.pupil
    checks: list[Check] = []

    missing = [step for step, state in step_states(plan, placement).items() if state is not StepState.COMPLETED]
    if missing:
        titles = ", ".join(STEP_BY_SLUG[slug].title.lower() for slug in missing)
        checks.append(
            Check("complete", "Every part answered", Severity.BLOCKER, f"Not finished yet: {titles}.", missing[0])
        )
    else:
        checks.append(Check("complete", "Every part answered", Severity.OK, "Every part of the plan is answered."))

    package = package_check(
        [Decimal(i.hours_per_week) for i in (plan.interventions if plan else []) if i.hours_per_week is not None],
        plan.part_time_reason if plan else None,
        plan.part_time_detail if plan else "",
    )
    checks.append(
        Check(
            "full_time",
            "Full-time education",
            Severity.OK if package.acceptable else Severity.BLOCKER,
            package.message,
            "interventions",
        )
    )

    start = placement.planned_start
    year = pupil.year_group_on(start)
    if is_compulsory_school_age(pupil.date_of_birth, start):
        age_message = (
            f"{pupil.display_name} is of compulsory school age on the start date, "
            f"in {pupil.year_group_label_on(start)}."
        )
        severity = Severity.OK
    else:
        age_message = (
            f"{pupil.display_name} is not of compulsory school age on the start date ({uk_date(start)}): check the "
            "placement is the right route, and that the dates of birth and start are right."
        )
        severity = Severity.WARNING
    checks.append(Check("age", "Age and year group", severity, age_message, "pupil"))
    if destination_planning_due(year):
        has_destination = bool(plan and plan.outcome_destination.strip())
        checks.append(
            Check(
                "destination",
                "Destination planning (Year 11)",
                Severity.OK if has_destination else Severity.BLOCKER,
                "Year 11 pupils leave compulsory education this school year: the plan must say where "
                "they are going next (education, employment or training), so they do not become NEET."
                + ("" if has_destination else " Add the destination outcome."),
                "outcomes",
            )
        )

    decision = who_decides(placement.circumstance, has_ehcp=pupil.sen_status is SenStatus.EHCP)
    decided_by = placement.decided_by or "nobody yet"
    checks.append(
        Check(
            "decision",
            "Who must decide",
            Severity.OK,
            f"{decision.decision_maker.label}. {decision.explanation} Recorded as decided by: {decided_by}.",
        )
    )

    risk = registration_risk(bool(placement.provider.dfe_registered), _placed_pupils(placement))
    if risk.at_risk:
        overridden = bool(plan and plan.registration_override_reason.strip())
        message = risk.message
        if overridden:
            by = plan.registration_override_by.name if plan.registration_override_by else "a commissioner"
            message += f" Override recorded by {by}: “{plan.registration_override_reason}”."
        checks.append(
            Check(
                "registration",
                "Provider registration",
                Severity.WARNING if overridden else Severity.BLOCKER,
                message,
                overridable=True,
            )
        )
    else:
        checks.append(Check("registration", "Provider registration", Severity.OK, risk.message))

    warnings = provider_warnings(placement.provider, on)
    if warnings:
        checks.append(
            Check("provider", "Provider checks", Severity.WARNING, " ".join(w.rstrip(".") + "." for w in warnings))
        )
    else:
        checks.append(
            Check("provider", "Provider checks", Severity.OK, "The provider's due-diligence record is complete.")
        )

    review = check_review_date(
        start, plan.review_date if plan else None, term_dates(placement.commissioning_organisation_id)
    )
    checks.append(
        Check(
            "review_date",
            "First review date",
            Severity.OK if review.ok else Severity.BLOCKER,
            review.message,
            "arrangements",
        )
    )
    return checks


def _placed_pupils(placement: Placement) -> list[PlacedPupil]:
    """The provider's current placements, from every commissioner, with this one: counts only, no names."""
    others = db.session.scalars(
        sa.select(Placement).where(
            Placement.provider_id == placement.provider_id,
            Placement.id != placement.id,
            Placement.status.in_(CURRENT_STATUSES),
        )
    ).all()
    return [placed(p) for p in [*others, placement]]


def placed(placement: Placement) -> PlacedPupil:
    """One placement reduced to the facts the registration threshold turns on."""
    pupil = placement.pupil
    return PlacedPupil(
        hours_at_provider=hours_at_provider(placement),
        compulsory_school_age=is_compulsory_school_age(pupil.date_of_birth, placement.planned_start),
        looked_after=bool(pupil.looked_after),
        has_ehcp=pupil.sen_status is SenStatus.EHCP,
    )


def blockers(checks: Iterable[Check]) -> list[Check]:
    return [check for check in checks if check.severity is Severity.BLOCKER]


# -- overriding and agreeing -------------------------------------------------------------------------


def record_registration_override(user: User, placement: Placement, reason: str) -> None:
    """Record why the commissioner uses a provider at registration risk anyway: a named person, a reason."""
    plan = plan_for_editing(user, placement)
    reason = reason.strip()
    if len(reason) < 10:
        raise PlanError("override_reason", "Say why this provider is being used despite the registration risk")
    plan.registration_override_reason = reason
    plan.registration_override_by_id = user.id
    plan.registration_override_at = utcnow()
    audit.record("override", "support_plan", placement.id, user, {"rule": "registration"})


def agree_plan(user: User, placement: Placement, output_dir: Path, on: date | None = None) -> Document:
    """Agree the plan: every blocker resolved, the placement moved to agreed, the AP Support Plan queued.

    The caller commits and then enqueues the document (background work only after the commit). A plan
    changed after agreement is agreed again, which produces its next version; the placement's status
    only moves forward the first time.
    """
    today = on or date.today()
    plan = plan_for_editing(user, placement)
    problems = blockers(agreement_checks(placement, today))
    if problems:
        raise PlanError("agree", "The plan cannot be agreed yet: " + " ".join(p.message for p in problems))
    plan.agreed_at = utcnow()
    plan.agreed_by_id = user.id
    if placement.status is PlacementStatus.DRAFT:
        placements.change_status(user, placement, PlacementStatus.REFERRED, "Referred with the support plan", today)
    if placement.status is PlacementStatus.REFERRED:
        placements.change_status(user, placement, PlacementStatus.AGREED, "Support plan agreed", today)
    audit.record("agree", "support_plan", placement.id, user)
    db.session.flush()
    return documents.request_document(user, placement, DocumentType.SUPPORT_PLAN, output_dir, on=today)


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


# -- term dates --------------------------------------------------------------------------------------


def organisation_term_dates(user: User) -> list[TermDate]:
    return list(
        db.session.scalars(
            sa.select(TermDate).where(TermDate.organisation_id == user.organisation_id).order_by(TermDate.starts_on)
        )
    )


def add_term_date(user: User, name: str, starts_on: date, ends_on: date) -> TermDate:
    """Add a half-term to the admin's organisation: reviews fall due by these dates."""
    if ends_on < starts_on:
        raise PlanError("ends_on", "The last day must be on or after the first day")
    for existing in organisation_term_dates(user):
        if starts_on <= existing.ends_on and existing.starts_on <= ends_on:
            raise PlanError(
                "starts_on",
                f"These dates overlap {existing.name} ({uk_date(existing.starts_on)} to {uk_date(existing.ends_on)})",
            )
    term = TermDate(organisation_id=user.organisation_id, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    db.session.add(term)
    db.session.flush()
    audit.record("create", "term_date", term.id, user)
    return term


def delete_term_date(user: User, term_id: int) -> bool:
    term = db.session.scalar(
        sa.select(TermDate).where(TermDate.id == term_id, TermDate.organisation_id == user.organisation_id)
    )
    if term is None:
        return False
    db.session.delete(term)
    audit.record("delete", "term_date", term_id, user)
    return True
