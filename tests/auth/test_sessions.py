"""Sessions end when they should: sign-out, a password or role change and deactivation end them at once, on the
server, and the absolute limit holds however busy the session is.

The attacks copy the session cookie out of a signed-in browser and replay it in another, as someone who had
read it off a shared computer or a proxy log would.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests import factories
from tests.conftest import TEST_PASSWORD, browser, sign_in
from tests.helpers import csrf_token, form_data

COOKIE = "apdocs_session"
MINUTE = 60


def _copy_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE, domain="localhost")
    assert cookie is not None, "the browser has no session cookie"
    return cookie.value


def _replay(app: Flask, copied: str) -> FlaskClient:
    """Another browser carrying the copied cookie."""
    thief = browser(app)
    thief.set_cookie(COOKIE, copied, domain="localhost")
    return thief


def _sent_to_sign_in(response: TestResponse) -> bool:
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]


def _sign_out(client: FlaskClient) -> None:
    page = client.get("/")
    assert client.post("/sign-out", data={"csrf_token": csrf_token(page)}).status_code == 302


def _edit_account(admin_browser: FlaskClient, user: object, **changes: str) -> None:
    """Post the admin's account form for ``user`` with these changes (an empty password leaves it alone)."""
    page = admin_browser.get(f"/users/{user.id}")  # type: ignore[attr-defined]
    fields = {
        "name": user.name,  # type: ignore[attr-defined]
        "email": user.email,  # type: ignore[attr-defined]
        "role": user.role.value,  # type: ignore[attr-defined]
        "password": "",
        "is_active": "y",
    }
    fields.update(changes)
    fields = {name: value for name, value in fields.items() if value is not None}
    response = admin_browser.post(f"/users/{user.id}", data=form_data(page, fields))  # type: ignore[attr-defined]
    assert response.status_code == 302, "the account change was refused"


def _session_id(app: Flask, cookie_value: str) -> str | None:
    """The session id the cookie carries (the cookie is signed, not encrypted: its holder can read it)."""
    data = app.session_interface.get_signing_serializer(app).loads(cookie_value)  # type: ignore[attr-defined]
    return data.get("sid")


# (a) sign-out


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, client, commissioner):
    sign_in(client, commissioner)
    copied = _copy_cookie(client)
    assert _replay(app, copied).get("/").status_code == 200  # the copy works while the session lasts
    _sign_out(client)
    thief = _replay(app, copied)
    assert _sent_to_sign_in(thief.get("/"))
    assert thief.get("/sign-in").status_code == 200  # not taken for signed in anywhere


# (b) password change, deactivation, role change


def test_a_copied_cookie_stops_working_when_an_admin_changes_the_password(app, as_admin, commissioner):
    their_browser = browser(app)
    sign_in(their_browser, commissioner)
    copied = _copy_cookie(their_browser)
    _edit_account(as_admin, commissioner, password="a-brand-new-password")
    assert _sent_to_sign_in(_replay(app, copied).get("/"))
    assert _sent_to_sign_in(their_browser.get("/"))


def test_changing_your_own_password_ends_your_other_sessions_and_keeps_this_one(app, client, admin):
    sign_in(client, admin)
    copied = _copy_cookie(client)
    elsewhere = browser(app)
    sign_in(elsewhere, admin)
    _edit_account(client, admin, password="a-brand-new-password")
    assert _sent_to_sign_in(_replay(app, copied).get("/"))  # the copy of this browser's old cookie
    assert _sent_to_sign_in(elsewhere.get("/"))  # the other computer
    assert client.get("/").status_code == 200  # the browser that changed it carries on, on a new session id
    assert _session_id(app, _copy_cookie(client)) != _session_id(app, copied)


def test_a_copied_cookie_stops_working_when_the_account_is_deactivated(app, as_admin, commissioner):
    their_browser = browser(app)
    sign_in(their_browser, commissioner)
    copied = _copy_cookie(their_browser)
    _edit_account(as_admin, commissioner, is_active=None)
    assert _sent_to_sign_in(_replay(app, copied).get("/"))


