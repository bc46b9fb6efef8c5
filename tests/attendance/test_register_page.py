"""The commissioner's register: the percentage and flags over a period, the chart with its numbers, deciding
an unexplained absence, and the weekly report."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from service.attendance.models import AttendanceMark, MarkSource
from service.audit.models import AuditEvent
from service.rules.attendance_codes import Session
from service.rules.dates import UK
from service.rules.unexplained import is_overdue
from tests import factories
from tests.attendance.conftest import full_time_placement
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text


def _mark(placement, day, session, code):  # type: ignore[no-untyped-def]
    mark = AttendanceMark(
        placement_id=placement.id, on=day, session=Session(session), code=code, source=MarkSource.GRID
    )
    from service.extensions import db

    db.session.add(mark)
    db.session.commit()
    return mark


def _week(placement, monday, codes):  # type: ignore[no-untyped-def]
    """Ten marks, Monday morning to Friday afternoon."""
    for index, code in enumerate(codes):
        _mark(placement, monday + timedelta(days=index // 2), "am" if index % 2 == 0 else "pm", code)


def test_percentage_flags_chart_and_table(as_commissioner, placement, last_monday):
    _week(placement, last_monday - timedelta(weeks=1), ["/", "\\"] * 5)  # 10 of 10
    _week(placement, last_monday, ["/", "\\", "N", "I", "B", "O", "#", "#", "L", "\\"])  # 5 of 8
    body = text(as_commissioner.get(f"/placements/{placement.id}/attendance"))
    assert "<strong>83.3%</strong> attendance" in body  # 15 of 18 possible
    assert "90% or less at this placement" in body
    assert "50% or less" not in body
    svg = re.search(r"<svg[^>]*class=\"apdocs-chart\".*?</svg>", body, re.S)
    assert svg is not None
    assert '<title id="attendance-chart-title">Attendance by week' in svg.group(0)
    assert "62.5% attendance, 5 of 8 possible sessions" in svg.group(0)
    assert 'data-class="unauthorised_absence" data-count="2"' in svg.group(0)
    table = body[body.index('id="weekly-table"') :]
    assert "100.0%" in table and "62.5%" in table

    # A chosen period: only last week.
    period = text(
        as_commissioner.get(
            f"/placements/{placement.id}/attendance?start-day={last_monday.day}&start-month={last_monday.month}"
            f"&start-year={last_monday.year}&end-day=&end-month=&end-year="
        )
    )
    assert "<strong>62.5%</strong> attendance" in period


def test_severe_absence_is_flagged(as_commissioner, placement, last_monday):
    _week(placement, last_monday, ["/", "N", "N", "O", "I", "I", "/", "\\", "N", "G"])
    body = text(as_commissioner.get(f"/placements/{placement.id}/attendance"))
    assert "<strong>30.0%</strong>" in body
    assert "50% or less at this placement" in body


def test_no_possible_sessions_gives_no_percentage(as_commissioner, placement):
    body = text(as_commissioner.get(f"/placements/{placement.id}/attendance"))
    assert "no attendance percentage yet" in body
    assert "or less at this placement" not in body


def test_a_period_that_ends_before_it_starts_is_refused(as_commissioner, placement, last_monday):
    response = as_commissioner.get(
        f"/placements/{placement.id}/attendance?start-day=10&start-month=3&start-year=2026"
        "&end-day=1&end-month=3&end-year=2026"
    )
    assert response.status_code == 400
    assert "The end of the period must be on or after its start" in text(response)


def test_the_commissioner_authorises_an_unexplained_absence(
    as_commissioner, placement, last_monday, commissioner, db_session
):
    mark = _mark(placement, last_monday + timedelta(days=1), "am", "N")
    page = as_commissioner.get(f"/placements/{placement.id}/attendance")
    assert "Absences to decide" in text(page)
    url = f"/placements/{placement.id}/attendance/marks/{mark.id}/decision"

    refused = as_commissioner.post(url, data=form_data(page, {"code": "", "note": "kept"}))
    assert refused.status_code == 400
    assert f'id="code-{mark.id}-error"' in text(refused)
    assert ">kept</textarea>" in text(refused)  # nothing typed is lost

    done = as_commissioner.post(url, data=form_data(page, {"code": "M", "note": "Dentist, letter seen"}))
    assert done.status_code == 302
    db_session.expire_all()
    decided = db_session.get(AttendanceMark, mark.id)
    assert (decided.code, decided.note, decided.authorised_by_id) == ("M", "Dentist, letter seen", commissioner.id)
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "authorise")).one()
    assert event.detail["previous_code"] == "N" and event.detail["code"] == "M"
    assert "Dentist" not in str(event.detail)
    after = text(as_commissioner.get(f"/placements/{placement.id}/attendance"))
    assert "No unexplained absences in this period" in after
    assert "Dentist, letter seen" in after

    again = as_commissioner.post(url, data=form_data(page, {"code": "O"}))
    assert again.status_code == 400  # already decided: shown, not a crash
    assert "already been decided" in text(again)


def test_a_decision_cannot_be_a_provider_code(as_commissioner, placement, last_monday, db_session):
    mark = _mark(placement, last_monday, "pm", "N")
    page = as_commissioner.get(f"/placements/{placement.id}/attendance")
    response = as_commissioner.post(
        f"/placements/{placement.id}/attendance/marks/{mark.id}/decision", data=form_data(page, {"code": "\\"})
    )
    assert response.status_code == 400
    db_session.expire_all()
    assert db_session.get(AttendanceMark, mark.id).code == "N"


def test_the_weekly_report_has_one_row_per_placement(as_commissioner, placement, school, provider, last_monday):
    _week(placement, last_monday, ["/", "\\", "N", "I", "/", "\\", "/", "\\", "/", "\\"])
    quiet = full_time_placement(
        factories.PupilFactory(organisation=school, legal_first_name="=HYPERLINK(1)"), provider, last_monday
    )
    other = full_time_placement(factories.PupilFactory(), provider, last_monday)  # another school's
    response = as_commissioner.get(
        f"/attendance/weekly-report.csv?week={(last_monday + timedelta(days=3)).isoformat()}"
    )
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="attendance-week-{last_monday.isoformat()}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert [r["reference"] for r in rows] == [f"AP-{placement.id}", f"AP-{quiet.id}"]
    assert f"AP-{other.id}" not in text(response)
    first = rows[0]
    assert first["pupil"] == "Ellie Example"
    assert first["provider"] == provider.name
    assert (
        first["sessions_possible"],
        first["present"],
        first["authorised_absence"],
        first["unauthorised_absence"],
    ) == (
        "10",
        "8",
        "1",
        "1",
    )
    assert first["attendance_percent"] == "80.0"
    assert first["flags"] == "Attendance 90% or less at this placement"
    assert rows[1]["pupil"].startswith("'=")  # a name is never run as a spreadsheet formula
    assert rows[1]["attendance_percent"] == ""
    # Tuesday's N is late once five school days have passed (counted today: tests/attendance/test_weekly_report.py
    # sets the day); the I was not a decision of the commissioner's, so no action is reported.
    tuesday_late = is_overdue(last_monday + timedelta(days=1), datetime.now(UK).date(), [])
    assert (first["unexplained_overdue"], first["action_taken"]) == ("1" if tuesday_late else "0", "")
    assert (rows[1]["unexplained_overdue"], rows[1]["action_taken"]) == ("0", "")


def test_provider_staff_and_viewers_do_not_get_the_register_or_report(as_provider, placement):
    assert as_provider.get(f"/placements/{placement.id}/attendance").status_code == 403
    assert as_provider.get("/attendance/weekly-report.csv").status_code == 403


def test_the_placement_page_shows_the_chart_to_the_commissioner_and_the_provider(
    app, as_commissioner, placement, last_monday, provider_user
):
    _week(placement, last_monday, ["/", "\\", "N", "I", "B", "O", "#", "#", "L", "\\"])  # 5 of 8
    provider = browser(app)
    sign_in(provider, provider_user)
    for client in (as_commissioner, provider):
        page = text(client.get(f"/placements/{placement.id}"))
        section = page[page.index('id="attendance"') :]
        svg = re.search(r"<svg[^>]*class=\"apdocs-chart\".*?</svg>", section, re.S)
        assert svg is not None and "62.5% attendance, 5 of 8 possible sessions" in svg.group(0)
        assert "the dashed line is 90%" in section


def test_the_placement_page_shows_only_the_last_twelve_weeks(as_commissioner, school, provider, last_monday):
    pupil = factories.PupilFactory(organisation=school)
    placement = full_time_placement(pupil, provider, last_monday - timedelta(weeks=14))
    _week(placement, last_monday - timedelta(weeks=14), ["N"] * 10)  # the first week: outside the last twelve
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    section = page[page.index('id="attendance"') :]
    assert "Attendance by week: the last 12 weeks" in section
    svg = re.search(r"<svg[^>]*class=\"apdocs-chart\".*?</svg>", section, re.S)
    assert svg is not None and svg.group(0).count("<rect") < 15 * 4
    assert "0% attendance, 0 of 10 possible sessions" not in svg.group(0)
