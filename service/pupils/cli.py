"""``apdocs import-pupils``: a MIS CSV export imported from the command line, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa

from service.app import create_app
from service.extensions import db
from service.organisations.models import Organisation
from service.pupils import importer


@click.command("import-pupils")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_name", required=True, help="The organisation importing its pupils.")
def import_pupils(file: Path, organisation_name: str) -> None:
    """Import or update pupils from a MIS CSV export (columns in docs/pupil-import.md). All or nothing."""

    app = create_app()
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            raise click.ClickException("No organisation has that name")
        result = importer.import_pupils(file.read_bytes(), organisation, actor=None)
        if result.errors:
            for error in result.errors:
                click.echo(f"line {error.line}: {error.message}", err=True)
            if result.more_errors:
                click.echo(f"and {result.more_errors:,} more", err=True)
            click.echo(f"{len(result.errors) + result.more_errors:,} problem(s) found: nothing was imported.", err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(f"Imported {result.created} new and updated {result.updated} existing pupils.")


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (import_pupils,)
