"""The database schema: ``apdocs init`` brings a database to the latest Alembic revision, as the tests and the
benchmarks do with ``migrate_database``."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config

from service.settings import REPO_ROOT, Settings

MIGRATIONS_DIR = REPO_ROOT / "migrations"


def migrate_database(database_url: str) -> None:
    """Bring the database schema to the latest Alembic revision (idempotent)."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, "head")


@click.command()
def init() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    settings = Settings.from_env()
    migrate_database(settings.database_url)
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    click.echo("Database is up to date.")


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (init,)
