"""The dashboard opens on what needs doing: each overdue review or visit, each agreed plan not signed, each
package below full time without a reason, each provider that may have to register as a school, and each
pupil with no placement, with its reason and a link."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from service.rules.placement_status import PlacementStatus
from service.support_plans.models import DeliveredBy
from tests import factories
from tests.helpers import text


def _section(page: str, heading: str) -> str:
    assert heading in page, f"{heading!r} is not on the dashboard"
    return page.split(heading)[1].split("</ul>")[0]


def _active(school, provider, days_ago: int, name: str):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name=name)
    return factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=date.today() - timedelta(days=days_ago),
    )


def test_overdue_reviews_and_visits_are_listed_with_their_dates(as_commissioner, school, provider):
    late = _active(school, provider, 120, "Late")
    recent = _active(school, provider, 3, "Recent")
    page = text(as_commissioner.get("/"))
    reviews = _section(page, "Reviews overdue (1)")
    assert f"/placements/{late.id}#reviews" in reviews and "Review due by" in reviews
    visits = _section(page, "Visits overdue (1)")
    assert f"/placements/{late.id}#visits" in visits and "(no visit yet)" in visits
    assert f"/placements/{recent.id}#" not in page.split('id="to-do"')[1].split('id="provider-packs"')[0]


def test_an_agreed_plan_not_sent_for_signatures_and_a_part_time_package_are_listed(as_commissioner, school, provider):
    placement = _active(school, provider, 3, "Agreed")
    plan = factories.SupportPlanFactory(placement=placement, agreed_at=datetime(2026, 1, 1, tzinfo=UTC))
    factories.PlanInterventionFactory(
        support_plan=plan, hours_per_week=Decimal("10"), delivered_by=DeliveredBy.PROVIDER
    )
    page = text(as_commissioner.get("/"))
    assert "Agreed, not yet sent for signatures" in _section(page, "Plans not signed (1)")
    part_time = _section(page, "Below full time with no reason (1)")
    assert f"/placements/{placement.id}#support-plan" in part_time


def test_a_provider_at_registration_risk_is_listed_without_naming_other_schools_pupils(
    as_commissioner, school, other_school, provider
):
    provider.dfe_registered = False
    ours = _active(school, provider, 3, "Ours")
    plan = factories.SupportPlanFactory(placement=ours)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal("25"))
    for n in range(4):
        theirs = factories.PlacementFactory(
            pupil=factories.PupilFactory(organisation=other_school, legal_first_name=f"Elsewhere{n}"),
            provider=provider,
            status=PlacementStatus.ACTIVE,
        )
        factories.PlanInterventionFactory(
            support_plan=factories.SupportPlanFactory(placement=theirs), hours_per_week=Decimal("25")
        )
    page = text(as_commissioner.get("/"))
    risk = _section(page, "Providers that may have to register as a school (1)")
    assert provider.name in risk and f"/providers/{provider.id}" in risk
    assert "Elsewhere" not in page


def test_a_pupil_with_no_placement_is_listed(as_commissioner, school, other_school):
    waiting = factories.PupilFactory(organisation=school, legal_first_name="Waiting")
    factories.PupilFactory(organisation=other_school, legal_first_name="NotOurs")
    page = text(as_commissioner.get("/"))
    section = _section(page, "Pupils with no placement (1)")
    assert f"/pupils/{waiting.id}" in section
    assert "NotOurs" not in page


def test_nothing_to_do_says_so(as_commissioner):
    assert "Nothing is overdue" in text(as_commissioner.get("/"))
