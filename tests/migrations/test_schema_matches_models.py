"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

A model change without its migration fails here, before it fails on someone's production database.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.db import Base


def test_migrated_database_matches_the_models(app):
    from service.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
