"""Signing in and out: argon2 passwords, CSRF, rate limits, expiring sessions, secure cookies."""

from __future__ import annotations

from tests.conftest import TEST_PASSWORD, browser, sign_in
from tests.helpers import csrf_token, form_data, text


def test_commissioner_signs_in_and_sees_dashboard(client, commissioner):
    sign_in(client, commissioner)
    page = client.get("/")
    assert page.status_code == 200
    assert "Sam Senco" in text(page)
    assert "Placements" in text(page)


def test_password_is_stored_as_argon2_hash(commissioner):
    assert commissioner.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in commissioner.password_hash


def test_wrong_password_gives_message_next_to_field_and_keeps_email(client, commissioner):
    page = client.get("/sign-in")
    response = client.post("/sign-in", data=form_data(page, {"email": commissioner.email, "password": "nope"}))
    assert response.status_code == 200
    body = text(response)
    assert "Enter a correct email address and password" in body
    assert "govuk-error-summary" in body
    assert f'value="{commissioner.email}"' in body
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client, commissioner):
    page = client.get("/sign-in")
    response = client.post("/sign-in", data=form_data(page, {"email": "nobody@example.org", "password": "x"}))
    assert "Enter a correct email address and password" in text(response)


def test_deactivated_account_cannot_sign_in(client, commissioner, db_session):
    commissioner.is_active = False
    db_session.commit()
    page = client.get("/sign-in")
    response = client.post("/sign-in", data=form_data(page, {"email": commissioner.email, "password": TEST_PASSWORD}))
    assert response.status_code == 200
    assert "Enter a correct email address and password" in text(response)


def test_post_without_csrf_token_is_refused(client, commissioner):
    response = client.post("/sign-in", data={"email": commissioner.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Your form timed out" in text(response)
    assert client.get("/").status_code == 302


def test_sign_in_is_rate_limited(client, commissioner):
    page = client.get("/sign-in")
    token = csrf_token(page)
    statuses = [
        client.post(
            "/sign-in", data={"csrf_token": token, "email": commissioner.email, "password": "wrong"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in text(
        client.post("/sign-in", data={"csrf_token": token, "email": "x", "password": "y"})
    )


def test_every_page_needs_sign_in(client):
    response = client.get("/pupils")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_session_expires_after_idle_time(app, client, commissioner, clock):
    sign_in(client, commissioner)
    clock.advance(app.config["APDOCS_SESSION_IDLE_MINUTES"] * 60 + 5)
    response = client.get("/")
    assert response.status_code == 302
    assert "expired=1" in response.headers["Location"]
    assert client.get("/").status_code == 302


def test_sign_out_ends_session(client, commissioner):
    sign_in(client, commissioner)
    page = client.get("/")
    response = client.post("/sign-out", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_session_cookie_is_secure_httponly_samesite(client, commissioner):
    page = client.get("/sign-in")
    response = client.post("/sign-in", data=form_data(page, {"email": commissioner.email, "password": TEST_PASSWORD}))
    cookie = response.headers["Set-Cookie"]
    assert "apdocs_session=" in cookie
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_post_from_another_site_is_refused_over_https(client, commissioner):
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data=form_data(page, {"email": commissioner.email, "password": TEST_PASSWORD}),
        headers={"Referer": "https://evil.example/"},
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sign_in_and_failure_are_audited(client, commissioner, db_session):
    import sqlalchemy as sa

    from service.audit.models import AuditEvent

    page = client.get("/sign-in")
    client.post("/sign-in", data=form_data(page, {"email": commissioner.email, "password": "bad"}))
    sign_in(client, commissioner)
    actions = db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["sign_in_failed", "sign_in"]


def test_behind_a_trusted_proxy_the_audit_log_records_the_client_address(base_settings, tmp_path, commissioner):
    from dataclasses import replace

    import sqlalchemy as sa

    from service.app import create_app
    from service.audit.models import AuditEvent
    from service.extensions import db

    proxied = create_app(replace(base_settings, trusted_proxies=1, output_dir=tmp_path), overrides={"TESTING": True})
    client_behind_proxy = browser(proxied)
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    page = client_behind_proxy.get("/sign-in", headers=headers)
    client_behind_proxy.post(
        "/sign-in",
        data=form_data(page, {"email": commissioner.email, "password": TEST_PASSWORD}),
        headers=headers,
    )
    ips = db.session.scalars(sa.select(AuditEvent.ip_address).where(AuditEvent.action == "sign_in")).all()
    assert ips == ["203.0.113.7"]
