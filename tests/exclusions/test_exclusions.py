"""A school records a pupil's exclusion; the sixth school day shows on the pupil's page and on To do today until a
placement is in place, for the school and, for a permanent exclusion, for the school's LA (and no other LA).

The school in these tests has no term dates, so a school day is a weekday that is not a bank holiday: the expected
sixth day is worked out with ``service.rules.calendar`` (not with the rule under test).
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.exclusions.models import Exclusion
from service.rules.calendar import add_working_days
from service.rules.dates import uk_date
from service.rules.exclusions import ExclusionKind
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import date_fields, form_data, text

HEADING = "Excluded pupils: education due from day 6"


def _day_one() -> date:
    """Today if it is a working day, else the next one: the first day of an exclusion starting now."""
    return add_working_days(date.today(), 0)


def _sixth_day(first: date) -> date:
    return add_working_days(first, 5)


def _record(client: Any, pupil_id: int, **fields: Any) -> Any:
    page = client.get(f"/pupils/{pupil_id}/exclusions/new")
    assert page.status_code == 200
    return client.post(f"/pupils/{pupil_id}/exclusions/new", data=form_data(page, fields))


def _fields(kind: str, first: date | None, days: Any = "", decided: date | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"kind": kind, "school_days": str(days), "notes": "Parents told by phone."}
    fields |= (
        date_fields("first_day", first.day, first.month, first.year) if first else date_fields("first_day", "", "", "")
    )
    decided = decided or min(date.today(), first or date.today())
    fields |= date_fields("decided_on", decided.day, decided.month, decided.year)
    return fields


def _to_do(client: Any) -> str:
    page = text(client.get("/"))
    return page.split('id="to-do"')[1].split('id="provider-packs"')[0]


def _section(page: str) -> str:
    if HEADING not in page:
        return ""
    return page.split(HEADING)[1].split("</ul>")[0]


def _error_next_to(response: Any, field_id: str) -> str:
    body = text(response)
    match = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', body, re.S)
    if not match:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


@pytest.fixture
def pupil(school):  # type: ignore[no-untyped-def]
    return factories.PupilFactory(organisation=school, legal_first_name="Jordan", legal_last_name="Reed")


def test_a_suspension_of_eight_days_shows_the_sixth_day_and_is_on_to_do_today(
    as_commissioner, pupil, commissioner, db_session
):
    first = _day_one()
    response = _record(as_commissioner, pupil.id, **_fields("suspension", first, 8))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pupils/{pupil.id}#exclusions")

    page = text(as_commissioner.get(f"/pupils/{pupil.id}"))
    deadline = uk_date(_sixth_day(first))
    assert "Suspension, 8 school days" in page
    assert f"Your school must provide full-time education from {deadline} (the sixth school day" in page

    to_do = _section(_to_do(as_commissioner))
    assert "Jordan Reed" in to_do and deadline in to_do
    assert f"/pupils/{pupil.id}#exclusions" in to_do

    exclusion = db_session.scalars(sa.select(Exclusion)).one()
    assert (exclusion.kind, exclusion.first_day, exclusion.school_days) == (ExclusionKind.SUSPENSION, first, 8)
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "exclusion")).one()
    assert (event.action, event.entity_id, event.user_id) == ("create", exclusion.id, commissioner.id)
    assert event.organisation_id == commissioner.organisation_id
    assert event.detail == {"pupil_id": pupil.id, "kind": "suspension"}


def test_a_suspension_of_five_days_has_no_sixth_day_duty(as_commissioner, pupil):
    assert _record(as_commissioner, pupil.id, **_fields("suspension", _day_one(), 5)).status_code == 302
    assert "there is no sixth-day duty" in text(as_commissioner.get(f"/pupils/{pupil.id}"))
    assert _section(_to_do(as_commissioner)) == ""


def test_a_placement_agreed_to_start_by_the_sixth_day_clears_the_flag(as_commissioner, pupil, provider):
    first = _day_one()
    _record(as_commissioner, pupil.id, **_fields("suspension", first, 8))
    assert "Jordan Reed" in _section(_to_do(as_commissioner))

    factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.AGREED, planned_start=_sixth_day(first)
    )
    assert _section(_to_do(as_commissioner)) == ""
    assert "a placement is in place" in text(as_commissioner.get(f"/pupils/{pupil.id}"))


def test_a_placement_agreed_to_start_after_the_sixth_day_does_not(as_commissioner, pupil, provider):
    first = _day_one()
    _record(as_commissioner, pupil.id, **_fields("suspension", first, 8))
    later = add_working_days(_sixth_day(first), 1)
    factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.AGREED, planned_start=later)
    to_do = _section(_to_do(as_commissioner))
    assert "Jordan Reed" in to_do and f"the placement agreed starts on {uk_date(later)}, after it" in to_do


def test_a_permanent_exclusion_is_on_the_la_officers_to_do_today_and_not_another_las(
    app, as_commissioner, pupil, la_officer
):
    first = _day_one()
    assert _record(as_commissioner, pupil.id, **_fields("permanent", first)).status_code == 302
    deadline = uk_date(_sixth_day(first))
    school_page = text(as_commissioner.get(f"/pupils/{pupil.id}"))
    assert f"The local authority must provide full-time education from {deadline} (the sixth school day" in school_page
    assert "Jordan Reed" in _section(_to_do(as_commissioner))

    officer = browser(app)
    sign_in(officer, la_officer)
    to_do = _section(_to_do(officer))
    assert "Jordan Reed" in to_do
    assert "Permanently excluded from Northbridge Academy" in to_do and deadline in to_do
    exclusion_id = factories.db.session.scalar(sa.select(Exclusion.id))
    assert f"/exclusions#exclusion-{exclusion_id}" in to_do
    listed = text(officer.get("/exclusions"))
    assert "Jordan Reed" in listed and "Northbridge Academy" in listed and deadline in listed
    assert "Parents told by phone." not in listed  # the notes stay with the school
    assert officer.get(f"/pupils/{pupil.id}").status_code == 404  # the pupil's record stays the school's

    other_la = factories.LocalAuthorityFactory(name="Eastshire Council")
    other = browser(app)
    sign_in(other, factories.UserFactory(organisation=other_la, role=factories.Role.COMMISSIONER))
    assert "Jordan Reed" not in text(other.get("/"))
    assert "Jordan Reed" not in text(other.get("/exclusions"))


def test_the_la_does_not_see_the_schools_suspensions(app, as_commissioner, pupil, la_officer):
    _record(as_commissioner, pupil.id, **_fields("suspension", _day_one(), 8))
    officer = browser(app)
    sign_in(officer, la_officer)
    assert "Jordan Reed" not in text(officer.get("/"))
    assert "Jordan Reed" not in text(officer.get("/exclusions"))


def test_the_las_own_placement_of_the_pupil_meets_its_duty(app, as_commissioner, pupil, local_authority, provider):
    """The LA records the excluded pupil again (no school place) and places them: matched by UPN, within that LA."""
    first = _day_one()
    _record(as_commissioner, pupil.id, **_fields("permanent", first))
    la_pupil = factories.PupilFactory(organisation=local_authority, school=None, upn=pupil.upn)
    factories.PlacementFactory(pupil=la_pupil, provider=provider, status=PlacementStatus.AGREED, planned_start=first)
    assert _section(_to_do(as_commissioner)) == ""


def test_another_schools_commissioner_gets_404(app, pupil, other_commissioner):
    client = browser(app)
    sign_in(client, other_commissioner)
    assert client.get(f"/pupils/{pupil.id}/exclusions/new").status_code == 404
    own = factories.PupilFactory(organisation=other_commissioner.organisation)
    page = client.get(f"/pupils/{own.id}/exclusions/new")
    response = client.post(f"/pupils/{pupil.id}/exclusions/new", data=form_data(page, _fields("permanent", _day_one())))
    assert response.status_code == 404
    assert factories.db.session.scalar(sa.select(sa.func.count()).select_from(Exclusion)) == 0


def test_a_viewer_and_an_la_officer_cannot_record_one(app, pupil, viewer, la_officer, local_authority):
    client = browser(app)
    sign_in(client, viewer)
    assert client.get(f"/pupils/{pupil.id}/exclusions/new").status_code == 403
    officer = browser(app)
    sign_in(officer, la_officer)
    la_pupil = factories.PupilFactory(organisation=local_authority, school=None)
    assert officer.get(f"/pupils/{la_pupil.id}/exclusions/new").status_code == 403  # only a school excludes


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        pytest.param(
            lambda: _fields("suspension", None, 8), "first_day", "Enter the first day of the exclusion", id="no-date"
        ),
        pytest.param(
            lambda: _fields("suspension", _day_one(), 0),
            "school_days",
            "Enter the number of school days of the suspension, from 1 to 45",
            id="zero-days",
        ),
        pytest.param(
            lambda: _fields("suspension", _day_one(), ""),
            "school_days",
            "Enter the number of school days of the suspension, from 1 to 45",
            id="no-days",
        ),
        pytest.param(
            lambda: _fields("suspension", _day_one(), 46),
            "school_days",
            "Enter the number of school days of the suspension, from 1 to 45",
            id="too-many-days",
        ),
        pytest.param(
            lambda: _fields("permanent", date.today() + timedelta(days=400), decided=date.today()),
            "first_day",
            "The first day must be within 4 weeks from today",
            id="far-future",
        ),
        pytest.param(
            lambda: _fields("permanent", _day_one() + timedelta(days=7), decided=date.today() + timedelta(days=1)),
            "decided_on",
            "The date of the decision must be today or in the past",
            id="decided-in-the-future",
        ),
        pytest.param(
            lambda: _fields("permanent", date.today() - timedelta(days=3), decided=date.today()),
            "decided_on",
            "The decision must be made on or before the first day of the exclusion",
            id="decided-after-the-first-day",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_next_to_the_field(as_commissioner, pupil, fields, field_id, message):
    response = _record(as_commissioner, pupil.id, **fields())
    assert response.status_code == 400
    assert _error_next_to(response, field_id).startswith(message)
    assert factories.db.session.scalar(sa.select(sa.func.count()).select_from(Exclusion)) == 0


def test_the_length_typed_for_a_permanent_exclusion_is_ignored(as_commissioner, pupil, db_session):
    assert _record(as_commissioner, pupil.id, **_fields("permanent", _day_one(), 0)).status_code == 302
    assert db_session.scalars(sa.select(Exclusion)).one().school_days is None


def _queries(app: Any, client: Any) -> int:
    from service.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("who", ["school", "la"])
def test_the_dashboard_query_count_does_not_grow_with_exclusions(app, school, commissioner, la_officer, provider, who):
    client = browser(app)
    sign_in(client, commissioner if who == "school" else la_officer)

    def add(n: int) -> None:
        for i in range(n):
            pupil = factories.PupilFactory(organisation=school)
            exclusion = Exclusion(
                pupil_id=pupil.id,
                organisation_id=school.id,
                kind=ExclusionKind.PERMANENT,
                first_day=_day_one(),
                decided_on=date.today(),
            )
            factories.db.session.add(exclusion)
            if i % 2:
                factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE)
        factories.db.session.commit()

    add(2)
    few = _queries(app, client)
    add(10)
    many = _queries(app, client)
    assert many == few, f"{few} queries for 2 exclusions but {many} for 12"