def test_a_copied_cookie_stops_working_when_the_role_changes(app, as_admin, commissioner):
    their_browser = browser(app)
    sign_in(their_browser, commissioner)
    copied = _copy_cookie(their_browser)
    _edit_account(as_admin, commissioner, role="viewer")
    assert _sent_to_sign_in(_replay(app, copied).get("/"))
    assert _sent_to_sign_in(their_browser.get("/"))


def test_a_name_change_leaves_sessions_alone(app, as_admin, commissioner):
    their_browser = browser(app)
    sign_in(their_browser, commissioner)
    _edit_account(as_admin, commissioner, name="Sam Senco-Smith")
    assert their_browser.get("/").status_code == 200


def test_the_server_records_why_each_session_ended(app, as_admin, commissioner, db_session):
    from service.auth.models import SessionEnd, UserSession

    theirs = browser(app)
    sign_in(theirs, commissioner)
    _sign_out(theirs)
    sign_in(theirs, commissioner)
    _edit_account(as_admin, commissioner, password="a-brand-new-password")
    sign_in(theirs, commissioner, "a-brand-new-password")
    _edit_account(as_admin, commissioner, role="viewer")
    sign_in(theirs, commissioner, "a-brand-new-password")
    _edit_account(as_admin, commissioner, role="viewer", is_active=None)
    rows = db_session.scalars(
        sa.select(UserSession).where(UserSession.user_id == commissioner.id).order_by(UserSession.id)
    ).all()
    assert [row.ended_reason for row in rows] == [
        SessionEnd.SIGNED_OUT,
        SessionEnd.PASSWORD_CHANGED,
        SessionEnd.ROLE_CHANGED,
        SessionEnd.DEACTIVATED,
    ]
    assert all(row.ended_at is not None for row in rows)


# (c) the absolute limit


def test_a_session_in_constant_use_still_ends_at_the_absolute_limit(app, client, commissioner, clock):
    limit = app.config["APDOCS_SESSION_MAX_HOURS"] * 3600
    sign_in(client, commissioner)
    copied = _copy_cookie(client)
    while clock.offset + 20 * MINUTE < limit - MINUTE:  # busy all day: a page every 20 minutes
        clock.advance(20 * MINUTE)
        assert client.get("/").status_code == 200
    clock.set_offset(limit - MINUTE)
    assert client.get("/").status_code == 200  # used a minute before the limit...
    clock.set_offset(limit + MINUTE)
    response = client.get("/")  # ...and ended a minute after it
    assert _sent_to_sign_in(response)
    assert "expired=1" in response.headers["Location"]
    assert _sent_to_sign_in(client.get("/"))
    assert _sent_to_sign_in(_replay(app, copied).get("/"))


def test_the_absolute_limit_counts_from_the_stored_start_of_the_session(app, client, commissioner, db_session):
    from service.auth import sessions
    from service.auth.models import SessionEnd, UserSession

    sign_in(client, commissioner)
    assert client.get("/").status_code == 200
    row = db_session.scalar(sa.select(UserSession).where(UserSession.user_id == commissioner.id))
    now = sessions.now()
    row.created_at = now - sessions.max_age() - timedelta(minutes=1)
    row.last_seen_at = now - timedelta(minutes=1)  # used a minute ago
    db_session.commit()
    response = client.get("/")
    assert _sent_to_sign_in(response)
    assert "expired=1" in response.headers["Location"]
    db_session.expire_all()
    assert row.ended_reason is SessionEnd.EXPIRED


def test_using_a_session_never_moves_its_start(app, client, commissioner, clock, db_session):
    from service.auth.models import UserSession

    sign_in(client, commissioner)
    started = db_session.scalar(sa.select(UserSession.created_at))
    for _ in range(3):
        clock.advance(10 * MINUTE)
        assert client.get("/").status_code == 200
    db_session.expire_all()
    assert db_session.scalar(sa.select(UserSession.created_at)) == started


