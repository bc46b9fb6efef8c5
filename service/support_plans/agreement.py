"""Agreeing an AP Support Plan: the checks before agreement and the agreement itself.

Agreement is the moment the law and the guidance bite: the package must be full time or say why not, the
pupil's age and year group are shown, the body that must decide has decided, a provider that would have to
register as an independent school or that fails a provider check cannot be used without a senior leader's
recorded override (``overrides``), and the first review must fall within half a term. ``agreement_checks``
gathers all of that, each with its reason, so the check page and the agree action apply exactly the same rules.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.documents import services as documents
from service.documents.models import Document
from service.documents.types import DocumentType
from service.extensions import db
from service.la_notices import services as la_notices
from service.la_notices.models import LaEvent
from service.placements import services as placements
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.dates import uk_date
from service.rules.placement_status import PlacementStatus
from service.rules.registration import PlacedPupil, registration_risk
from service.rules.review_dates import check_review_date
from service.rules.school_age import destination_planning_due, is_compulsory_school_age
from service.support_plans.checks import Check, Severity, blockers
from service.support_plans.decision_check import decision_checks
from service.support_plans.full_time_checks import full_time_checks
from service.support_plans.overrides import REGISTRATION, apply_overrides
from service.support_plans.plan_checks import plan_checks
from service.support_plans.provider_checks import provider_checks
from service.support_plans.registration import registration_rule
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

    checks.extend(full_time_checks(placement))

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

    risk = registration_risk(
        bool(placement.provider.dfe_registered), _placed_pupils(placement, on), registration_rule(), on
    )
    if risk.at_risk:  # a senior leader may override it, with the report to the DfE, Ofsted and the VAH (overrides)
        checks.append(Check(REGISTRATION, "Provider registration", Severity.BLOCKER, risk.message, overridable=True))
    else:
        checks.append(Check(REGISTRATION, "Provider registration", Severity.OK, risk.message))

    checks.extend(provider_checks(placement, on))

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
    checks += plan_checks(placement, on)
    return apply_overrides(placement, checks)


def _placed_pupils(placement: Placement, on: date) -> list[PlacedPupil]:
    """The provider's current placements, from every commissioner, with this one: counts only, no names."""
    others = db.session.scalars(
        sa.select(Placement).where(
            Placement.provider_id == placement.provider_id,
            Placement.id != placement.id,
            Placement.status.in_(CURRENT_STATUSES),
        )
    ).all()
    return [placed(p, on) for p in [*others, placement]]


def placed(placement: Placement, on: date) -> PlacedPupil:
    """One placement reduced to the facts the registration threshold turns on: of compulsory school age on
    ``on`` or, for a placement not started yet, on its start (a pupil past the leaving date stops counting)."""
    pupil = placement.pupil
    return PlacedPupil(
        hours_at_provider=hours_at_provider(placement),
        compulsory_school_age=is_compulsory_school_age(pupil.date_of_birth, max(placement.planned_start, on)),
        looked_after=bool(pupil.looked_after),
        has_ehcp=pupil.sen_status is SenStatus.EHCP,
        has_sen=pupil.sen_status in (SenStatus.SEN_SUPPORT, SenStatus.EHCP),
    )


# -- overriding and agreeing -------------------------------------------------------------------------


def agree_plan(user: User, placement: Placement, output_dir: Path, on: date | None = None) -> Document:
    """Agree the plan: every blocker resolved, the placement moved to agreed, the AP Support Plan queued.

    The caller commits and then enqueues the document (background work only after the commit). A plan
    changed after agreement is agreed again, which produces its next version; the placement's status
    only moves forward the first time.
    """
    today = on or date.today()
    # Two agreements at once would both find it never agreed (the LA told twice): wait for the other, read afresh.
    documents.hold_placement(placement.id)
    db.session.expire(placement)
    plan = plan_for_editing(user, placement)
    problems = blockers(agreement_checks(placement, today))
    if problems:
        raise PlanError("agree", "The plan cannot be agreed yet: " + " ".join(p.message for p in problems))
    first_agreement = plan.agreed_at is None
    plan.agreed_at = utcnow()
    plan.agreed_by_id = user.id
    if placement.status is PlacementStatus.DRAFT:
        placements.change_status(user, placement, PlacementStatus.REFERRED, "Referred with the support plan", today)
    if placement.status is PlacementStatus.REFERRED:
        placements.change_status(user, placement, PlacementStatus.AGREED, "Support plan agreed", today)
    audit.record("agree", "support_plan", placement.id, user)
    if first_agreement:
        la_notices.tell_local_authority(user, placement, LaEvent.AGREED)  # emailed after the caller's commit
    db.session.flush()
    return documents.request_document(user, placement, DocumentType.SUPPORT_PLAN, output_dir, on=today)
