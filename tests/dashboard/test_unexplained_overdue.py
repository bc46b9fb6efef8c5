"""An ``N`` must be replaced within five school days (the School Attendance (Pupil Registration) (England)
Regulations 2024; DfE, Working together to improve school attendance): To do today flags each placement with an
``N`` older than that, with the oldest date and a link to the register's absences to decide.

The dashboard reads the UK clock; these tests set it to Friday 29 May 2026, the week of the late May bank holiday
(Mon 25 May). Counting back: Thu 28, Wed 27, Tue 26, (bank holiday, weekend), Fri 22, Thu 21 May. An ``N`` on
Thu 21 May is five school days old (its last day to be decided is today): not flagged. One on Wed 20 May is six
school days old: flagged.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa

from service.attendance.models import AttendanceMark
from service.extensions import db
from service.rules.attendance_codes import Session
from service.rules.dates import UK
from service.rules.placement_status import PlacementStatus
from service.term_dates.models import TermDate
from tests import factories
from tests.conftest import sign_in
from tests.helpers import text

HEADING = "Absence not decided within five school days"
FRIDAY = date(2026, 5, 29)
SIX_DAYS_OLD, FIVE_DAYS_OLD = date(2026, 5, 20), date(2026, 5, 21)


class _Friday29May(datetime):
    """The dashboard's clock, stopped at 17:00 on Friday 29 May 2026 (UK time)."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]  # noqa: ARG003
        return datetime.combine(FRIDAY, time(17, 0), tzinfo=UK)


@pytest.fixture
def friday(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr("service.dashboard.views.datetime", _Friday29May)
    return FRIDAY


def _placement(organisation, provider, name: str):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=organisation, legal_first_name=name),
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=date(2026, 4, 13),
    )


def _mark(placement, day: date, session: Session = Session.AM, code: str = "N") -> None:  # type: ignore[no-untyped-def]
    db.session.add(AttendanceMark(placement_id=placement.id, on=day, session=session, code=code))
    db.session.commit()


def _section(page: str, heading: str) -> str:
    assert heading in page, f"{heading!r} is not on the dashboard"
    return page.split(heading)[1].split("</ul>")[0]


def test_an_n_six_school_days_old_is_flagged_and_one_five_days_old_is_not(
    friday, as_commissioner, school, other_school, provider
):
    late = _placement(school, provider, "Late")
    _mark(late, date(2026, 5, 12), Session.PM)  # older still: the oldest date is this one
    _mark(late, SIX_DAYS_OLD)
    _mark(late, SIX_DAYS_OLD, Session.PM, "O")  # decided: not counted
    _mark(late, FIVE_DAYS_OLD)  # not late yet: not counted
    in_time = _placement(school, provider, "InTime")
    _mark(in_time, FIVE_DAYS_OLD)
    theirs = _placement(other_school, provider, "NotOurs")
    _mark(theirs, date(2026, 5, 1))

    page = text(as_commissioner.get("/"))

    section = _section(page, f"{HEADING} (1)")
    assert f"/placements/{late.id}/attendance#unexplained" in section
    assert "Late" in section and "InTime" not in section
    assert "2 absences not decided within five school days, the oldest on 12 May 2026" in section
    # The Ns still in time are on "Absent without a reason", the late ones only here: each N is on one list.
    without_reason = _section(page, "Absent without a reason (2)")
    assert f"/placements/{in_time.id}/attendance#unexplained" in without_reason
    assert f"/placements/{late.id}/attendance#unexplained" in without_reason  # its N of five school days ago
    assert "1 absence without a reason, the first on 21 May 2026" in without_reason
    assert "NotOurs" not in page and f"/placements/{theirs.id}" not in page


def test_a_single_n_reads_in_the_singular(friday, as_commissioner, school, provider):
    late = _placement(school, provider, "Late")
    _mark(late, SIX_DAYS_OLD, Session.PM)
    section = _section(text(as_commissioner.get("/")), f"{HEADING} (1)")
    assert "1 absence not decided within five school days, the oldest on 20 May 2026" in section


def test_the_organisations_term_dates_are_counted(friday, as_commissioner, school, provider):
    """With term dates entered, 25-29 May is the half-term break: the N of Wed 20 May has had two school days
    (Thu 21, Fri 22) and is not late; one on Wed 13 May (Thu 14 to Wed 20, then the break) is."""
    db.session.add_all(
        [
            TermDate(
                organisation_id=school.id, name="Summer 1", starts_on=date(2026, 4, 13), ends_on=date(2026, 5, 22)
            ),
            TermDate(organisation_id=school.id, name="Summer 2", starts_on=date(2026, 6, 1), ends_on=date(2026, 7, 22)),
        ]
    )
    db.session.commit()
    recent = _placement(school, provider, "Recent")
    _mark(recent, SIX_DAYS_OLD)
    older = _placement(school, provider, "Older")
    _mark(older, date(2026, 5, 13))

    section = _section(text(as_commissioner.get("/")), f"{HEADING} (1)")

    assert f"/placements/{older.id}/attendance#unexplained" in section
    assert f"/placements/{recent.id}/" not in section


def test_another_organisations_overdue_n_never_shows(friday, as_commissioner, other_school, provider):
    theirs = _placement(other_school, provider, "NotOurs")
    _mark(theirs, date(2026, 5, 1))
    page = text(as_commissioner.get("/"))
    assert HEADING not in page and "NotOurs" not in page


def test_provider_staff_do_not_get_the_group(friday, client, school, provider, provider_user):
    late = _placement(school, provider, "Late")
    _mark(late, SIX_DAYS_OLD)
    sign_in(client, provider_user)
    page = text(client.get("/"))
    assert HEADING not in page


def test_one_query_finds_the_overdue_marks_of_every_placement(friday, app, as_commissioner, school, provider):
    """The cutoff is computed once and the marks found in SQL: 2 placements or 12 take the same queries."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    def queries() -> int:
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert as_commissioner.get("/").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add(n: int) -> None:
        for index in range(n):
            placement = _placement(school, provider, f"Pupil{index}")
            _mark(placement, SIX_DAYS_OLD)

    add(2)
    few = queries()
    add(10)
    many = queries()
    assert many == few, f"{few} queries for 2 placements but {many} for 12"
