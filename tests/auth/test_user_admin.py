"""An admin manages the accounts of their own organisation, and no other."""

from __future__ import annotations

import sqlalchemy as sa

from service.auth.models import User
from service.rules.roles import Role
from tests import factories
from tests.conftest import TEST_PASSWORD, browser, sign_in
from tests.helpers import form_data, text


def _account(**overrides: str) -> dict[str, str]:
    fields = {
        "name": "Nia Newcomer",
        "email": "nia@example.org",
        "role": "commissioner",
        "password": "a-long-enough-password",
        "is_active": "y",
    }
    fields.update(overrides)
    return fields


def test_admin_adds_an_account_that_can_sign_in(as_admin, school, db_session, app):
    page = as_admin.get("/users/new")
    response = as_admin.post("/users/new", data=form_data(page, _account(email="Nia@Example.org")))
    assert response.status_code == 302
    user = db_session.scalar(sa.select(User).where(User.email == "nia@example.org"))
    assert user.organisation_id == school.id
    assert user.role is Role.COMMISSIONER
    other_browser = browser(app)
    sign_in(other_browser, user, "a-long-enough-password")


def test_account_errors_show_next_to_fields_and_keep_typed_values(as_admin, commissioner, db_session):
    page = as_admin.get("/users/new")
    response = as_admin.post("/users/new", data=form_data(page, _account(email="not-an-email", password="short")))
    body = text(response)
    assert "Enter an email address in the correct format" in body
    assert "Password must be at least 12 characters" in body
    assert 'value="Nia Newcomer"' in body
    response = as_admin.post("/users/new", data=form_data(page, _account(email=commissioner.email)))
    assert "An account with this email address already exists" in text(response)
    response = as_admin.post("/users/new", data=form_data(page, _account(role="provider_staff")))
    assert "Not a valid choice" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User).where(User.name == "Nia Newcomer")) == 0


def test_deactivating_an_account_signs_that_person_out(app, as_admin, commissioner, db_session):
    their_browser = browser(app)
    sign_in(their_browser, commissioner)
    assert their_browser.get("/").status_code == 200
    page = as_admin.get(f"/users/{commissioner.id}")
    fields = _account(name=commissioner.name, email=commissioner.email, password="")
    del fields["is_active"]
    response = as_admin.post(f"/users/{commissioner.id}", data=form_data(page, fields))
    assert response.status_code == 302
    assert their_browser.get("/").status_code == 302
    page = their_browser.get("/sign-in")
    refused = their_browser.post(
        "/sign-in", data=form_data(page, {"email": commissioner.email, "password": TEST_PASSWORD})
    )
    assert "Enter a correct email address and password" in text(refused)


def test_admin_cannot_remove_own_admin_access(as_admin, admin, db_session):
    page = as_admin.get(f"/users/{admin.id}")
    response = as_admin.post(
        f"/users/{admin.id}", data=form_data(page, _account(name=admin.name, email=admin.email, password=""))
    )
    assert "You cannot remove your own administrator access" in text(response)
    db_session.expire_all()
    assert db_session.get(User, admin.id).role is Role.ADMIN


def test_admin_cannot_see_or_change_another_organisations_accounts(as_admin, other_school, db_session):
    stranger = factories.UserFactory(organisation=other_school, name="Stranger Danger")
    assert "Stranger Danger" not in text(as_admin.get("/users"))
    assert as_admin.get(f"/users/{stranger.id}").status_code == 404
    page = as_admin.get("/users/new")
    response = as_admin.post(f"/users/{stranger.id}", data=form_data(page, _account(role="viewer")))
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(User, stranger.id).role is Role.COMMISSIONER


def test_account_changes_are_audited_without_personal_data(as_admin, commissioner, db_session):
    from service.audit.models import AuditEvent

    page = as_admin.get(f"/users/{commissioner.id}")
    as_admin.post(
        f"/users/{commissioner.id}",
        data=form_data(page, _account(name="Renamed Person", email=commissioner.email, password="")),
    )
    event = db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity_type == "user")
    )
    assert event.entity_id == commissioner.id
    assert event.detail["fields"] == ["name"]
    assert "Renamed" not in str(event.detail)


def test_audit_log_names_who_did_what_in_own_organisation_only(app, client, admin, commissioner, other_commissioner):
    for person in (commissioner, other_commissioner):
        their_browser = browser(app)
        sign_in(their_browser, person)
    sign_in(client, admin)
    page = text(client.get("/audit"))
    assert "Sam Senco" in page
    assert "Olu Other" not in page
    assert "sign in" in page
