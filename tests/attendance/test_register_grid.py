"""The weekly register: the provider records what it saw, the commissioner sees it and may correct it; a
week with any wrong cell saves nothing and says what is wrong next to the cell."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.attendance.models import AttendanceMark, MarkSource
from service.audit.models import AuditEvent
from service.rules.attendance_codes import Session
from tests import factories
from tests.attendance.conftest import cell, week_url
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text


def _marks(db_session) -> dict:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return {(m.on, m.session.value): m.code for m in db_session.scalars(sa.select(AttendanceMark))}


def _post_week(client, placement, monday, cells):  # type: ignore[no-untyped-def]
    page = client.get(week_url(placement, monday))
    assert page.status_code == 200
    return client.post(week_url(placement, monday), data=form_data(page, cells))


def test_the_provider_records_a_week_and_the_commissioner_sees_it(
    app, as_provider, placement, last_monday, commissioner, db_session
):
    mon, tue = last_monday, last_monday + timedelta(days=1)
    page = as_provider.get(week_url(placement, mon))
    body = text(page)
    assert "Attendance, week of" in body and "Ellie Example" in body
    assert body.count('margin-bottom-1">Timetabled<') == 10  # every weekday morning and afternoon is on the timetable
    assert 'value="C"' not in body  # the commissioner's codes are not offered to the provider

    response = _post_week(
        as_provider, placement, mon, {cell(mon, "am"): "/", cell(mon, "pm"): "\\", cell(tue, "am"): "N"}
    )
    assert response.status_code == 302
    assert _marks(db_session) == {(mon, "am"): "/", (mon, "pm"): "\\", (tue, "am"): "N"}
    mark = db_session.scalars(sa.select(AttendanceMark).where(AttendanceMark.code == "N")).one()
    assert mark.source is MarkSource.GRID

    again = text(as_provider.get(week_url(placement, mon)))
    assert '<option value="N" selected>' in again

    commissioner_browser = browser(app)
    sign_in(commissioner_browser, commissioner)
    register = text(commissioner_browser.get(f"/placements/{placement.id}/attendance"))
    assert "Absences to decide" in register
    assert "Tuesday" in register and "morning" in register
    assert "66.7%" in register  # 2 present of 3 possible


def test_a_wrong_cell_is_shown_next_to_it_and_nothing_is_saved(as_provider, placement, last_monday, db_session):
    mon = last_monday
    response = _post_week(
        as_provider,
        placement,
        mon,
        {cell(mon, "am"): "/", cell(mon, "pm"): "/", cell(mon + timedelta(days=1), "am"): "C"},
    )
    assert response.status_code == 400
    body = text(response)
    assert "There is a problem: nothing was saved" in body
    assert "use \\ for present in the afternoon" in body
    assert "C is set by the commissioner" in body
    assert f'id="{cell(mon, "pm")}-error"' in body  # the message is next to its cell
    assert f'href="#{cell(mon, "pm")}"' in body
    assert '<option value="/" selected>' in body  # what was chosen is kept
    assert _marks(db_session) == {}


def test_a_day_in_the_future_cannot_be_marked(as_provider, placement, last_monday, db_session):
    next_monday = last_monday + timedelta(weeks=2)
    page = text(as_provider.get(week_url(placement, next_monday)))
    assert "Not yet" in page
    response = _post_week(as_provider, placement, next_monday, {cell(next_monday, "am"): "/"})
    assert response.status_code == 400
    assert "You cannot record attendance for a day in the future" in text(response)
    assert _marks(db_session) == {}


def test_a_day_before_the_placement_started_cannot_be_marked(as_provider, placement, last_monday, db_session):
    before = last_monday - timedelta(weeks=4)
    response = _post_week(as_provider, placement, before, {cell(before, "am"): "/"})
    assert response.status_code == 400
    assert "The placement starts on" in text(response)
    assert _marks(db_session) == {}


def test_the_commissioner_corrects_a_mark_and_the_audit_keeps_the_previous_code(
    app, as_provider, placement, last_monday, commissioner, db_session
):
    mon = last_monday
    _post_week(as_provider, placement, mon, {cell(mon, "am"): "N"})
    other = browser(app)
    sign_in(other, commissioner)
    page = text(other.get(week_url(placement, mon)))
    assert 'value="I"' in page  # the commissioner may use any code
    assert _post_week(other, placement, mon, {cell(mon, "am"): "I"}).status_code == 302
    assert _marks(db_session) == {(mon, "am"): "I"}
    mark = db_session.scalars(sa.select(AttendanceMark)).one()
    assert mark.authorised_by_id == commissioner.id
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "attendance_mark").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.detail["code"], e.detail["previous_code"]) for e in events] == [
        ("record", "N", None),
        ("change", "I", "N"),
    ]

    # The provider now sees the commissioner's decision and cannot change it.
    provider_page = text(as_provider.get(week_url(placement, mon)))
    assert "Decided by the commissioner" in provider_page
    response = as_provider.post(
        week_url(placement, mon), data=form_data(as_provider.get(week_url(placement, mon)), {cell(mon, "am"): "/"})
    )
    assert response.status_code == 400
    assert "The commissioner has decided this absence" in text(response)
    assert _marks(db_session) == {(mon, "am"): "I"}


def test_a_recorded_mark_cannot_be_blanked(as_provider, placement, last_monday, db_session):
    mon = last_monday
    _post_week(as_provider, placement, mon, {cell(mon, "am"): "/"})
    response = _post_week(as_provider, placement, mon, {cell(mon, "am"): ""})
    assert response.status_code == 400
    assert "A recorded mark cannot be removed" in text(response)
    assert _marks(db_session) == {(mon, "am"): "/"}


def test_a_date_that_is_not_a_monday_goes_to_its_week(as_provider, placement, last_monday):
    response = as_provider.get(week_url(placement, last_monday + timedelta(days=2)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(week_url(placement, last_monday))
    assert as_provider.get(f"/placements/{placement.id}/attendance/week/not-a-date").status_code == 404


def test_the_placement_page_shows_the_attendance_line(as_provider, placement, last_monday):
    mon = last_monday
    _post_week(as_provider, placement, mon, {cell(mon, "am"): "/", cell(mon, "pm"): "N"})
    page = text(as_provider.get(f"/placements/{placement.id}"))
    assert "50.0%" in page
    assert "present at 1 of 2 possible sessions" in page
    assert "50% or less at this placement" in page  # exactly 50% is severe absence by DfE's definition
    assert "Record this week" in page


def test_staff_of_another_provider_a_viewer_and_another_school_cannot_see_the_register(
    app, placement, last_monday, viewer, other_commissioner
):
    other_org = factories.ProviderOrganisationFactory(name="Elsewhere Tutors")
    factories.ProviderFactory(name="Elsewhere Tutors", organisation=other_org)
    stranger = factories.UserFactory(organisation=other_org, role=factories.Role.PROVIDER_STAFF)
    url = week_url(placement, last_monday)
    for user, expected in ((stranger, 404), (viewer, 403), (other_commissioner, 404)):
        client = browser(app)
        sign_in(client, user)
        assert client.get(url).status_code == expected
        assert client.get(f"/placements/{placement.id}/attendance").status_code in (403, 404)
        assert client.post(url, data={cell(last_monday, "am"): "/"}).status_code in (400, 403, 404)


def test_sessions_are_am_and_pm():
    assert [s.value for s in Session] == ["am", "pm"]
