"""``apdocs demo``: load the demo data into an empty database that is not live, and print the sign-ins."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask

from service import demo as demo_data
from service.app import create_app
from service.demo import scale, world
from service.demo.signing import sign_plan, signed_plan_placement
from service.documents.engine.converter import ConversionFailed, PoolSettings, soffice_available, uno_python_available
from service.extensions import db
from service.settings import Settings


@click.command()
@click.option("--if-empty", is_flag=True, help="Load only if the database has no organisations yet.")
@click.option(
    "--i-know-this-is-not-live",
    "not_live",
    is_flag=True,
    help="Load into a database other than the embedded default (a throwaway test server, say).",
)
@click.option(
    "--scale",
    "scale_placements",
    type=click.IntRange(min=scale.MINIMUM),
    default=None,
    metavar="N",
    help="Also add an LA-sized caseload of N placements to Westshire (about 200 marks each), for the bench.",
)
def demo(if_empty: bool, not_live: bool, scale_placements: int | None) -> None:
    """Load the demo organisations, accounts, pupils, providers and placements, and print the sign-ins.

    Why the guard: the demo accounts share a published password. Loaded into a live installation's empty
    database, they would be a way in for anyone who has read the README. So demo data goes only into the
    embedded default database unless the operator says, in so many words, that the other one is not live.

    ``--scale N`` loads the demo first when the database is empty, then adds N placements' caseload to the demo's
    LA team (``service.demo.scale``): once; a second time is refused, since a second batch would change the size
    the bench reports.
    """
    settings = Settings.from_env()
    if not settings.uses_embedded_database and not not_live:
        message = (
            "Not loading demo data: APDOCS_DATABASE_URL points at a database other than the embedded default, "
            "and the demo accounts share a published password. Create the first account with "
            "`apdocs create-user`, or, for a database that is not live, run `apdocs demo --i-know-this-is-not-live`."
        )
        click.echo(message, err=True)
        sys.exit(0 if if_empty else 1)  # `make run` goes on to serve the empty installation
    app = create_app(settings)
    with app.app_context():
        if world.has_any_organisation():
            if scale_placements is not None:
                _add_caseload(scale_placements)
                return
            if not if_empty:
                click.echo("The database already has data: demo data is only loaded into an empty database.", err=True)
                sys.exit(1)
            click.echo("Demo data already loaded.")
        else:
            demo_data.load()
            db.session.commit()
            click.echo("Demo data loaded.")
            _demo_signed_plan(app)
            if scale_placements is not None:
                _add_caseload(scale_placements)
        click.echo(world.sign_in_help())


def _add_caseload(placements: int) -> None:
    """Add the LA-sized caseload and say what was added and how long it took; exit 1, with why, when refused."""
    started = time.perf_counter()
    try:
        result = scale.add_caseload(placements)
    except (scale.AlreadyScaled, scale.NoDemo) as refused:
        db.session.rollback()
        click.echo(str(refused), err=True)
        sys.exit(1)
    db.session.commit()
    counts = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in result.counts.items())
    click.echo(f"Added to {scale.LA_NAME} in {time.perf_counter() - started:.1f} s: {counts}.")


def _demo_signed_plan(app: Flask) -> None:
    """One plan signed by everyone and sealed; skipped, with the reason, when LibreOffice cannot run."""
    settings = PoolSettings.from_env()
    if not (soffice_available(settings) and uno_python_available(settings)):
        click.echo("LibreOffice is not installed: the demo has no signed plan (make run installs it).", err=True)
        return
    placement, senco = signed_plan_placement()
    try:
        sealed = sign_plan(placement, senco, Path(app.config["APDOCS_OUTPUT_DIR"]))
    except (ConversionFailed, RuntimeError, OSError) as error:
        click.echo(f"The demo's signed plan could not be made ({type(error).__name__}).", err=True)
        return
    click.echo(f"Signed and sealed: {sealed.title} of placement AP-{placement.id} ({placement.pupil.display_name}).")


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (demo,)
