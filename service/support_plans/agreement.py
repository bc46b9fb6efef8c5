"""Agreeing an AP Support Plan: the checks before agreement, the registration override, the agreement itself.

Agreement is the moment the law and the guidance bite: the package must be full time or say why not, the
pupil's age and year group are shown, the body that must decide has decided, a provider that would have to
register as an independent school cannot be used without a recorded override, and the first review must fall
within half a term. ``agreement_checks`` gathers all of that, each with its reason, so the check page and the
agree action apply exactly the same rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.documents import services as documents
from service.documents.models import Document
from service.documents.types import DocumentType
from service.extensions import db
from service.placements import services as placements
from service.placements.models import Placement
from service.providers.services import provider_warnings
from service.pupils.models import SenStatus
from service.rules.dates import uk_date
from service.rules.full_time import package_check
from service.rules.placement_status import PlacementStatus
from service.rules.registration import PlacedPupil, registration_risk
from service.rules.review_dates import check_review_date
from service.rules.school_age import destination_planning_due, is_compulsory_school_age
from service.support_plans.checks import Check, Severity, blockers
from service.support_plans.decision_check import decision_checks
from service.support_plans.services import (
    STEP_BY_SLUG,
    PlanError,
    StepState,
    hours_at_provider,
    plan_for_editing,
    step_states,
)
from service.term_dates.services import term_dates

#: Placements that count towards a provider's registration threshold (the pupils it is, or will be, teaching).
CURRENT_STATUSES = (
    PlacementStatus.REFERRED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
    PlacementStatus.UNDER_REVIEW,
)


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

    checks += decision_checks(placement)

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
