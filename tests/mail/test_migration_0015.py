"""Migration 0015 removes the live links and codes earlier versions wrote into stored message bodies.

A database at 0014 with such a row, upgraded to 0015: the signing link, the secure link and the code are gone
from the body, the rest of it is kept, and the new table and columns are there. On SQLite, and on PostgreSQL
(a throwaway database on the test server) when the suite runs there.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from service.schema import MIGRATIONS_DIR

TOKEN = "Jq3v0b1x9T_k-2mZyWcXhR8sPaLdE4uN6fGiHoQ7tBw"
OLD_BODY = (
    "Dear Pat Parent,\n\nPlease read and sign.\n\n"
    f"Open this link (it works once, until 1 December 2026 at 10:00):\nhttps://apdocs.example/sign/{TOKEN}\n\n"
    f"Download the document here:\nhttp://127.0.0.1:5000/shared/{TOKEN[::-1]}\n\n"
    "Your code is 482913\n\nIt works for 15 minutes.\n"
)


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, on the same kind of server as the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    name = f"apdocs_migration_{secrets.token_hex(4)}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def _alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _insert(connection: sa.Connection, table: sa.Table, values: dict[str, object]) -> int:
    """A row with the values given and a stand-in for every other required column, as the schema is at 0014."""
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        python_type = column.type.python_type if not isinstance(column.type, sa.JSON) else list
        row[column.name] = {
            str: "x",
            int: 0,
            bool: False,
            datetime: datetime(2026, 1, 5, 9, tzinfo=UTC).replace(tzinfo=None),
            list: [],
        }[python_type]
    return int(connection.execute(sa.insert(table).values(**row).returning(table.c.id)).scalar_one())


@pytest.mark.db
def test_upgrading_removes_live_links_and_codes_from_stored_bodies(empty_database: str) -> None:
    config = _alembic(empty_database)
    command.upgrade(config, "0014")
    engine = sa.create_engine(empty_database)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine, only=["organisations", "outbox_messages"])
        messages = metadata.tables["outbox_messages"]
        with engine.begin() as connection:
            organisation = _insert(connection, metadata.tables["organisations"], {"name": "Northbridge Academy"})
            common = {"organisation_id": organisation, "purpose": "signature_request", "to_addresses": ["p@x.org"]}
            leaky = _insert(connection, messages, {**common, "body_text": OLD_BODY, "message_id": "<a@x>"})
            plain = _insert(
                connection, messages, {**common, "body_text": "See /placements/3/attendance", "message_id": "<b@x>"}
            )

        command.upgrade(config, "0015")

        with engine.connect() as connection:
            bodies = dict(connection.execute(sa.select(messages.c.id, messages.c.body_text)).all())
            inspector = sa.inspect(connection)
            assert "outbox_secrets" in inspector.get_table_names()
            signer_columns = {c["name"] for c in inspector.get_columns("signers")}
            assert {"link_generation", "code_generation", "link_code_attempts", "code_requested_at"} <= signer_columns
            token_column = next(c for c in inspector.get_columns("secure_links") if c["name"] == "token_sha256")
            assert token_column["nullable"]
        body = bodies[leaky]
        assert TOKEN not in body and TOKEN[::-1] not in body and "482913" not in body
        assert "/sign/" not in body and "/shared/" not in body
        assert "Open this link (it works once, until 1 December 2026 at 10:00):\n[signing link — sent only" in body
        assert "Download the document here:\n[link to the document — sent only to the recipient" in body
        assert "Your code is [one-time code — sent only to the recipient, not shown here]" in body
        assert body.startswith("Dear Pat Parent,\n\nPlease read and sign.") and "It works for 15 minutes." in body
        assert bodies[plain] == "See /placements/3/attendance"

        command.downgrade(config, "0014")  # and back, for a release that has to be rolled back
        with engine.connect() as connection:
            assert "outbox_secrets" not in sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()
