"""What provider staff may open: their access ends when a placement is cancelled, they open only the documents
made for them (the pack, the plan they are asked to sign), and the plan leaves out what the pack leaves out.

The attacks these replay: ``staff@horizon.example`` still opened a cancelled placement at Horizon, and downloaded
every document of a placement it could see, including the plan's SEN, safeguarding and free-school-meals fields
that the SENCO had kept out of the pack.
"""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.pupils.models import SafeguardingStatus, SenStatus
from service.rules.decision import DecisionMaker
from service.rules.placement_status import PlacementStatus
from service.signals import provider_documents
from service.signing.models import SignatureRequest
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import csrf_token, text

pytestmark = pytest.mark.usefixtures("default_templates")


def _stand_in(app, placement, doc_type: DocumentType, version: int = 1, **fields):  # type: ignore[no-untyped-def]
    """A produced document with a file on disk, without LibreOffice (this is about who may open it)."""
    from pathlib import Path

    relative = f"documents/{placement.id}/{doc_type.value}-v{version}.pdf"
    path = Path(app.config["APDOCS_OUTPUT_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 stand-in")
    return factories.DocumentFactory(
        placement=placement,
        doc_type=doc_type,
        version=version,
        status=DocumentStatus.READY,
        pdf_path=relative,
        docx_path=relative,
        **fields,
    )


@pytest.fixture
def cancelled(school, provider):  # type: ignore[no-untyped-def]
    """Referred, then cancelled: the provider saw it once, and its pack was made."""
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Noah", legal_last_name="Fitzgerald")
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.CANCELLED)


def test_provider_staff_lose_a_placement_when_it_is_cancelled(app, as_provider, cancelled, db_session):
    pack = _stand_in(app, cancelled, DocumentType.PROVIDER_PACK)
    for url in (
        f"/placements/{cancelled.id}",
        f"/placements/{cancelled.id}/attendance/week/2026-01-05",
        f"/documents/{pack.id}/pdf",
        f"/documents/{pack.id}/status",
    ):
        response = as_provider.get(url)
        assert response.status_code == 404, url
        assert "Fitzgerald" not in text(response)
    assert "Fitzgerald" not in text(as_provider.get("/"))


def test_provider_staff_open_only_the_pack_and_the_plan_they_are_asked_to_sign(
    app, client, provider_user, commissioner, school, provider, db_session
):
    pupil = factories.PupilFactory(organisation=school)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE)
    review = factories.ReviewFactory(placement=placement, number=1)
    pack = _stand_in(app, placement, DocumentType.PROVIDER_PACK)
    draft_plan = _stand_in(app, placement, DocumentType.SUPPORT_PLAN, 1)
    asked_plan = _stand_in(app, placement, DocumentType.SUPPORT_PLAN, 2)
    review_record = _stand_in(app, placement, DocumentType.REVIEW_RECORD, review_id=review.id)
    end_report = _stand_in(app, placement, DocumentType.END_OF_PLACEMENT_REPORT)
    db_session.add(
        SignatureRequest(
            placement=placement, document=asked_plan, document_sha256="0" * 64, created_by_id=commissioner.id
        )
    )
    db_session.commit()

    sign_in(client, provider_user)
    allowed = {pack.id, asked_plan.id}
    for document in (pack, draft_plan, asked_plan, review_record, end_report):
        expected = 200 if document.id in allowed else 404
        assert client.get(f"/documents/{document.id}/pdf").status_code == expected, document.doc_type
        assert client.get(f"/documents/{document.id}/status").status_code == expected, document.doc_type

    page = text(client.get(f"/placements/{placement.id}"))
    linked = {int(n) for n in re.findall(r'href="/documents/(\d+)/pdf"', page)}
    assert linked == allowed
    assert f"/documents/{review_record.id}/" not in text(client.get(f"/placements/{placement.id}/reviews/1"))

    commissioner_client = browser(app)  # the commissioner still opens everything
    sign_in(commissioner_client, commissioner)
    for document in (pack, draft_plan, asked_plan, review_record, end_report):
        assert commissioner_client.get(f"/documents/{document.id}/pdf").status_code == 200


def test_with_no_answer_to_provider_documents_provider_staff_open_only_the_pack(
    app, client, provider_user, commissioner, school, provider, db_session
):
    pupil = factories.PupilFactory(organisation=school)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE)
    pack = _stand_in(app, placement, DocumentType.PROVIDER_PACK)
    asked_plan = _stand_in(app, placement, DocumentType.SUPPORT_PLAN, 1)
    db_session.add(
        SignatureRequest(
            placement=placement, document=asked_plan, document_sha256="0" * 64, created_by_id=commissioner.id
        )
    )
    db_session.commit()

    sign_in(client, provider_user)
    assert client.get(f"/documents/{asked_plan.id}/pdf").status_code == 200  # signing answers: asked to sign
    with provider_documents.muted():  # as if signing's receivers were not connected: deny by default
        assert client.get(f"/documents/{pack.id}/pdf").status_code == 200
        assert client.get(f"/documents/{asked_plan.id}/pdf").status_code == 404


def _pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def test_the_plan_leaves_out_what_the_pack_leaves_out(app, as_commissioner, school, provider, db_session):
    """Produced for real (docxtpl and LibreOffice): the sections the SENCO keeps from the provider are not in the
    plan the provider reads and signs either, and the plan says they are not shared."""
    pupil = factories.PupilFactory(
        organisation=school,
        sen_status=SenStatus.EHCP,
        safeguarding_status=SafeguardingStatus.CHILD_PROTECTION_PLAN,
        fsm_eligible=True,
    )
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.AGREED,
        decision_maker=DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW,
    )
    plan = factories.SupportPlanFactory(placement=placement, risks="Climbs the perimeter fence when upset")
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
    factories.ProviderPackFactory(placement=placement, withheld=["sen", "safeguarding_status", "fsm", "risks"])

    page = as_commissioner.get(f"/placements/{placement.id}")
    for doc_type in ("support-plan", "provider-pack"):
        as_commissioner.post(
            f"/placements/{placement.id}/documents",
            data={"csrf_token": csrf_token(page), "doc_type": doc_type},
        )
    documents = db_session.scalars(sa.select(Document).where(Document.placement_id == placement.id)).all()
    assert {d.status for d in documents} == {DocumentStatus.READY}, [d.error for d in documents]
    for document in documents:
        words = _pdf_text(as_commissioner.get(f"/documents/{document.id}/pdf").data)
        assert pupil.legal_last_name in words
        for secret in ("Child protection plan", "EHC plan", "EHCP", "Climbs the perimeter fence"):
            assert secret not in words, (document.doc_type, secret)
    [plan_document] = [d for d in documents if d.doc_type is DocumentType.SUPPORT_PLAN]
    words = _pdf_text(as_commissioner.get(f"/documents/{plan_document.id}/pdf").data)
    assert words.count("Not shared with the provider") >= 4  # SEN, safeguarding, free school meals, risks


def test_the_placement_page_keeps_the_sen_status_from_provider_staff_when_the_pack_does(
    as_provider, school, provider, db_session
):
    pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.EHCP)
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.REFERRED,
        decision_maker=DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW,
    )
    factories.ProviderPackFactory(placement=placement, withheld=["sen"])
    body = html.unescape(text(as_provider.get(f"/placements/{placement.id}")))
    assert "Not shared with your organisation" in body
    assert SenStatus.EHCP.label not in body and "EHCP" not in body
