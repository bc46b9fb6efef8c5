"""A commissioner asks for the AP Support Plan and gets it as DOCX and PDF, through the real engine:
docxtpl, the warm LibreOffice pool, the job queue, versioned storage, scoped and audited downloads."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document as WordDocument
from pypdf import PdfReader

from service.audit.models import AuditEvent
from service.db import utcnow
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from service.signing.models import SignatureRequest
from tests import factories
from tests.helpers import csrf_token, text

HOSTILE = 'Tom & Jerry <script>alert(1)</script> "quoted" it\'s 😀 مرحبا بالعالم'

pytestmark = pytest.mark.usefixtures("default_templates")


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(
        organisation=school, legal_first_name="Zoë", legal_last_name="O'Brien-Smith", preferred_name="Zo"
    )
    return factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.AGREED,
        reason_for_referral=f"First line\n{HOSTILE}\n\nThird paragraph",
    )


def _produce(client, placement_id: int):  # type: ignore[no-untyped-def]
    page = client.get(f"/placements/{placement_id}")
    return client.post(
        f"/placements/{placement_id}/documents",
        data={"csrf_token": csrf_token(page), "doc_type": "support-plan"},
        follow_redirects=True,
    )


def _pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def test_support_plan_is_produced_and_downloadable_as_pdf_and_docx(as_commissioner, placement, db_session, app):
    page = _produce(as_commissioner, placement.id)
    assert "AP Support Plan, version 1 is being made" in text(page)
    document = db_session.scalar(sa.select(Document))
    assert document.status is DocumentStatus.READY, document.error
    assert document.version == 1
    assert "Ready" in text(as_commissioner.get(f"/placements/{placement.id}"))

    pdf = as_commissioner.get(f"/documents/{document.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == document.pdf_sha256
    words = _pdf_text(pdf.data)
    assert "Zo O'Brien-Smith" in words or "Zo O’Brien-Smith" in words
    assert "Tom & Jerry <script>alert(1)</script>" in words
    assert "مرحبا" in words or "ابحرم" in words  # right-to-left text survives (extraction may reverse it)
    assert "OFFICIAL-SENSITIVE" in words

    docx = as_commissioner.get(f"/documents/{document.id}/docx")
    assert docx.status_code == 200
    paragraphs = [p.text for p in WordDocument(io.BytesIO(docx.data)).paragraphs]
    cells = [c.text for t in WordDocument(io.BytesIO(docx.data)).tables for r in t.rows for c in r.cells]
    assert any(HOSTILE in chunk for chunk in paragraphs + cells)
    assert "placement" in docx.headers["Content-Disposition"]
    assert "Zo" not in docx.headers["Content-Disposition"]  # no personal data in file names


def test_regenerating_makes_a_new_version_and_keeps_the_old(as_commissioner, placement, db_session):
    _produce(as_commissioner, placement.id)
    _produce(as_commissioner, placement.id)
    versions = db_session.scalars(sa.select(Document).order_by(Document.version)).all()
    assert [d.version for d in versions] == [1, 2]
    assert all(d.status is DocumentStatus.READY for d in versions)
    assert versions[0].pdf_path != versions[1].pdf_path
    assert as_commissioner.get(f"/documents/{versions[0].id}/pdf").status_code == 200


def test_downloads_are_scoped_and_audited(
    app, client, placement, db_session, commissioner, other_commissioner, provider_user, viewer
):
    from tests.conftest import browser, sign_in

    sign_in(client, commissioner)
    _produce(client, placement.id)
    document = db_session.scalar(sa.select(Document))
    # The provider opens a plan version once it is asked to sign it (docs/access.md), not before.
    expected = {other_commissioner: 404, viewer: 403, provider_user: 404}
    for person, status in expected.items():
        their_browser = browser(app)
        sign_in(their_browser, person)
        assert their_browser.get(f"/documents/{document.id}/pdf").status_code == status, person.name
        assert their_browser.get(f"/documents/{document.id}/status").status_code == status, person.name
    db_session.add(
        SignatureRequest(
            placement_id=placement.id,
            document=document,
            document_sha256=document.pdf_sha256,
            created_by_id=commissioner.id,
        )
    )
    db_session.commit()
    assert their_browser.get(f"/documents/{document.id}/pdf").status_code == 200
    downloads = db_session.scalars(sa.select(AuditEvent.user_id).where(AuditEvent.action == "download")).all()
    assert downloads == [provider_user.id]


def test_status_json_offers_links_when_ready(as_commissioner, placement, db_session):
    _produce(as_commissioner, placement.id)
    document = db_session.scalar(sa.select(Document))
    state = as_commissioner.get(f"/documents/{document.id}/status").get_json()
    assert state["finished"] is True
    assert state["status"] == "ready"
    assert state["pdf_url"].endswith(f"/documents/{document.id}/pdf")


def test_a_failed_document_says_why_and_can_be_tried_again(as_commissioner, placement, db_session, app):
    _produce(as_commissioner, placement.id)
    document = db_session.scalar(sa.select(Document))
    stored_template = Path(app.config["APDOCS_OUTPUT_DIR"]) / "templates" / f"{document.template_sha256}.docx"
    good = stored_template.read_bytes()
    stored_template.write_bytes(b"not a word file")
    _produce(as_commissioner, placement.id)
    failed = db_session.scalar(sa.select(Document).where(Document.version == 2))
    assert failed.status is DocumentStatus.FAILED
    assert failed.error
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "Try again" in page
    stored_template.write_bytes(good)
    as_commissioner.post(
        f"/documents/{failed.id}/retry",
        data={"csrf_token": csrf_token(as_commissioner.get(f"/placements/{placement.id}"))},
    )
    db_session.expire_all()
    assert db_session.get(Document, failed.id).status is DocumentStatus.READY


def test_documents_a_dead_worker_left_in_progress_are_queued_again_or_failed(app, placement, db_session):
    from service.documents import jobs

    an_hour_ago = utcnow() - timedelta(hours=1)
    stuck = factories.DocumentFactory(
        placement=placement, status=DocumentStatus.CONVERTING, attempts=1, started_at=an_hour_ago
    )
    hopeless = factories.DocumentFactory(
        placement=placement, status=DocumentStatus.RENDERING, attempts=3, started_at=an_hour_ago
    )
    recent = factories.DocumentFactory(
        placement=placement, status=DocumentStatus.CONVERTING, attempts=1, started_at=utcnow()
    )
    assert jobs.stalled_document_ids() == [stuck.id]
    db_session.expire_all()
    assert db_session.get(Document, stuck.id).status is DocumentStatus.QUEUED
    assert db_session.get(Document, hopeless.id).status is DocumentStatus.FAILED
    assert "worker stopped" in db_session.get(Document, hopeless.id).error
    assert db_session.get(Document, recent.id).status is DocumentStatus.CONVERTING


def test_only_commissioners_of_the_placement_can_ask_for_documents(
    app, client, placement, provider_user, other_commissioner, db_session
):
    from tests.conftest import browser, sign_in

    for person, status in ((provider_user, 403), (other_commissioner, 404)):
        their_browser = browser(app)
        sign_in(their_browser, person)
        page = their_browser.get("/")
        response = their_browser.post(
            f"/placements/{placement.id}/documents", data={"csrf_token": csrf_token(page), "doc_type": "support-plan"}
        )
        assert response.status_code == status
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_an_unexpected_fault_still_ends_as_a_failed_document_with_a_reason(app, placement, db_session):
    """Never left "in progress": a bug of ours ends the row as failed, saying what to do."""
    from service.documents import jobs, services

    class BrokenRenderer:
        def render(self, template, context):  # type: ignore[no-untyped-def]
            raise KeyError("a bug, with a message that might hold personal data")

    output = Path(app.config["APDOCS_OUTPUT_DIR"])
    document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
    db_session.commit()
    services.produce(document.id, jobs.converter_pool(), output, renderer=BrokenRenderer())
    db_session.expire_all()
    failed = db_session.get(Document, document.id)
    assert failed.status is DocumentStatus.FAILED
    assert "Try again" in failed.error
    assert "personal data" not in failed.error
