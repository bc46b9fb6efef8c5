"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

A model change without its migration fails here, before it fails on someone's production database.
"""

from __future__ import annotations

from dataclasses import replace

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.db import Base


def test_migrated_database_matches_the_models(app):
    from service.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_embedded_sqlite_uses_wal_and_enforces_foreign_keys(base_settings, tmp_path):
    """The web server and the document worker write to the embedded database at the same time.

    Checked on an embedded SQLite file of its own, so it runs (and can fail) whichever server the suite is on.
    """
    from service.app import create_app
    from service.extensions import db

    application = create_app(replace(base_settings, database_url=f"sqlite:///{tmp_path / 'embedded.sqlite3'}"))
    with application.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with application.app_context():
        db.engine.dispose()
