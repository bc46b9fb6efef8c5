"""The dashboard shows the packs that need doing: a SENCO sees on one page which pack goes out soon, which
placement starts within five working days with no pack, and which email failed."""

from __future__ import annotations

from datetime import date

from service.rules.calendar import add_working_days, is_working_day
from service.rules.dates import uk_date
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import text


def _placement(school, provider, starts_on: date, first_name: str, status=PlacementStatus.AGREED):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name=first_name)
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=status, planned_start=starts_on)


def _working_days_after(start: date, count: int) -> date:
    """Counted one day at a time, independently of the rule's arithmetic."""
    day, seen = start, 0
    while seen < count:
        day = date.fromordinal(day.toordinal() + 1)
        seen += is_working_day(day)
    return day


def test_a_placement_starting_in_seven_working_days_has_its_pack_due_in_two(as_commissioner, school, provider):
    today = date.today()
    starts_on = _working_days_after(today, 7)
    factories.ProviderContactFactory(provider=provider)
    placement = _placement(school, provider, starts_on, "Seven")
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert f"{uk_date(_working_days_after(today, 2))} (5 working days before the start on {uk_date(starts_on)})" in page
    dashboard = text(as_commissioner.get("/"))
    assert "Going out in the next 5 working days (1)" in dashboard
    assert uk_date(add_working_days(today, 2)) in dashboard


def test_a_placement_starting_within_five_working_days_with_no_pack_is_a_warning(as_commissioner, school, provider):
    today = date.today()
    soon = _placement(school, provider, _working_days_after(today, 3), "Soon", status=PlacementStatus.REFERRED)
    later = _placement(school, provider, _working_days_after(today, 30), "Later")
    dashboard = text(as_commissioner.get("/"))
    assert "1 placement starts within 5 working days with no pack sent." in dashboard
    assert "Starting within 5 working days, no pack sent (1)" in dashboard
    assert f"/placements/{soon.id}" in dashboard
    assert "Cannot be sent yet" in dashboard  # the provider has no contact with an email address
    section = dashboard.split('id="provider-packs"')[1].split('id="status-')[0]
    assert f"/placements/{later.id}" not in section  # a month away: nothing to do yet


def test_another_schools_packs_are_not_on_the_dashboard(as_commissioner, other_school, provider):
    other = _placement(other_school, provider, _working_days_after(date.today(), 2), "Elsewhere")
    dashboard = text(as_commissioner.get("/"))
    assert f"/placements/{other.id}" not in dashboard
    assert "No packs due" in dashboard


def test_a_pack_waiting_for_the_plan_says_so_and_a_started_placement_without_one_is_listed(
    as_commissioner, school, provider
):
    factories.ProviderContactFactory(provider=provider)
    today = date.today()
    referred = _placement(school, provider, _working_days_after(today, 7), "Referred", status=PlacementStatus.REFERRED)
    started = _placement(school, provider, date(2026, 1, 5), "Started", status=PlacementStatus.ACTIVE)
    dashboard = text(as_commissioner.get("/"))
    assert "the pack goes by itself once it is agreed" in dashboard
    assert f"/placements/{referred.id}/plan" in dashboard
    late = dashboard.split("Placement started, no pack sent (1)")[1].split("</table>")[0]
    assert f"/placements/{started.id}" in late
    page = text(as_commissioner.get(f"/placements/{referred.id}"))
    assert "It goes by itself once the plan is agreed" in page
