"""The ``apdocs`` command: set up, load demo data, manage accounts, serve, import pupils."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from service import create_app
from service.settings import REPO_ROOT, Settings

MIGRATIONS_DIR = REPO_ROOT / "migrations"


def _app() -> Flask:
    return create_app(Settings.from_env())


def migrate_database(database_url: str) -> None:
    """Bring the database schema to the latest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, "head")


@click.group()
def main() -> None:
    """apdocs: alternative provision placements, documented."""


@main.command()
def init() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    settings = Settings.from_env()
    migrate_database(settings.database_url)
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    click.echo("Database is up to date.")


@main.command()
@click.option("--if-empty", is_flag=True, help="Load only if the database has no organisations yet.")
def demo(if_empty: bool) -> None:
    """Load the demo organisations, accounts, pupils, providers and placements, and print the sign-ins."""
    from service import demo as demo_data
    from service.extensions import db

    app = _app()
    with app.app_context():
        if demo_data.has_any_organisation():
            if not if_empty:
                click.echo("The database already has data: demo data is only loaded into an empty database.", err=True)
                sys.exit(1)
            click.echo("Demo data already loaded.")
        else:
            demo_data.load()
            db.session.commit()
            click.echo("Demo data loaded.")
        click.echo(demo_data.sign_in_help())


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "commissioner", "provider_staff", "viewer"]), required=True)
@click.option("--organisation", "organisation_name", required=True, help="Name of an existing organisation.")
@click.option(
    "--create-organisation",
    type=click.Choice(["school", "local_authority", "provider"]),
    help="Create the organisation with this kind if it does not exist.",
)
@click.password_option()
def create_user(
    email: str, name: str, role: str, organisation_name: str, create_organisation: str | None, password: str
) -> None:
    """Create an account (for the first admin of a new organisation, for example)."""
    import sqlalchemy as sa

    from service.auth import services as accounts
    from service.auth.models import Role
    from service.auth.services import MIN_PASSWORD_LENGTH
    from service.extensions import db
    from service.organisations.models import Organisation, OrganisationKind

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password must be at least {MIN_PASSWORD_LENGTH} characters")
    app = _app()
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            if not create_organisation:
                raise click.ClickException("No organisation has that name; add --create-organisation KIND")
            organisation = Organisation(name=organisation_name, kind=OrganisationKind(create_organisation))
            db.session.add(organisation)
            db.session.flush()
        try:
            user = accounts.create_user(
                organisation, accounts.AccountDetails(name=name, email=email, role=Role(role), password=password), None
            )
        except accounts.AccountError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo(f"Created account {user.id} ({user.role.label}) in {organisation.name}.")


@main.command("import-pupils")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_name", required=True, help="The organisation importing its pupils.")
def import_pupils(file: Path, organisation_name: str) -> None:
    """Import or update pupils from a MIS CSV export (columns in docs/pupil-import.md). All or nothing."""
    import sqlalchemy as sa

    from service.extensions import db
    from service.organisations.models import Organisation
    from service.pupils import importer

    app = _app()
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            raise click.ClickException("No organisation has that name")
        result = importer.import_pupils(file.read_bytes(), organisation, actor=None)
        if result.errors:
            for error in result.errors:
                click.echo(f"line {error.line}: {error.message}", err=True)
            click.echo(f"{len(result.errors)} problem(s) found: nothing was imported.", err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(f"Imported {result.created} new and updated {result.updated} existing pupils.")


@main.command()
@click.option("--host", default=None, help="Defaults to APDOCS_HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Defaults to APDOCS_PORT (5000).")
@click.option("--threads", default=8, show_default=True)
def serve(host: str | None, port: int | None, threads: int) -> None:
    """Serve apdocs with waitress (for more, run gunicorn behind a reverse proxy: see the README)."""
    from waitress import serve as waitress_serve

    settings = Settings.from_env()
    app = create_app(settings)
    host = host or settings.host
    port = port or settings.port
    click.echo(f"apdocs is running at http://{host}:{port}/  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="apdocs")


if __name__ == "__main__":
    main()