# (d) the idle limit, and how often a busy session writes


def test_the_idle_limit_still_ends_a_session_and_its_copies(app, client, commissioner, clock):
    sign_in(client, commissioner)
    copied = _copy_cookie(client)
    clock.advance(app.config["APDOCS_SESSION_IDLE_MINUTES"] * MINUTE - 2 * MINUTE)
    assert client.get("/").status_code == 200
    clock.advance(app.config["APDOCS_SESSION_IDLE_MINUTES"] * MINUTE + 5)
    response = client.get("/")
    assert _sent_to_sign_in(response)
    assert "expired=1" in response.headers["Location"]
    assert _sent_to_sign_in(_replay(app, copied).get("/"))


def test_a_busy_page_writes_the_last_seen_time_at_most_once_a_minute(app, client, commissioner, clock, db_session):
    from service.auth.models import UserSession

    sign_in(client, commissioner)

    def last_seen():  # type: ignore[no-untyped-def]
        db_session.expire_all()
        return db_session.scalar(sa.select(UserSession.last_seen_at))

    signed_in_at = last_seen()
    for _ in range(5):
        clock.advance(10)
        assert client.get("/").status_code == 200
    assert last_seen() == signed_in_at  # 50 seconds of clicking: no writes
    clock.advance(20)
    assert client.get("/").status_code == 200
    assert last_seen() > signed_in_at


# sign-in: a new id each time, only its hash stored, old rows cleared


def test_signing_in_starts_a_new_session_id_and_stores_only_its_hash(app, client, commissioner, db_session):
    from service.auth.models import UserSession

    client.get("/sign-in")
    before = _copy_cookie(client)  # a cookie planted before sign-in
    assert _session_id(app, before) is None
    sign_in(client, commissioner)
    first = _session_id(app, _copy_cookie(client))
    assert first
    assert _sent_to_sign_in(_replay(app, before).get("/"))
    _sign_out(client)
    sign_in(client, commissioner)
    second = _session_id(app, _copy_cookie(client))
    assert second and second != first
    stored = db_session.scalars(sa.select(UserSession.token_hash).order_by(UserSession.id)).all()
    assert stored == [hashlib.sha256(sid.encode()).hexdigest() for sid in (first, second)]


def test_a_forged_session_id_gets_nowhere(app, client, commissioner):
    sign_in(client, commissioner)
    with client.session_transaction() as session:
        session["sid"] = "made-up"
    assert _sent_to_sign_in(client.get("/"))


def test_a_session_left_open_elsewhere_is_replaced_when_the_same_browser_signs_in_again(
    app, client, commissioner, db_session
):
    from service.auth.models import SessionEnd, UserSession

    sign_in(client, commissioner)
    with client.session_transaction() as session:  # Flask-Login forgets the user, as on a changed address
        session.pop("_user_id")
    sign_in(client, commissioner)
    rows = db_session.scalars(sa.select(UserSession).order_by(UserSession.id)).all()
    assert [row.ended_reason for row in rows] == [SessionEnd.REPLACED, None]


def test_sessions_ended_more_than_30_days_ago_are_deleted_at_sign_in(app, client, commissioner, clock, db_session):
    from service.auth.models import UserSession

    sign_in(client, commissioner)
    _sign_out(client)
    sign_in(client, commissioner)  # left open: it expires
    clock.advance(29 * 24 * 3600)
    sign_in(browser(app), commissioner)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 3
    clock.advance(2 * 24 * 3600)
    other = factories.UserFactory(organisation=commissioner.organisation, name="Cat Colleague")
    sign_in(browser(app), other, TEST_PASSWORD)
    db_session.expire_all()
    remaining = db_session.scalars(sa.select(UserSession.user_id).order_by(UserSession.id)).all()
    assert remaining == [commissioner.id, other.id]  # the one from 2 days ago stays, until its 30 days
