"""The checks before agreement, on real records: each rule shows up with its reason and the right severity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from service.pupils.models import SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from service.support_plans.agreement import Severity, agreement_checks, blockers
from tests import factories

ON = date(2026, 11, 23)


def _complete_plan(placement, hours=(Decimal(15), Decimal(15))):  # type: ignore[no-untyped-def]
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan)
    for index, value in enumerate(hours):
        setting = DeliveredBy.PROVIDER if index == 0 else DeliveredBy.SCHOOL
        factories.PlanInterventionFactory(support_plan=plan, hours_per_week=value, delivered_by=setting)
    return plan


def _by_key(placement):  # type: ignore[no-untyped-def]
    return {check.key: check for check in agreement_checks(placement, ON)}


def test_a_complete_full_time_plan_has_no_blockers(app, school, provider):
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    _complete_plan(placement)
    checks = agreement_checks(placement, ON)
    assert blockers(checks) == [], [c.message for c in blockers(checks)]
    assert _by_key(placement)["decision"].message.startswith("The school")


def test_a_year_11_pupil_needs_a_destination(app, school, provider):
    # Born 31 August 2010: 15 on 31 August 2025, so Year 11 (the youngest in it) from September 2025.
    pupil = factories.PupilFactory(organisation=school, date_of_birth=date(2010, 8, 31))
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, planned_start=date(2026, 1, 5))
    plan = _complete_plan(placement)
    plan.outcome_destination = ""
    check = _by_key(placement)["destination"]
    assert check.severity is Severity.BLOCKER
    assert "NEET" in check.message


def test_a_pupil_born_a_day_later_on_1_september_2010_is_in_year_10_with_no_destination_check(app, school, provider):
    pupil = factories.PupilFactory(organisation=school, date_of_birth=date(2010, 9, 1))
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, planned_start=date(2026, 1, 5))
    _complete_plan(placement)
    checks = _by_key(placement)
    assert "destination" not in checks
    assert "Year 10" in checks["age"].message


def test_a_pupil_past_compulsory_school_age_is_flagged(app, school, provider):
    pupil = factories.PupilFactory(organisation=school, date_of_birth=date(2009, 1, 10))  # left on 26 June 2025
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, planned_start=date(2026, 1, 5))
    _complete_plan(placement)
    check = _by_key(placement)["age"]
    assert check.severity is Severity.WARNING
    assert "not of compulsory school age" in check.message


@pytest.mark.parametrize(
    ("others", "hours", "ehcp", "at_risk"),
    [
        pytest.param(3, Decimal(25), False, False, id="4th-full-time-pupil"),
        pytest.param(4, Decimal(25), False, True, id="5th-full-time-pupil"),
        pytest.param(4, Decimal(18), False, False, id="5-pupils-at-exactly-18-hours"),
        pytest.param(0, Decimal("18.5"), True, True, id="one-ehcp-pupil-at-18.5-hours"),
        pytest.param(0, Decimal(18), True, False, id="one-ehcp-pupil-at-18-hours"),
    ],
)
def test_registration_risk_counts_the_providers_pupils_from_every_commissioner(
    app, school, other_school, provider, others, hours, ehcp, at_risk
):
    provider.dfe_registered = False
    for n in range(others):
        # Other commissioners' pupils count too: the provider's duty does not depend on who placed them.
        other = factories.PlacementFactory(
            pupil=factories.PupilFactory(organisation=other_school if n % 2 else school),
            provider=provider,
            status=PlacementStatus.ACTIVE,
        )
        _complete_plan(other, hours=(Decimal(25),))
    pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.EHCP if ehcp else SenStatus.NONE)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, with_sessions=False)
    _complete_plan(placement, hours=(hours, Decimal(30) - hours))
    check = _by_key(placement)["registration"]
    assert (check.severity is Severity.BLOCKER) is at_risk, check.message
    assert check.overridable is at_risk


def test_a_registered_provider_is_never_at_registration_risk(app, school, provider):
    provider.dfe_registered = True
    for _ in range(6):
        other = factories.PlacementFactory(
            pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.ACTIVE
        )
        _complete_plan(other, hours=(Decimal(25),))
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    _complete_plan(placement)
    assert _by_key(placement)["registration"].severity is Severity.OK


def test_a_provider_not_on_the_approved_list_blocks_until_its_desktop_review_is_recorded(app, school, provider):
    from service.providers.models import ApprovedListStatus

    provider.approved_list_status = ApprovedListStatus.NOT_ON_LIST
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    _complete_plan(placement)
    check = _by_key(placement)["provider_approved_list"]
    assert check.severity is Severity.BLOCKER
    assert check.overridable
    assert "Virtual AP Headteacher" in check.message and "desk-top review" in check.message


def test_an_unanswered_part_is_named(app, school, provider):
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    plan = _complete_plan(placement)
    plan.child_views = ""
    check = _by_key(placement)["complete"]
    assert check.severity is Severity.BLOCKER
    assert "the pupil's and parents' views" in check.message
