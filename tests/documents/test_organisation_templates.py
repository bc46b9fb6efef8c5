"""An admin uploads their organisation's own support plan template: a good one is used for new
documents, a bad one is refused with every problem named and nothing changes."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from docx import Document as WordDocument
from pypdf import PdfReader

from service.documents.models import Document, DocumentStatus, DocumentTemplate
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import csrf_token, text

pytestmark = pytest.mark.usefixtures("default_templates")


def _template_with(default_templates, paragraph: str) -> bytes:  # type: ignore[no-untyped-def]
    """The default support plan with one more paragraph, as an admin would edit it in Word."""
    word = WordDocument(str(default_templates / "support_plan.docx"))
    word.paragraphs[0].insert_paragraph_before(paragraph)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "northbridge-plan.docx"):  # type: ignore[no-untyped-def]
    page = client.get("/templates")
    return client.post(
        "/templates",
        data={"csrf_token": csrf_token(page), "doc_type": "support-plan", "template": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _produce_pdf_text(app, commissioner, placement_id: int) -> tuple[Document, str]:  # type: ignore[no-untyped-def]
    from service.extensions import db

    senco = browser(app)
    sign_in(senco, commissioner)
    page = senco.get(f"/placements/{placement_id}")
    senco.post(
        f"/placements/{placement_id}/documents", data={"csrf_token": csrf_token(page), "doc_type": "support-plan"}
    )
    document = db.session.scalars(sa.select(Document).order_by(Document.id.desc())).first()
    assert document.status is DocumentStatus.READY, document.error
    pdf = senco.get(f"/documents/{document.id}/pdf").data
    return document, " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )


def test_good_template_is_used_for_new_documents(app, as_admin, commissioner, placement, default_templates):
    response = _upload(as_admin, _template_with(default_templates, "Northbridge Academy letterhead"))
    assert response.status_code == 302
    assert "northbridge-plan.docx" in text(as_admin.get("/templates"))
    document, words = _produce_pdf_text(app, commissioner, placement.id)
    assert document.template_name == "northbridge-plan.docx"
    assert "Northbridge Academy letterhead" in words


def test_broken_template_is_refused_with_its_tag_named_and_nothing_changes(
    app, as_admin, commissioner, placement, default_templates, db_session
):
    response = _upload(
        as_admin, _template_with(default_templates, "Dear {{ pupil.display_name } and {{ pupil.shoe_size }}")
    )
    body = text(response)
    assert response.status_code == 200
    assert "This template cannot be used" in body
    assert "{{ pupil.display_name }" in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0
    document, _ = _produce_pdf_text(app, commissioner, placement.id)
    assert document.template_name == "support_plan.docx"


def test_unknown_field_is_named(as_admin, default_templates, db_session):
    body = text(_upload(as_admin, _template_with(default_templates, "Shoe size: {{ pupil.shoe_size }}")))
    assert "pupil.shoe_size" in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0


def test_a_file_that_is_not_a_word_document_is_refused(as_admin, db_session):
    body = text(_upload(as_admin, b"%PDF-1.7 this is a pdf", name="plan.docx"))
    assert "This is not a Word .docx file" in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0


def test_going_back_to_the_default(app, as_admin, commissioner, placement, default_templates):
    _upload(as_admin, _template_with(default_templates, "Custom heading"))
    page = as_admin.get("/templates")
    as_admin.post("/templates/default/support-plan", data={"csrf_token": csrf_token(page)})
    document, words = _produce_pdf_text(app, commissioner, placement.id)
    assert document.template_name == "support_plan.docx"
    assert "Custom heading" not in words


def test_templates_are_for_own_organisation_admins_only(
    app, as_admin, other_school, commissioner, default_templates, db_session
):
    _upload(as_admin, _template_with(default_templates, "Ours"))
    ours = db_session.scalar(sa.select(DocumentTemplate))
    other_admin = factories.UserFactory(organisation=other_school, role=factories.Role.ADMIN)
    theirs = browser(app)
    sign_in(theirs, other_admin)
    assert "Ours" not in text(theirs.get("/templates"))
    page = theirs.get("/templates")
    assert theirs.post(f"/templates/{ours.id}/use", data={"csrf_token": csrf_token(page)}).status_code == 404
    senco = browser(app)
    sign_in(senco, commissioner)
    assert senco.get("/templates").status_code == 403


def test_admin_can_download_the_default_to_start_from(as_admin, default_templates):
    response = as_admin.get("/templates/default/support-plan")
    assert response.status_code == 200
    assert response.data == (default_templates / "support_plan.docx").read_bytes()
