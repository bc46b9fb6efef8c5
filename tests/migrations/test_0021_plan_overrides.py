"""Migration 0021 keeps the registration overrides recorded on plans: each becomes a ``plan_overrides`` row (reason,
who, when; no report, since none was recorded then), without rebuilding a table that others point at; a downgrade
puts the latest one back on the plan.

On a SQLite file of its own (the shared test database is already at head), with the rows written as the schema
stood at 0020: every column that needs a value gets a plain one.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from service.schema import MIGRATIONS_DIR


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _filler(column: dict) -> object:  # type: ignore[type-arg]
    kind = column["type"]
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 5, 9, 0)
    if isinstance(kind, sa.Date):
        return date(2026, 1, 5)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 1
    if isinstance(kind, sa.JSON):
        return []
    return ""


def _insert(connection: sa.Connection, table: str, values: dict[str, object]) -> None:
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    row = {c.name: _filler({"type": c.type}) for c in reflected.columns if not c.nullable and c.name != "id"}
    connection.execute(reflected.insert().values(**(row | values)))


def test_registration_overrides_move_into_plan_overrides_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    command.upgrade(_config(url), "0020")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # the rows the plans point at, and nothing more
        _insert(connection, "users", {"id": 3, "email": "senco@example.org"})
        for placement_id in (7, 8):
            _insert(connection, "placements", {"id": placement_id})
        _insert(connection, "support_plans", {"id": 1, "placement_id": 7, "registration_override_reason": "   "})
        _insert(
            connection,
            "support_plans",
            {
                "id": 2,
                "placement_id": 8,
                "registration_override_reason": "The provider is registering; the DfE confirmed it.",
                "registration_override_by_id": 3,
                "registration_override_at": datetime(2026, 2, 1, 10, 30),
            },
        )

    command.upgrade(_config(url), "0021")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT placement_id, check_key, reason, by_id, at, reported_on, reported_by FROM plan_overrides")
        ).all()
        assert [tuple(r) for r in rows] == [
            (8, "registration", "The provider is registering; the DfE confirmed it.", 3, "2026-02-01 10:30:00.000000",
             None, ""),
        ]  # fmt: skip
        # The plans and what points at them are untouched (no table was rebuilt under them).
        assert connection.execute(sa.text("SELECT id, placement_id FROM support_plans ORDER BY id")).all() == [
            (1, 7),
            (2, 8),
        ]
        assert connection.execute(sa.text("SELECT id, senior_leader FROM users")).all() == [(3, False)]

    command.downgrade(_config(url), "0020")
    with engine.connect() as connection:
        back = connection.execute(
            sa.text("SELECT placement_id, registration_override_reason, registration_override_by_id FROM support_plans "
                    "ORDER BY id")
        ).all()  # fmt: skip
        assert [tuple(r) for r in back] == [
            (7, "   ", None),
            (8, "The provider is registering; the DfE confirmed it.", 3),
        ]
    engine.dispose()
