"""The health check reports the database, without signing in."""


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from service.cli import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def test_healthz_reports_database_and_migration_revision(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["revision"] == _head_revision()
    assert body["checks"]["converter"]["status"] == "ok"  # make test installs LibreOffice: never skipped
    assert body["checks"]["worker"]["status"] == "ok"


def test_healthz_says_error_when_database_is_gone(app, client):
    from service.extensions import db

    with db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE alembic_version RENAME TO alembic_version_moved")
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["database"]["status"] == "error"
    finally:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE alembic_version_moved RENAME TO alembic_version")
