"""The dashboard opens on what needs doing: each absence without a reason, each placement with sessions
nobody marked, each overdue review or visit, each agreed plan not signed, each package below full time
without a reason, each provider that may have to register as a school, and each pupil with no placement,
with its reason and a link."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from service.attendance.models import AttendanceMark
from service.dashboard.attention import needs_action
from service.extensions import db
from service.placements.models import PlacementSession
from service.rules.attendance_codes import Session
from service.rules.dates import UK
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
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
    placement.sessions[:] = placement.provider_sessions  # Tuesday 9:00-12:00 at the provider, nothing else
    db.session.commit()
    plan = factories.SupportPlanFactory(placement=placement, agreed_at=datetime(2026, 1, 1, tzinfo=UTC))
    factories.PlanInterventionFactory(
        support_plan=plan, hours_per_week=Decimal("10"), delivered_by=DeliveredBy.PROVIDER
    )
    page = text(as_commissioner.get("/"))
    assert "Agreed, not yet sent for signatures" in _section(page, "Plans not signed (1)")
    part_time = _section(page, "Below full time with no reason (1)")
    assert f"/placements/{placement.id}#support-plan" in part_time
    assert "Friday 09:00–15:00" in part_time  # the days and times not covered, as the plan's check says


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


def _mark(placement, day: date, session: Session, code: str) -> None:  # type: ignore[no-untyped-def]
    db.session.add(AttendanceMark(placement_id=placement.id, on=day, session=session, code=code))
    db.session.commit()


def _full_time(school, provider, start: date, name: str):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name=name)
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=start,
        actual_start=start,
        with_sessions=False,
    )
    placement.sessions = [PlacementSession(weekday=d, starts_at=time(9, 0), ends_at=time(15, 0)) for d in range(5)]
    db.session.commit()
    return placement


def _group(groups, key: str):  # type: ignore[no-untyped-def]
    return next(group for group in groups if group.key == key).items


def test_absences_without_a_reason_are_listed_with_the_first_one_and_link_to_the_register(
    as_commissioner, school, other_school, provider
):
    placement = _active(school, provider, 30, "Absent")
    first = date.today() - timedelta(days=2)  # within the five school days (older ones are listed as overdue)
    _mark(placement, first, Session.AM, "N")
    _mark(placement, first + timedelta(days=1), Session.PM, "N")
    _mark(placement, first + timedelta(days=2), Session.AM, "I")  # decided: ill, not on the list
    theirs = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=other_school, legal_first_name="NotOurs"),
        provider=provider,
        status=PlacementStatus.ACTIVE,
    )
    _mark(theirs, first, Session.AM, "N")

    page = text(as_commissioner.get("/"))

    section = _section(page, "Absent without a reason (1)")
    assert f"/placements/{placement.id}/attendance#unexplained" in section
    assert f"2 absences without a reason, the first on {first.day} {first:%B %Y}" in section
    assert "NotOurs" not in page


def test_sessions_nobody_marked_are_listed_and_today_counts_once_the_session_is_over(
    db_session, commissioner, school, provider
):
    monday, wednesday = date(2026, 11, 30), date(2026, 12, 2)
    partly = _full_time(school, provider, monday, "Partly")
    _mark(partly, monday, Session.AM, "/")
    _mark(partly, monday, Session.PM, "\\")
    never = _full_time(school, provider, monday, "Never")
    always = _full_time(school, provider, monday, "Always")
    for day in (monday, monday + timedelta(days=1), wednesday):
        _mark(always, day, Session.AM, "/")
        _mark(always, day, Session.PM, "\\")
    placements = [partly, never, always]

    after_lunch = datetime.combine(wednesday, time(13, 0), tzinfo=UK)
    items = {
        item.title.split()[0]: item
        for item in _group(needs_action(commissioner, placements, wednesday, after_lunch), "unmarked")
    }

    assert set(items) == {"Partly", "Never"}
    assert items["Partly"].reason == "3 sessions not marked, the first on 1 December 2026"  # Tue am, pm, Wed am
    assert items["Partly"].values == {"placement_id": partly.id, "monday": "2026-11-30"}
    assert items["Never"].reason == "No attendance marked since the start on 30 November 2026"

    early = datetime.combine(wednesday, time(9, 30), tzinfo=UK)
    items = {
        item.title.split()[0]: item
        for item in _group(needs_action(commissioner, placements, wednesday, early), "unmarked")
    }
    assert items["Partly"].reason == "2 sessions not marked, the first on 1 December 2026"  # Wednesday not over


def test_a_pupil_not_yet_started_or_on_a_bank_holiday_is_not_chased(db_session, commissioner, school, provider):
    starting = _full_time(school, provider, date(2027, 1, 4), "Starting")
    boxing_day = _full_time(school, provider, date(2026, 12, 28), "Holiday")  # Monday 28 December 2026
    evening = datetime.combine(date(2026, 12, 28), time(18, 0), tzinfo=UK)

    items = _group(needs_action(commissioner, [starting, boxing_day], date(2026, 12, 28), evening), "unmarked")

    assert items == []


def test_provider_staff_see_the_registers_they_owe_and_nothing_of_the_commissioners_list(
    as_provider, school, provider, provider_org
):
    monday = date.today() - timedelta(days=date.today().weekday() + 7)  # last week's Monday
    owed = _full_time(school, provider, monday, "Owed")
    elsewhere_provider = factories.ProviderFactory()
    _full_time(school, elsewhere_provider, monday, "Elsewhere")

    page = text(as_provider.get("/"))

    section = _section(page, "Attendance to record (1)")
    assert f"/placements/{owed.id}/attendance/week/{monday.isoformat()}" in section
    assert "Elsewhere" not in page
    assert "Reviews overdue" not in page and "Pupils with no placement" not in page


def test_a_provider_with_every_session_marked_is_told_so(as_provider):
    assert "Every timetabled session of the last four weeks is marked." in text(as_provider.get("/"))


def test_overdue_progress_reports_are_listed_for_the_commissioner_and_owed_ones_for_the_provider(
    app, as_commissioner, school, provider, provider_user
):
    reporting = _active(school, provider, 200, "Reporting")  # a whole term ended since it started
    _active(school, provider, 3, "Recent")

    page = text(as_commissioner.get("/"))
    section = _section(page, "Progress reports overdue")
    assert f"/placements/{reporting.id}#progress-reports" in section and "progress report was due by" in section
    assert "Recent" not in section

    staff = browser(app)
    sign_in(staff, provider_user)
    page = text(staff.get("/"))
    section = _section(page, "Progress reports to write")
    assert f"/placements/{reporting.id}/progress-reports/" in section and "/edit" in section
