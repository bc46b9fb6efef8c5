"""What a provider may enter, the school's ``#``, and provider closures.

A provider records what it saw (``/``, ``\\``, ``L``, ``U``, ``N``): never ``#`` (the school's own planned
whole-school closure) nor ``Y1``-``Y7`` (whether a session was possible is the commissioner's decision). A day the
provider was closed is reported on its own page, marks the pupils' sessions ``N`` linked to the closure, and the
commissioner codes each one; the register and the summary show the sessions lost.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import sqlalchemy as sa

from service.attendance.models import AttendanceMark, MarkSource, ProviderClosure
from service.audit.models import AuditEvent
from service.placements.models import PlacementSession
from service.rules.attendance_codes import Session
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.attendance.conftest import cell, full_time_placement, upload_marks, week_url
from tests.conftest import browser, sign_in
from tests.helpers import date_fields, form_data, text


def _marks(db_session) -> dict:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return {(m.placement_id, m.on, m.session.value): m.code for m in db_session.scalars(sa.select(AttendanceMark))}


def _post_week(client, placement, monday, cells):  # type: ignore[no-untyped-def]
    page = client.get(week_url(placement, monday))
    assert page.status_code == 200
    return client.post(week_url(placement, monday), data=form_data(page, cells))


# --- What a provider may enter ----------------------------------------------------------------------------------


def test_a_provider_cannot_enter_the_schools_closure_or_a_y_code_on_the_grid(
    as_provider, placement, last_monday, db_session
):
    mon, tue = last_monday, last_monday + timedelta(days=1)
    page = text(as_provider.get(week_url(placement, mon)))
    assert 'value="#"' not in page and 'value="Y4"' not in page  # not offered
    response = _post_week(
        as_provider, placement, mon, {cell(mon, "am"): "#", cell(mon, "pm"): "#", cell(tue, "am"): "Y4"}
    )
    assert response.status_code == 400
    body = text(response)
    assert "# is the school&#39;s own planned whole-school closure" in body
    assert "Y4 is the commissioner&#39;s decision" in body
    assert body.count("Report a closure") >= 3  # each message names the page, and the page links to it
    assert _marks(db_session) == {}


def test_a_provider_cannot_import_the_schools_closure_or_a_y_code(as_provider, placement, last_monday, db_session):
    ref = f"AP-{placement.id}"
    content = (
        "placement_reference,date,session,code\n"
        f"{ref},{last_monday.isoformat()},am,#\n"
        f"{ref},{last_monday.isoformat()},pm,y4\n"
        f"{ref},{(last_monday + timedelta(days=1)).isoformat()},am,/\n"
    )
    response = upload_marks(as_provider, content)
    assert response.status_code == 200
    body = text(response)
    assert "Line 2: code: # is the school&#39;s own planned whole-school closure" in body
    assert "Line 3: code: Y4 is the commissioner&#39;s decision" in body
    assert "Report a closure" in body
    assert _marks(db_session) == {}


def test_an_la_commissioner_cannot_enter_hash_but_a_school_commissioner_can(
    app, as_la_officer, local_authority, commissioner, provider, school, last_monday, db_session
):
    start = last_monday - timedelta(weeks=3)
    la_pupil = factories.PupilFactory(organisation=local_authority, school=None, legal_first_name="Ola")
    la_placement = full_time_placement(la_pupil, provider, start)
    mon = last_monday

    page = text(as_la_officer.get(week_url(la_placement, mon)))
    assert 'value="#"' not in page  # not offered to an LA
    response = _post_week(as_la_officer, la_placement, mon, {cell(mon, "am"): "#", cell(mon, "pm"): "Y4"})
    assert response.status_code == 400
    body = text(response)
    assert f'id="{cell(mon, "am")}-error"' in body  # next to the cell
    assert "a local authority has no school to close" in body
    assert _marks(db_session) == {}

    school_placement = full_time_placement(factories.PupilFactory(organisation=school), provider, start)
    school_browser = browser(app)
    sign_in(school_browser, commissioner)
    assert 'value="#"' in text(school_browser.get(week_url(school_placement, mon)))
    response = _post_week(school_browser, school_placement, mon, {cell(mon, "am"): "#", cell(mon, "pm"): "Y4"})
    assert response.status_code == 302
    assert _marks(db_session) == {(school_placement.id, mon, "am"): "#", (school_placement.id, mon, "pm"): "Y4"}


# --- Provider closures --------------------------------------------------------------------------------------------


def _report(client, day: date, part: str = "day", reason: str = "A burst pipe flooded the workshop", **extra):  # type: ignore[no-untyped-def]
    page = client.get("/attendance/closures/new")
    assert page.status_code == 200
    fields = {**date_fields("closed_on", day.day, day.month, day.year), "part": part, "reason": reason, **extra}
    return client.post("/attendance/closures/new", data=form_data(page, fields))


def _possible(body: str) -> int:
    match = re.search(r"Possible sessions\s*</dt>\s*<dd[^>]*>\s*(\d+)", body)
    assert match, "no possible sessions on the page"
    return int(match.group(1))


def _closures(db_session) -> list[ProviderClosure]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return list(db_session.scalars(sa.select(ProviderClosure)))


def test_the_provider_reports_a_closure_and_only_the_sessions_it_lost_are_marked(
    as_provider, placement, provider, provider_user, school, last_monday, db_session
):
    tue = last_monday + timedelta(days=1)
    start = last_monday - timedelta(weeks=3)

    def pupil(name: str):  # type: ignore[no-untyped-def]
        return factories.PupilFactory(organisation=school, legal_first_name=name)

    tuesday_morning = factories.PlacementFactory(  # the factory's timetable: the provider on Tuesday 9:00-12:00 only
        pupil=pupil("Tam"), provider=provider, status=PlacementStatus.ACTIVE, planned_start=start, actual_start=start
    )
    under_review = full_time_placement(pupil("Uma"), provider, start, status=PlacementStatus.UNDER_REVIEW)
    ended_that_day = full_time_placement(pupil("Eve"), provider, start, status=PlacementStatus.ENDED, actual_end=tue)
    already_marked = full_time_placement(pupil("Mo"), provider, start)
    for session, code in (("am", "/"), ("pm", "N")):
        db_session.add(
            AttendanceMark(
                placement_id=already_marked.id, on=tue, session=Session(session), code=code, source=MarkSource.GRID
            )
        )
    db_session.commit()
    left_alone = [
        full_time_placement(pupil("Ned"), provider, start, status=PlacementStatus.ENDED, actual_end=last_monday),
        full_time_placement(pupil("Ria"), provider, start, status=PlacementStatus.REFERRED),
        full_time_placement(pupil("Ann"), provider, start, status=PlacementStatus.AGREED),
        full_time_placement(pupil("Cat"), provider, start, status=PlacementStatus.CANCELLED),
        full_time_placement(pupil("Lou"), provider, tue + timedelta(days=1)),  # starts the day after
        full_time_placement(pupil("Oli"), factories.ProviderFactory(name="Elsewhere"), start),  # another provider
    ]
    mondays_only = full_time_placement(pupil("Max"), provider, start)
    mondays_only.sessions = [PlacementSession(weekday=0, starts_at=time(9), ends_at=time(15))]
    db_session.commit()
    left_alone.append(mondays_only)

    response = _report(as_provider, tue, reason="<b>Flood</b> in the workshop")
    assert response.status_code == 302
    flashed = text(as_provider.get(response.headers["Location"]))
    assert "8 pupil sessions marked N for the commissioner to code" in flashed

    (closure,) = _closures(db_session)
    assert (closure.provider_id, closure.on, closure.morning, closure.afternoon) == (provider.id, tue, True, True)
    assert closure.reason == "<b>Flood</b> in the workshop" and closure.reported_by_id == provider_user.id
    marks = {
        (m.placement_id, m.session.value): m
        for m in db_session.scalars(sa.select(AttendanceMark).where(AttendanceMark.on == tue))
    }
    expected = {
        (placement.id, "am"): ("N", closure.id),
        (placement.id, "pm"): ("N", closure.id),
        (tuesday_morning.id, "am"): ("N", closure.id),  # not the afternoon: that is at school
        (under_review.id, "am"): ("N", closure.id),
        (under_review.id, "pm"): ("N", closure.id),
        (ended_that_day.id, "am"): ("N", closure.id),
        (ended_that_day.id, "pm"): ("N", closure.id),
        (already_marked.id, "am"): ("/", None),  # left as it was
        (already_marked.id, "pm"): ("N", closure.id),  # the provider's own N, now linked
    }
    assert {key: (m.code, m.closure_id) for key, m in marks.items()} == expected
    assert not {p.id for p in left_alone} & {placement_id for placement_id, _ in marks}
    assert marks[(placement.id, "am")].source is MarkSource.CLOSURE
    assert marks[(placement.id, "am")].recorded_by_id == provider_user.id

    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "provider_closure")).one()
    assert (event.action, event.entity_id, event.user_id) == ("report", closure.id, provider_user.id)
    assert event.detail["marked"] == 7 and event.detail["linked"] == 1
    assert sorted(event.detail["placement_ids"]) == sorted(
        [placement.id, tuesday_morning.id, under_review.id, ended_that_day.id, already_marked.id]
    )
    assert "Flood" not in str(event.detail)  # the reason is free text: it stays out of the audit log

    listed = text(as_provider.get("/attendance/closures"))
    assert "&lt;b&gt;Flood&lt;/b&gt; in the workshop" in listed and "<b>Flood</b>" not in listed
    week = text(as_provider.get(week_url(placement, last_monday)))
    assert week.count("Provider closed") == 2  # the grid marks the two lost cells


def test_a_morning_closure_marks_only_the_morning(as_provider, placement, last_monday, db_session):
    wed = last_monday + timedelta(days=2)
    assert _report(as_provider, wed, part="morning").status_code == 302
    assert _marks(db_session) == {(placement.id, wed, "am"): "N"}
    # The afternoon can be reported later; the morning cannot be reported twice.
    response = _report(as_provider, wed, part="day")
    assert response.status_code == 400
    assert "You have already reported a closure on" in text(response)
    assert _report(as_provider, wed, part="afternoon").status_code == 302
    assert _marks(db_session) == {(placement.id, wed, "am"): "N", (placement.id, wed, "pm"): "N"}
    assert len(_closures(db_session)) == 2

    # The pupil came in after all that afternoon: the provider corrects it, and the session was not lost.
    response = _post_week(as_provider, placement, last_monday, {cell(wed, "am"): "N", cell(wed, "pm"): "\\"})
    assert response.status_code == 302
    db_session.expire_all()
    marks = db_session.scalars(sa.select(AttendanceMark).where(AttendanceMark.on == wed))
    linked = {m.session.value: m.closure_id for m in marks}
    assert linked["am"] is not None and linked["pm"] is None


def test_a_wrong_answer_is_shown_next_to_its_field_and_nothing_is_lost_or_saved(
    as_provider, placement, last_monday, db_session
):
    page = text(as_provider.get("/attendance/closures/new"))
    assert "Report a closure" in page and 'name="provider"' not in page  # one provider: nothing to choose

    blank = as_provider.post(
        "/attendance/closures/new",
        data=form_data(as_provider.get("/attendance/closures/new"), {**date_fields("closed_on", "", "", "")}),
    )
    assert blank.status_code == 400
    body = text(blank)
    assert "Enter the date your provision was closed" in body
    assert "Enter why your provision was closed" in body
    assert 'href="#closed_on-day"' in body and 'href="#reason"' in body  # the summary links to each field

    future = date.today() + timedelta(days=7)
    body = text(_report(as_provider, future, reason="Heating failed"))
    assert "The date must be today or in the past" in body
    assert ">Heating failed</textarea>" in body  # what was typed is kept
    assert f'value="{future.day}"' in body

    saturday = last_monday + timedelta(days=5)
    assert "Closures are reported for Monday to Friday" in text(_report(as_provider, saturday))

    too_long = _report(as_provider, last_monday, reason="x" * 501)
    assert too_long.status_code == 400
    assert "The reason must be 500 characters or fewer" in text(too_long)

    not_a_date = text(_report(as_provider, date(2026, 1, 1), **date_fields("closed_on", 31, 2, 2026)))
    assert "must be a real date" in not_a_date

    assert _closures(db_session) == []
    assert _marks(db_session) == {}


def test_staff_of_two_providers_choose_one_of_their_own(
    as_provider, provider, provider_user, placement, last_monday, db_session
):
    second = factories.ProviderFactory(name="Horizon Farm", organisation=provider.organisation)
    elsewhere = factories.ProviderFactory(name="Elsewhere Tutors")
    page = text(as_provider.get("/attendance/closures/new"))
    assert 'name="provider"' in page and "Horizon Farm" in page and "Elsewhere Tutors" not in page

    for chosen in ("", str(elsewhere.id)):  # none, or another organisation's provider
        response = _report(as_provider, last_monday, provider=chosen)
        assert response.status_code == 400
        assert "Choose which of your providers was closed" in text(response)
    assert _closures(db_session) == []

    assert _report(as_provider, last_monday, provider=str(second.id)).status_code == 302
    (closure,) = _closures(db_session)
    assert closure.provider_id == second.id
    assert _marks(db_session) == {}  # the pupil is at the other provider


def test_a_provider_sees_only_its_own_closures_and_a_commissioner_never_reports_one(
    app, as_provider, placement, commissioner, last_monday, db_session
):
    dashboard = text(as_provider.get("/"))
    assert 'href="/attendance/closures/new"' in dashboard and 'href="/attendance/closures"' in dashboard
    assert 'href="/attendance/closures/new"' in text(as_provider.get(week_url(placement, last_monday)))
    assert _report(as_provider, last_monday, reason="Power cut at Horizon").status_code == 302
    assert "Power cut at Horizon" in text(as_provider.get("/attendance/closures"))

    other_org = factories.ProviderOrganisationFactory(name="Elsewhere CIC")
    factories.ProviderFactory(name="Elsewhere Tutors", organisation=other_org)
    other_staff = factories.UserFactory(organisation=other_org, role=factories.Role.PROVIDER_STAFF)
    other = browser(app)
    sign_in(other, other_staff)
    listed = other.get("/attendance/closures")
    assert listed.status_code == 200 and "Power cut at Horizon" not in text(listed)
    assert "You have not reported a closure" in text(listed)

    school_browser = browser(app)
    sign_in(school_browser, commissioner)
    assert school_browser.get("/attendance/closures/new").status_code == 403
    assert school_browser.get("/attendance/closures").status_code == 403
    token_page = school_browser.get(f"/placements/{placement.id}/attendance")
    fields = {**date_fields("closed_on", last_monday.day, last_monday.month, last_monday.year), "reason": "x"}
    refused = school_browser.post("/attendance/closures/new", data=form_data(token_page, fields | {"part": "day"}))
    assert refused.status_code == 403
    assert len(_closures(db_session)) == 1


def test_the_commissioner_sees_the_lost_sessions_and_codes_one(
    app, as_provider, placement, commissioner, last_monday, db_session
):
    tue, thu = last_monday + timedelta(days=1), last_monday + timedelta(days=3)
    ordinary = AttendanceMark(placement_id=placement.id, on=thu, session=Session.AM, code="N", source=MarkSource.GRID)
    db_session.add(ordinary)
    db_session.commit()
    assert _report(as_provider, tue, reason="<script>alert(1)</script> Flood").status_code == 302

    school = browser(app)
    sign_in(school, commissioner)
    url = f"/placements/{placement.id}/attendance"
    body = text(school.get(url))
    assert "Sessions lost to provider closure: <strong>2</strong> (2 still to code)" in body
    assert "Provider closed: &lt;script&gt;alert(1)&lt;/script&gt; Flood" in body
    assert "<script>alert(1)</script>" not in body
    closure_marks = db_session.scalars(
        sa.select(AttendanceMark).where(AttendanceMark.closure_id.is_not(None)).order_by(AttendanceMark.session)
    ).all()
    morning = closure_marks[0]
    forms = {
        mark_id: body[body.index(f'id="code-{mark_id}"') : body.index("</select>", body.index(f'id="code-{mark_id}"'))]
        for mark_id in (morning.id, ordinary.id)
    }
    assert 'value="Y4"' in forms[morning.id] and 'value="I"' in forms[morning.id] and 'value="O"' in forms[morning.id]
    assert 'value="Y4"' not in forms[ordinary.id] and 'value="I"' in forms[ordinary.id]  # ordinary N: as before
    assert "A Y code (not a possible session) removes it only where the regulations' conditions" in body
    every_mark = body[body.index("Every mark in this period") :]
    assert every_mark.count("Provider closed") == 2  # the two lost sessions' cells are marked, not Thursday's
    assert _possible(body) == 3  # the closure's Ns stay possible sessions until coded

    # An ordinary N cannot be decided "not possible".
    page = school.get(url)
    refused = school.post(
        f"/placements/{placement.id}/attendance/marks/{ordinary.id}/decision", data=form_data(page, {"code": "Y4"})
    )
    assert refused.status_code == 400
    assert "Choose why the pupil was absent, or record it as unauthorised" in text(refused)

    decided = school.post(
        f"/placements/{placement.id}/attendance/marks/{morning.id}/decision",
        data=form_data(page, {"code": "Y4", "note": "Flooded: the regulations' conditions are met"}),
    )
    assert decided.status_code == 302
    db_session.expire_all()
    morning = db_session.get(AttendanceMark, morning.id)
    closure_id = closure_marks[0].closure_id
    assert (morning.code, morning.closure_id, morning.authorised_by_id) == ("Y4", closure_id, commissioner.id)
    event = db_session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "attendance_mark", AuditEvent.entity_id == morning.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "not_possible" and event.detail["closure_id"] == morning.closure_id

    after = text(school.get(url))
    assert "Sessions lost to provider closure: <strong>2</strong> (1 still to code)" in after
    assert _possible(after) == 2  # Y4 is not a possible session; it still counts as lost

    # The afternoon is coded as an absence: it stays a possible session; then nothing is left to code.
    page = school.get(url)
    afternoon = closure_marks[1]
    assert (
        school.post(
            f"/placements/{placement.id}/attendance/marks/{afternoon.id}/decision", data=form_data(page, {"code": "O"})
        ).status_code
        == 302
    )
    assert "Sessions lost to provider closure: <strong>2</strong> (all coded)" in text(school.get(url))


def _summary_row(body: str, label: str) -> str:
    match = re.search(rf"<th scope=\"row\" class=\"govuk-table__header\">{label}</th>\s*<td[^>]*>([^<]*)</td>", body)
    assert match, f"no row {label}"
    return match.group(1)


def test_the_summary_counts_sessions_lost_to_provider_closures(
    app, as_provider, placement, provider, commissioner, other_commissioner, other_school, last_monday, db_session
):
    tue = last_monday + timedelta(days=1)
    other_placement = full_time_placement(
        factories.PupilFactory(organisation=other_school), provider, last_monday - timedelta(weeks=3)
    )
    assert _report(as_provider, tue).status_code == 302
    assert _report(as_provider, tue + timedelta(days=1), part="afternoon").status_code == 302
    assert len(_marks(db_session)) == 6  # 3 sessions for each school's pupil

    school = browser(app)
    sign_in(school, commissioner)
    page = text(school.get("/summary?term=all"))
    assert _summary_row(page, "Sessions lost to provider closures") == "3"  # the school's own pupil only
    assert _summary_row(page, "Possible sessions") == "3"  # still possible until coded
    csv_text = text(school.get("/summary.csv?term=all"))
    assert "Sessions lost to provider closures,3" in csv_text

    mark = db_session.scalars(
        sa.select(AttendanceMark).where(AttendanceMark.placement_id == placement.id, AttendanceMark.on == tue)
    ).first()
    decided = school.post(
        f"/placements/{placement.id}/attendance/marks/{mark.id}/decision",
        data=form_data(school.get(f"/placements/{placement.id}/attendance"), {"code": "Y4"}),
    )
    assert decided.status_code == 302
    page = text(school.get("/summary?term=all"))
    assert _summary_row(page, "Sessions lost to provider closures") == "3"  # coded, but still lost
    assert _summary_row(page, "Possible sessions") == "2"

    other = browser(app)
    sign_in(other, other_commissioner)
    assert _summary_row(text(other.get("/summary?term=all")), "Sessions lost to provider closures") == "3"
    assert other_placement.id != placement.id


def _reads(client, day: date) -> int:  # type: ignore[no-untyped-def]
    """The SELECTs a closure report runs (the writes are one row per mark, batched on PostgreSQL)."""
    from service.extensions import db

    page = client.get("/attendance/closures/new")
    fields = {**date_fields("closed_on", day.day, day.month, day.year), "part": "day", "reason": "Flood"}
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.post("/attendance/closures/new", data=form_data(page, fields)).status_code == 302
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_reporting_a_closure_reads_as_much_for_30_pupils_as_for_3(
    as_provider, provider, school, last_monday, db_session
):
    start = last_monday - timedelta(weeks=3)
    for _ in range(3):
        full_time_placement(factories.PupilFactory(organisation=school), provider, start)
    few = _reads(as_provider, last_monday)
    for _ in range(27):
        full_time_placement(factories.PupilFactory(organisation=school), provider, start)
    many = _reads(as_provider, last_monday + timedelta(days=1))
    assert len(_marks(db_session)) == 3 * 2 + 30 * 2
    assert many == few, f"{few} queries for 3 pupils but {many} for 30"


def test_a_mark_left_unchanged_is_not_checked_again(as_la_officer, local_authority, provider, last_monday, db_session):
    """A ``#`` recorded before the rule (by a provider, then) does not stop the LA saving the rest of the week."""
    la_placement = full_time_placement(
        factories.PupilFactory(organisation=local_authority, school=None), provider, last_monday - timedelta(weeks=3)
    )
    legacy = AttendanceMark(placement_id=la_placement.id, on=last_monday, session=Session.AM, code="#")
    db_session.add(legacy)
    db_session.commit()
    response = _post_week(
        as_la_officer, la_placement, last_monday, {cell(last_monday, "am"): "#", cell(last_monday, "pm"): "I"}
    )
    assert response.status_code == 302
    assert _marks(db_session) == {(la_placement.id, last_monday, "am"): "#", (la_placement.id, last_monday, "pm"): "I"}
