"""The LA's weekly attendance report: the ``N`` marks not decided within five school days (the School Attendance
(Pupil Registration) (England) Regulations 2024; DfE, Working together to improve school attendance) and the action
taken for non-engagement, from the commissioner's decisions that week. A fixed number of queries for any number of
placements."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from service.attendance import report
from service.attendance.models import AttendanceMark, MarkSource
from service.extensions import db
from service.placements.models import PlacementSession
from service.rules.attendance_codes import Session
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.attendance.conftest import full_time_placement
from tests.helpers import form_data, text


def _mark(placement, day: date, session: str, code: str, note: str = "") -> AttendanceMark:  # type: ignore[no-untyped-def]
    mark = AttendanceMark(
        placement_id=placement.id, on=day, session=Session(session), code=code, source=MarkSource.GRID, note=note
    )
    db.session.add(mark)
    db.session.commit()
    return mark


def _rows(client, monday: date) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/attendance/weekly-report.csv?week={monday.isoformat()}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(text(response))))


def _short(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def test_action_taken_lists_the_commissioners_decisions_of_the_week(as_commissioner, placement, last_monday):
    week = last_monday - timedelta(weeks=1)
    tuesday, thursday = week + timedelta(days=1), week + timedelta(days=3)
    unanswered = _mark(placement, tuesday, "am", "N")
    ill = _mark(placement, thursday, "pm", "N")
    formula = _mark(placement, thursday, "am", "N")
    after = _mark(placement, last_monday, "am", "N")  # decided too, but in the week after: not in this row
    _mark(placement, week, "am", "/")
    page = as_commissioner.get(f"/placements/{placement.id}/attendance")
    for mark, code, note in (
        (unanswered, "O", "Phoned parent, no answer"),
        (ill, "I", ""),
        (formula, "O", "=HYPERLINK(1)"),
        (after, "G", "Holiday"),
    ):
        url = f"/placements/{placement.id}/attendance/marks/{mark.id}/decision"
        assert as_commissioner.post(url, data=form_data(page, {"code": code, "note": note})).status_code == 302

    (row,) = _rows(as_commissioner, week)

    assert row["action_taken"] == (
        f"{_short(tuesday)} am: O unauthorised (absent in other or unknown circumstances) — Phoned parent, no answer; "
        f"{_short(thursday)} am: O unauthorised (absent in other or unknown circumstances) — =HYPERLINK(1); "
        f"{_short(thursday)} pm: I authorised (illness)"
    )
    assert "Holiday" not in row["action_taken"]
    assert row["unexplained_overdue"] == "0"  # every N decided


def test_unexplained_overdue_counts_the_late_n_up_to_the_end_of_the_week(as_commissioner, placement, last_monday):
    """Counted on the day the report is downloaded: an N three weeks before the week is late whatever day the test
    runs (at least ten school days); one after the week's Friday belongs to a later week's report."""
    week = last_monday - timedelta(weeks=1)
    _mark(placement, week - timedelta(weeks=3), "am", "N")
    _mark(placement, week - timedelta(weeks=3), "pm", "N")
    _mark(placement, week - timedelta(weeks=3) + timedelta(days=1), "am", "O")  # decided: not counted
    _mark(placement, last_monday, "am", "N")  # after the week

    (row,) = _rows(as_commissioner, week)

    assert row["unexplained_overdue"] == "2"
    assert row["action_taken"] == ""


@pytest.mark.parametrize(
    ("code", "note", "expected"),
    [
        pytest.param(
            "O",
            "phoned parent, no answer",
            "Mon 2 Mar am: O unauthorised (absent in other or unknown circumstances) — phoned parent, no answer",
            id="unauthorised-with-a-note",
        ),
        pytest.param("M", "", "Mon 2 Mar am: M authorised (medical or dental appointment)", id="authorised-no-note"),
        pytest.param("/", "", "Mon 2 Mar am: / present (morning)", id="corrected-to-present"),
    ],
)
def test_a_decision_reads_as_the_la_expects(code: str, note: str, expected: str) -> None:
    assert report.Decision(date(2026, 3, 2), Session.AM, code, note).text == expected


def test_a_report_cell_is_never_a_formula(as_commissioner, school, provider, last_monday):
    week = last_monday - timedelta(weeks=1)
    pupil = factories.PupilFactory(organisation=school, legal_first_name="=cmd")
    placement = full_time_placement(pupil, provider, week - timedelta(weeks=4))
    mark = _mark(placement, week, "am", "N")
    page = as_commissioner.get(f"/placements/{placement.id}/attendance")
    url = f"/placements/{placement.id}/attendance/marks/{mark.id}/decision"
    assert as_commissioner.post(url, data=form_data(page, {"code": "O", "note": "@SUM(1)"})).status_code == 302

    (row,) = _rows(as_commissioner, week)

    assert row["pupil"].startswith("'=")
    assert row["action_taken"].startswith(_short(week))


def test_the_five_school_day_boundary_across_a_weekend_and_a_bank_holiday(db_session, commissioner, school, provider):
    """The week of Mon 18 May 2026; no term dates. On Fri 29 May (after the weekend and the late May bank holiday)
    the N of Wed 20 May is six school days old and late, the N of Thu 21 May five and not yet; on Mon 1 Jun both
    are. The N of Tue 5 May, in an earlier week, is counted too."""
    placement = full_time_placement(
        factories.PupilFactory(organisation=school, legal_first_name="Boundary"), provider, date(2026, 4, 13)
    )
    _mark(placement, date(2026, 5, 5), "am", "N")
    _mark(placement, date(2026, 5, 20), "am", "N")
    _mark(placement, date(2026, 5, 21), "am", "N")
    _mark(placement, date(2026, 5, 26), "am", "N")  # the week after

    def overdue(today: date) -> int:
        (row,) = report.weekly_report(commissioner, date(2026, 5, 18), today)
        return row.unexplained_overdue

    assert overdue(date(2026, 5, 28)) == 1  # Thu 28: the N of 20 May is five school days old
    assert overdue(date(2026, 5, 29)) == 2  # Fri 29: six
    assert overdue(date(2026, 6, 1)) == 3  # Mon 1 Jun: 21 May is six too; 26 May is after the week


def test_the_report_takes_the_same_queries_for_3_and_30_placements(
    app, as_commissioner, commissioner, school, provider, last_monday
):
    week = last_monday - timedelta(weeks=1)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    def queries() -> int:
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert len(_rows(as_commissioner, week)) > 0
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add(n: int) -> None:
        for index in range(n):
            placement = factories.PlacementFactory(
                pupil=factories.PupilFactory(organisation=school, legal_first_name=f"Pupil{index}"),
                provider=provider,
                status=PlacementStatus.ACTIVE,
                planned_start=week - timedelta(weeks=4),
                with_sessions=False,
            )
            placement.sessions = [
                PlacementSession(weekday=d, starts_at=time(9, 0), ends_at=time(15, 0)) for d in range(5)
            ]
            db.session.add_all(
                [
                    AttendanceMark(
                        placement_id=placement.id, on=week - timedelta(weeks=3), session=Session.AM, code="N"
                    ),
                    AttendanceMark(
                        placement_id=placement.id,
                        on=week,
                        session=Session.AM,
                        code="O",
                        note="Phoned",
                        authorised_by_id=commissioner.id,
                    ),
                ]
            )
            db.session.commit()

    add(3)
    few = queries()
    add(27)
    many = queries()
    assert many == few, f"{few} queries for 3 placements but {many} for 30"
