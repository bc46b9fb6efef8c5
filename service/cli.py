"""The ``apdocs`` command: set up, load demo data, manage accounts, serve, import pupils."""

from __future__ import annotations

import signal
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
@click.option(
    "--i-know-this-is-not-live",
    "not_live",
    is_flag=True,
    help="Load into a database other than the embedded default (a throwaway test server, say).",
)
def demo(if_empty: bool, not_live: bool) -> None:
    """Load the demo organisations, accounts, pupils, providers and placements, and print the sign-ins.

    Why the guard: the demo accounts share a published password. Loaded into a live installation's empty
    database, they would be a way in for anyone who has read the README. So demo data goes only into the
    embedded default database unless the operator says, in so many words, that the other one is not live.
    """
    from service import demo as demo_data
    from service.demo import world
    from service.extensions import db

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
            if not if_empty:
                click.echo("The database already has data: demo data is only loaded into an empty database.", err=True)
                sys.exit(1)
            click.echo("Demo data already loaded.")
        else:
            demo_data.load()
            db.session.commit()
            click.echo("Demo data loaded.")
            _demo_signed_plan(app)
        click.echo(world.sign_in_help())


def _demo_signed_plan(app: Flask) -> None:
    """One plan signed by everyone and sealed; skipped, with the reason, when LibreOffice cannot run."""
    from service.demo.signing import sign_plan, signed_plan_placement
    from service.documents.converter import ConversionFailed, PoolSettings, soffice_available, uno_python_available

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
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the document worker in this process (the one-machine set-up).",
)
def serve(host: str | None, port: int | None, threads: int, worker: bool) -> None:
    """Serve apdocs with waitress (for more, run gunicorn behind a reverse proxy: see the README)."""
    from waitress import serve as waitress_serve

    settings = Settings.from_env()
    app = create_app(settings)
    host = host or settings.host
    port = port or settings.port
    consumer = None
    if worker:
        from service.documents import jobs

        consumer = jobs.start_embedded_worker(app)
        # Huey's consumer takes over SIGTERM for a run loop we do not use: give it back, so that a
        # service manager's stop ends the server (and, in `finally`, the worker) as Ctrl+C does.
        signal.signal(signal.SIGTERM, _stop_serving)
    click.echo(f"apdocs is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="apdocs")
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def _stop_serving(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--workers", default=None, type=int, help="Threads; defaults to the converter pool size + 1.")
def worker(workers: int | None) -> None:
    """Run the background worker alone (documents and mail; scaled out: one per converter machine, with Redis)."""
    from service.documents import jobs

    consumer = jobs.create_consumer(_app(), workers)
    click.echo("apdocs document worker started (Ctrl+C to stop)")
    consumer.run()


@main.command("send-packs")
@click.option("--today", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help="Defaults to today.")
def send_packs(today: object) -> None:
    """Send the provider packs whose send date has come (the worker does this every hour by itself)."""
    from service.provider_packs.jobs import send_due_packs_now

    app = _app()
    from service.documents import jobs

    jobs.configure(app)
    with app.app_context():
        count = send_due_packs_now(today.date() if today is not None else None)  # type: ignore[attr-defined]
    click.echo(f"{count} provider pack(s) sent")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Check a sealed PDF: exit 0 when it is intact and sealed by this installation, 1 when not. Says which
    placement and version it is, and who signed, from this installation's database."""
    from service.signing import verification
    from service.signing.sealing import SealingError

    app = _app()
    with app.app_context():
        try:
            result = verification.check(file.read_bytes(), everything=True)
        except SealingError as error:
            raise click.ClickException(error.message) from error
        for line in verification.describe(result):
            click.echo(line)
    if not result.verification.ok:
        sys.exit(1)


DOCUMENT_TYPES = ["support-plan", "review-record", "provider-pack", "end-of-placement-report"]


@main.command("check-template")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), required=True)
def check_template(path: Path, doc_type: str) -> None:
    """Check a Word template as an upload would: exit 0 when it is good, 1 with every problem when not."""
    from service.documents.rendering import check_template as check
    from service.documents.types import DocumentType

    problems = check(path.read_bytes(), DocumentType(doc_type))
    if problems:
        for problem in problems:
            click.echo(f"- {problem}", err=True)
        click.echo(f"{len(problems)} problem(s): this template cannot be used.", err=True)
        sys.exit(1)
    click.echo("The template is good.")


@main.command()
@click.argument("doc_type", type=click.Choice(DOCUMENT_TYPES))
@click.option("--placement", "placement_id", type=int, help="The placement's number.")
@click.option("--all", "all_placements", is_flag=True, help="Every placement that has the data for this type.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--plain-pdf", is_flag=True, help="Plain PDF instead of PDF/A-2b.")
def render(doc_type: str, placement_id: int | None, all_placements: bool, out_dir: Path, plain_pdf: bool) -> None:
    """Produce documents now (not in the background), store them as new versions, copy them to --out.

    A review record is of the placement's latest review.
    """
    import shutil
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from service.documents import jobs, services
    from service.documents.types import DocumentType
    from service.extensions import db

    if bool(placement_id) == all_placements:
        raise click.UsageError("Give either --placement ID or --all")
    app = _app()
    kind = DocumentType(doc_type)
    output_dir = Path(app.config["APDOCS_OUTPUT_DIR"])
    with app.app_context():
        ids = services.placements_with_data_for(kind) if all_placements else [placement_id]
        if not ids or ids == [None]:
            raise click.ClickException("No placement has the data for this document")
        document_ids = []
        for pid in ids:
            placement = services.placement_by_id(pid)
            if placement is None:
                raise click.ClickException(f"There is no placement {pid}")
            review = None
            if kind in services.PER_REVIEW_TYPES:
                review = services.latest_review(placement)
                if review is None:
                    raise click.ClickException(f"Placement {pid} has no review yet, so it has no {kind.label}")
            try:
                document_ids.append(
                    services.request_document(None, placement, kind, output_dir, pdf_a=not plain_pdf, review=review).id
                )
            except ValueError as error:
                raise click.ClickException(str(error)) from error
        db.session.commit()
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = jobs.converter_pool()

    def make(document_id: int) -> tuple[int, str, list[Path]]:
        with app.app_context():
            document = services.produce(document_id, pool, output_dir)
            copied = []
            if document.error == "":
                for relative in (document.docx_path, document.pdf_path):
                    target = out_dir / Path(relative).name
                    shutil.copyfile(output_dir / relative, target)
                    copied.append(target)
            return document.id, document.error, copied

    failures = 0
    with ThreadPoolExecutor(max_workers=jobs.worker_threads(pool.settings.size)) as executor:
        futures = [executor.submit(make, document_id) for document_id in document_ids]
        with click.progressbar(length=len(futures), label="Producing", file=sys.stderr) as bar:
            for future in as_completed(futures):
                document_id, error, copied = future.result()
                for path in copied:
                    click.echo(str(path))
                if error:
                    failures += 1
                    click.echo(f"document {document_id} failed: {error}", err=True)
                bar.update(1)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
