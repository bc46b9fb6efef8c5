"""The health check: a bare status for anyone (a load balancer needs no more), details for an admin or a token.

The details (database backend, migration revision, queue type) help an attacker choose an exploit, so a
stranger gets only ``{"status": …}`` with the same HTTP code.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.app import create_app
from tests.conftest import browser, sign_in

TOKEN = "a-long-random-health-token-for-the-monitor"


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from service.schema import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.fixture
def monitored_app(base_settings, tmp_path):  # type: ignore[no-untyped-def]
    """The app with ``APDOCS_HEALTH_TOKEN`` configured."""
    return create_app(
        replace(base_settings, health_token=TOKEN, output_dir=tmp_path / "output"), overrides={"TESTING": True}
    )


def _gone_database():  # type: ignore[no-untyped-def]
    """Break the revision lookup for the length of a ``with`` block."""
    from contextlib import contextmanager

    from service.extensions import db

    @contextmanager
    def broken():  # type: ignore[no-untyped-def]
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE alembic_version RENAME TO alembic_version_moved")
        try:
            yield
        finally:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ALTER TABLE alembic_version_moved RENAME TO alembic_version")

    return broken()


def _assert_details(body: dict) -> None:  # type: ignore[type-arg]
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["revision"] == _head_revision()
    assert body["checks"]["converter"]["status"] == "ok"  # make test installs LibreOffice: never skipped
    assert body["checks"]["worker"]["status"] == "ok"


def test_a_stranger_gets_the_status_and_nothing_else(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    body = response.get_data(as_text=True)
    for detail in ("sqlite", "postgresql", "revision", _head_revision(), "Huey", "queue"):
        assert detail not in body


def test_a_signed_in_user_who_is_not_an_admin_gets_the_status_only(app, as_commissioner):
    response = as_commissioner.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_signed_in_admin_gets_the_details(app, as_admin):
    response = as_admin.get("/healthz")
    assert response.status_code == 200
    _assert_details(response.get_json())


def test_the_configured_token_gets_the_details(app, monitored_app):
    monitor = browser(monitored_app)
    response = monitor.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    _assert_details(response.get_json())


@pytest.mark.parametrize(
    "header",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer ", f"Basic {TOKEN}", TOKEN, f"bearer  {TOKEN} extra"],
)
def test_a_wrong_token_gets_the_status_only(app, monitored_app, header):
    response = browser(monitored_app).get("/healthz", headers={"Authorization": header})
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_no_token_is_accepted_when_none_is_configured(app, client):
    assert app.config["APDOCS_HEALTH_TOKEN"] == ""
    for header in ("Bearer ", "Bearer", "Bearer None"):
        assert client.get("/healthz", headers={"Authorization": header}).get_json() == {"status": "ok"}


def test_the_token_is_read_from_the_environment(monkeypatch):
    from service.settings import Settings

    monkeypatch.setenv("APDOCS_HEALTH_TOKEN", TOKEN)
    assert Settings.from_env().flask_config()["APDOCS_HEALTH_TOKEN"] == TOKEN
    monkeypatch.delenv("APDOCS_HEALTH_TOKEN")
    assert Settings.from_env().flask_config()["APDOCS_HEALTH_TOKEN"] == ""


def test_a_stranger_sees_an_error_as_503_without_the_reason(app, client):
    with _gone_database():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error"}


def test_an_admin_sees_which_check_failed(app, client, admin):
    sign_in(client, admin)
    with _gone_database():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["status"] == "error"
