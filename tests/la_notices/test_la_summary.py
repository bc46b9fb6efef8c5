"""The LA officer's read-only summary of their schools' placements: only their own schools' rows, filtered and a page
at a time in a fixed number of queries, every view audited; nobody else opens it, and it opens nothing of the
school's records."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import text

URL = "/local-authority/placements"


@pytest.fixture
def world(local_authority, school, other_school, provider, commissioner):  # type: ignore[no-untyped-def]
    """Northbridge (chose ``local_authority``) with an active, an ended and a draft placement; a second school of
    the same LA; Southfield, which chose another LA, with a placement of its own."""
    other_la = factories.LocalAuthorityFactory(name="Eastshire Council", ap_contact_email="ap@eastshire.example")
    other_school.local_authority = other_la
    second = factories.SchoolFactory(name="Hillcrest School", local_authority=local_authority)
    db.session.commit()

    def placement(org, first: str, status: PlacementStatus):  # type: ignore[no-untyped-def]
        pupil = factories.PupilFactory(organisation=org, legal_first_name=first, legal_last_name="Testcase")
        return factories.PlacementFactory(pupil=pupil, provider=provider, status=status, planned_start=date(2026, 1, 5))

    return {
        "active": placement(school, "Aurelia", PlacementStatus.ACTIVE),
        "ended": placement(school, "Bartholomew", PlacementStatus.ENDED),
        "draft": placement(school, "Cordelia", PlacementStatus.DRAFT),
        "second": placement(second, "Desmond", PlacementStatus.AGREED),
        "elsewhere": placement(other_school, "Evangeline", PlacementStatus.ACTIVE),
        "other_la": other_la,
        "second_school": second,
    }


def test_the_officer_sees_their_schools_placements_read_only_and_nothing_else(as_la_officer, la_officer, world):
    response = as_la_officer.get(URL)
    assert response.status_code == 200
    page = text(response)
    for first in ("Aurelia", "Bartholomew", "Desmond"):
        assert f"{first} Testcase" in page
    assert "Cordelia" not in page  # a school's draft stays the school's
    assert "Evangeline" not in page  # a school that chose another LA
    assert "Northbridge Academy" in page and "Hillcrest School" in page
    assert f"AP-{world['active'].id}" in page and "On a school&#39;s roll" in page and "Active" in page
    assert f"/placements/{world['active'].id}" not in page  # read-only: no link into the school's records
    assert "/pupils/" not in page and "/edit" not in page


def test_every_view_of_the_list_is_audited(as_la_officer, la_officer, local_authority, world, db_session):
    as_la_officer.get(URL)
    as_la_officer.get(URL + "?status=active")
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "la_school_placements").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.user_id, e.entity_id, e.detail["status"]) for e in events] == [
        ("view", la_officer.id, local_authority.id, None),
        ("view", la_officer.id, local_authority.id, "active"),
    ]
    assert sorted(events[0].detail["placement_ids"]) == sorted(world[k].id for k in ("active", "ended", "second"))


def test_filters_by_school_status_and_reference(as_la_officer, school, world):
    by_school = text(as_la_officer.get(f"{URL}?school={world['second_school'].id}"))
    assert "Desmond" in by_school and "Aurelia" not in by_school
    by_status = text(as_la_officer.get(f"{URL}?status=ended"))
    assert "Bartholomew" in by_status and "Aurelia" not in by_status and "Desmond" not in by_status
    by_reference = text(as_la_officer.get(f"{URL}?reference=AP-{world['active'].id}"))
    assert "Aurelia" in by_reference and "Bartholomew" not in by_reference


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("school={elsewhere_school}", "school", "Choose one of your schools from the list"),
        ("status=draft", "status", "Choose a status from the list"),
        ("status=nonsense", "status", "Choose a status from the list"),
        ("reference=Ellie", "reference", "Enter a placement reference like AP-123"),
    ],
)
def test_a_filter_that_is_not_a_choice_is_named_next_to_its_field(
    as_la_officer, other_school, world, query, field, message
):
    response = as_la_officer.get(f"{URL}?{query.format(elsewhere_school=other_school.id)}")
    assert response.status_code == 400
    page = text(response)
    assert f'href="#{field}"' in page and f'id="{field}-error"' in page and message in page
    assert "Evangeline" not in page and "Cordelia" not in page  # a bad filter never widens the scope


def test_another_las_officer_sees_none_of_these_rows(client, world):
    officer = factories.UserFactory(organisation=world["other_la"], role=factories.Role.COMMISSIONER)
    sign_in(client, officer)
    page = text(client.get(URL))
    assert "Evangeline" in page  # their own school's
    for first in ("Aurelia", "Bartholomew", "Cordelia", "Desmond"):
        assert first not in page
    asked_for_ours = text(client.get(f"{URL}?reference=AP-{world['active'].id}"))
    assert "Aurelia" not in asked_for_ours and "No placements match" in asked_for_ours


def test_the_officer_gains_no_access_to_the_schools_records(as_la_officer, world, app):
    placement = world["active"]
    assert as_la_officer.get(f"/placements/{placement.id}").status_code == 404
    assert as_la_officer.get(f"/pupils/{placement.pupil_id}").status_code == 404
    assert as_la_officer.get(f"/placements/{placement.id}/plan").status_code == 404
    document = factories.DocumentFactory(placement=placement)
    assert as_la_officer.get(f"/documents/{document.id}/pdf").status_code == 404


@pytest.mark.parametrize("who", ["commissioner", "admin", "viewer", "provider_user"])
def test_nobody_but_an_la_officer_opens_the_page(request, client, world, who):
    sign_in(client, request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Aurelia" not in text(response)


def test_an_la_admin_or_viewer_is_refused_too(client, local_authority, world):
    for role in (factories.Role.ADMIN, factories.Role.VIEWER):
        fresh = browser(client.application)  # a browser of its own per account
        sign_in(fresh, factories.UserFactory(organisation=local_authority, role=role))
        assert fresh.get(URL).status_code == 403


def test_the_navigation_links_it_for_la_officers_only(as_la_officer, world, client, commissioner):
    assert f'href="{URL}"' in text(as_la_officer.get("/"))
    school_browser = browser(client.application)
    sign_in(school_browser, commissioner)
    assert f'href="{URL}"' not in text(school_browser.get("/"))


def _queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_takes_the_same_number_of_queries_for_few_or_many_placements_a_page_at_a_time(
    as_la_officer, school, provider, world
):
    """An LA may have thousands of placements: never one query per row, never all of them loaded."""
    few = _queries_for(as_la_officer, URL)

    pupils = [factories.PupilFactory.build(organisation=school) for _ in range(70)]
    db.session.add_all(pupils)
    db.session.flush()
    db.session.add_all(
        factories.PlacementFactory.build(
            pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE, planned_start=date(2025, 9, 1 + n % 28)
        )
        for n, pupil in enumerate(pupils)
    )
    db.session.commit()
    many = _queries_for(as_la_officer, URL)
    assert many == few, f"{few} queries for 3 placements but {many} for 73"
    page = text(as_la_officer.get(URL))
    assert "73 placements, page 1 of 2" in page
    assert page.count('data-label="Pupil"') == 50
    assert f'href="{URL}?page=2"' in page
    second = text(as_la_officer.get(URL + "?page=2"))
    assert second.count('data-label="Pupil"') == 23
    filtered = text(as_la_officer.get(URL + "?status=active"))
    assert f'href="{URL}?page=2&amp;status=active"' in filtered  # the next page keeps the filter
