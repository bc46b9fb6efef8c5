"""`apdocs render` produces real DOCX and PDF files as new versions; `apdocs check-template` says
whether a template can be used, exit 0 or 1, naming every problem."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from docx import Document as WordDocument
from pypdf import PdfReader

from service.cli import main
from service.documents.models import Document, DocumentStatus
from service.rules.placement_status import PlacementStatus
from tests import factories

pytestmark = pytest.mark.usefixtures("default_templates")


@pytest.fixture
def cli(app, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APDOCS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", app.config["APDOCS_OUTPUT_DIR"])
    return CliRunner()


def test_render_one_placement_writes_docx_and_pdf(cli, school, provider, tmp_path, db_session):
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Amara", legal_last_name="Nwosu")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE)
    out = tmp_path / "out"
    result = cli.invoke(main, ["render", "support-plan", "--placement", str(placement.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out / f"support-plan-placement-{placement.id}-v1.pdf"
    assert str(pdf) in result.output
    assert "Amara Nwosu" in " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert (out / f"support-plan-placement-{placement.id}-v1.docx").exists()
    document = db_session.scalar(sa.select(Document))
    assert document.status is DocumentStatus.READY


def test_render_all_covers_every_placement_with_the_data(cli, school, provider, tmp_path):
    made = [
        factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider, status=status)
        for status in (PlacementStatus.ACTIVE, PlacementStatus.AGREED, PlacementStatus.REFERRED)
    ]
    draft = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    out = tmp_path / "all"
    result = cli.invoke(main, ["render", "support-plan", "--all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdfs = sorted(path.name for path in out.glob("*.pdf"))
    assert pdfs == sorted(f"support-plan-placement-{p.id}-v1.pdf" for p in made)
    assert f"placement-{draft.id}-" not in result.output


def test_render_needs_a_placement_or_all(cli, tmp_path):
    result = cli.invoke(main, ["render", "support-plan", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "Give either --placement ID or --all" in result.output


def test_check_template_accepts_the_default_and_names_a_broken_tag(cli, default_templates, tmp_path):
    good = cli.invoke(main, ["check-template", str(default_templates / "support_plan.docx"), "--type", "support-plan"])
    assert good.exit_code == 0
    assert "The template is good." in good.output
    word = WordDocument(str(default_templates / "support_plan.docx"))
    word.paragraphs[0].insert_paragraph_before("Hello {{ pupil.display_name } and {{ pupil.shoe_size }}")
    broken = tmp_path / "broken.docx"
    buffer = io.BytesIO()
    word.save(buffer)
    broken.write_bytes(buffer.getvalue())
    bad = cli.invoke(main, ["check-template", str(broken), "--type", "support-plan"])
    assert bad.exit_code == 1
    assert "{{ pupil.display_name }" in bad.output
    assert "cannot be used" in bad.output


def test_render_review_record_writes_docx_and_pdf_of_the_latest_review(cli, school, provider, tmp_path, db_session):
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Amara", legal_last_name="Nwosu")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.UNDER_REVIEW)
    factories.ReviewFactory(placement=placement, number=1, notes="Notes of the first review.")
    latest = factories.ReviewFactory(placement=placement, number=2, notes="Notes of the second review.")
    out = tmp_path / "out"

    result = cli.invoke(main, ["render", "review-record", "--placement", str(placement.id), "--out", str(out)])

    assert result.exit_code == 0, result.output
    pdf = out / f"review-record-placement-{placement.id}-v1.pdf"
    assert str(pdf) in result.output
    assert (out / f"review-record-placement-{placement.id}-v1.docx").exists()
    words = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Amara Nwosu" in words and "Notes of the second review." in words
    assert "Notes of the first review." not in words
    document = db_session.scalar(sa.select(Document))
    assert (document.status, document.review_id) == (DocumentStatus.READY, latest.id)


def test_render_review_record_for_a_placement_without_a_review_says_so(cli, school, provider, tmp_path, db_session):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.ACTIVE
    )

    result = cli.invoke(main, ["render", "review-record", "--placement", str(placement.id), "--out", str(tmp_path)])

    assert result.exit_code == 1
    assert f"Placement {placement.id} has no review yet" in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_render_all_review_records_covers_the_placements_with_a_review(cli, school, provider, tmp_path):
    reviewed = [
        factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider, status=status)
        for status in (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
    ]
    for placement in reviewed:
        factories.ReviewFactory(placement=placement, number=1)
    not_yet = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.ACTIVE
    )
    out = tmp_path / "all"

    result = cli.invoke(main, ["render", "review-record", "--all", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.glob("*.pdf")) == sorted(
        f"review-record-placement-{p.id}-v1.pdf" for p in reviewed
    )
    assert f"placement-{not_yet.id}-" not in result.output


def test_check_template_accepts_the_default_review_record(cli, default_templates):
    result = cli.invoke(
        main, ["check-template", str(default_templates / "review_record.docx"), "--type", "review-record"]
    )

    assert result.exit_code == 0
    assert "The template is good." in result.output
