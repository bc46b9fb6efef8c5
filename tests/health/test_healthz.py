"""The health check reports the database, without signing in."""


def test_healthz_reports_database_and_migration_revision(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["revision"] == "0001"


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
