"""``apdocs check-template`` and ``apdocs render``: check a Word template, and produce documents now."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import click

from service.app import create_app
from service.documents import jobs, services
from service.documents.kinds import NAMES
from service.documents.kinds import check_template as check_kind_template
from service.documents.types import DocumentType
from service.extensions import db
from service.storage import current_storage

DOCUMENT_TYPES = list(NAMES)


@click.command("check-template")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), required=True)
def check_template(path: Path, doc_type: str) -> None:
    """Check a Word template as an upload would: exit 0 when it is good, 1 with every problem when not."""
    problems = check_kind_template(path.read_bytes(), DocumentType(doc_type))
    if problems:
        for problem in problems:
            click.echo(f"- {problem}", err=True)
        click.echo(f"{len(problems)} problem(s): this template cannot be used.", err=True)
        sys.exit(1)
    click.echo("The template is good.")


@click.command()
@click.argument("doc_type", type=click.Choice(DOCUMENT_TYPES))
@click.option("--placement", "placement_id", type=int, help="The placement's number.")
@click.option("--all", "all_placements", is_flag=True, help="Every placement that has the data for this type.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--plain-pdf", is_flag=True, help="Plain PDF instead of PDF/A-2b.")
def render(doc_type: str, placement_id: int | None, all_placements: bool, out_dir: Path, plain_pdf: bool) -> None:
    """Produce documents now (not in the background), store them as new versions, copy them to --out.

    A review record is of the placement's latest review.
    """

    if bool(placement_id) == all_placements:
        raise click.UsageError("Give either --placement ID or --all")
    app = create_app()
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
                    target.write_bytes(current_storage(output_dir).get(relative))
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


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (check_template, render)
