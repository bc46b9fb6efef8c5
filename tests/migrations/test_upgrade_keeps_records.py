"""Upgrading a SQLite database that holds records keeps every record.

SQLite cannot change a column or constraint in place, so Alembic's batch mode rebuilds the table: it copies the
rows to a new table, drops the old one and renames the new. With foreign keys enforced (the service turns them on
for every connection), dropping a table that others point at either fails or deletes through ``ON DELETE
CASCADE``: an LA upgrading apdocs would lose a school's plans, or be stuck. The migrations therefore run with
foreign keys off and check them all once at the end.
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


_RECORDS = [
    "INSERT INTO organisations (id, name, kind, created_at, updated_at) "
    "VALUES (1, 'Northbridge Academy', 'school', '2026-01-05', '2026-01-05')",
    "INSERT INTO organisations (id, name, kind, created_at, updated_at) "
    "VALUES (2, 'Horizon Skills CIC', 'provider', '2026-01-05', '2026-01-05')",
    "INSERT INTO users (id, email, name, password_hash, role, organisation_id, is_active, session_version, created_at, "
    "updated_at) VALUES (1, 'senco@example.org', 'Sam', 'x', 'commissioner', 1, 1, 1, '2026-01-05', '2026-01-05')",
    "INSERT INTO providers (id, name, organisation_id, owner_organisation_id, address, postcode, phone, email, "
    "dfe_registered, ofsted_grade, approved_list_status, dsl_name, dsl_phone, deputy_dsl_name, deputy_dsl_phone, "
    "vetting_confirmed, qa_outcome, services_offered, subjects_offered, availability_notes, created_at, updated_at) "
    "VALUES (1, 'Horizon', 2, 1, '', '', '', '', 0, 'good', 'approved', '', '', '', '', 0, 'satisfactory', '', '', '', "
    "'2026-01-05', '2026-01-05')",
    "INSERT INTO pupils (id, organisation_id, school_id, legal_first_name, legal_last_name, date_of_birth, sen_status, "
    "looked_after, fsm_eligible, safeguarding_status, created_at, updated_at) VALUES (1, 1, 1, 'Ellie', 'Example', "
    "'2011-03-14', 'ehcp', 0, 0, 'none_known', '2026-01-05', '2026-01-05')",
    "INSERT INTO placements (id, pupil_id, provider_id, commissioning_organisation_id, circumstance, decision_maker, "
    "decided_by, status, planned_start, reason_for_referral, created_at, updated_at) VALUES (1, 1, 1, 1, 'on_roll', "
    "'local_authority_annual_review', '', 'agreed', '2026-01-05', 'Needs a smaller setting', '2026-01-05', "
    "'2026-01-05')",
    "INSERT INTO placement_sessions (id, placement_id, weekday, starts_at, ends_at) "
    "VALUES (1, 1, 1, '09:00:00', '12:00:00')",
]
_COUNTED = (
    "organisations",
    "users",
    "providers",
    "pupils",
    "placements",
    "placement_sessions",
    "support_plans",
    "plan_objectives",
    "plan_interventions",
)


def test_an_upgrade_from_before_issue_16_keeps_every_record_and_every_link(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    command.upgrade(_config(url), "0016")
    engine = sa.create_engine(url)  # the service's connect hook turns foreign keys on, as in production
    with engine.begin() as connection:
        for statement in _RECORDS:
            connection.exec_driver_sql(statement)
        # A plan with its objective and intervention: they go with the plan ON DELETE CASCADE, so a rebuild of
        # support_plans with foreign keys on would take them with it.
        _insert(connection, "support_plans", {"id": 1, "placement_id": 1, "registration_override_reason": ""})
        _insert(connection, "plan_objectives", {"id": 1, "support_plan_id": 1, "objective": "Attend every session"})
        _insert(connection, "plan_interventions", {"id": 1, "support_plan_id": 1, "intervention_type": "Tutoring"})
    before = _counts(engine)

    command.upgrade(_config(url), "head")

    assert _counts(engine) == before
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on for the service
        assert connection.exec_driver_sql("SELECT pupil_id FROM placements").scalar() == 1
        assert connection.exec_driver_sql("SELECT objective FROM plan_objectives").scalar() == "Attend every session"


def _insert(connection: sa.Connection, table: str, values: dict[str, object]) -> None:
    """A row with the given values and a plain value in every other column that needs one."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    plain = {sa.Date: date(2026, 1, 5), sa.DateTime: datetime(2026, 1, 5, 9), sa.Boolean: False, sa.Integer: 1}
    row = {
        column.name: next((v for kind, v in plain.items() if isinstance(column.type, kind)), "")
        for column in reflected.columns
        if not column.nullable and column.name != "id"
    }
    connection.execute(reflected.insert().values(**(row | values)))


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() for table in _COUNTED}  # noqa: S608
