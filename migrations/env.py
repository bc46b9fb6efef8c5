"""Alembic environment: the URL comes from the caller (``apdocs init``) or ``APDOCS_DATABASE_URL``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

import service.models  # noqa: F401 - registers every table on the metadata
from service.db import Base
from service.settings import Settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations; on SQLite with foreign keys off while they run, then every link checked.

    Why: SQLite changes a table by rebuilding it (Alembic's batch mode copies the rows, drops the old table, renames
    the new one). With foreign keys enforced, dropping a table that others point at fails, or deletes the rows that
    point at it ``ON DELETE CASCADE``: a school's records would stop an upgrade, or be lost by it. SQLite's own advice
    for schema changes is to turn enforcement off, change, then run ``PRAGMA foreign_key_check``.
    """
    connectable = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
            connection.commit()
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            already = _dangling(connection) if sqlite else set()
            context.run_migrations()
            if sqlite and (broken := _dangling(connection) - already):
                tables = sorted({table for table, _ in broken})
                raise RuntimeError(f"The migration left rows pointing at nothing in: {', '.join(tables)}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _dangling(connection: Connection) -> set[tuple[str, int]]:
    """(table, rowid) of every row whose foreign key points at nothing: those from before are not the migration's."""
    return {(row[0], row[1]) for row in connection.exec_driver_sql("PRAGMA foreign_key_check").all()}


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
