"""What every provider pack must carry, through the real pages and the real PDF (docxtpl and LibreOffice).

The safeguarding status, the risks and the SEN go unless the SENCO records why the provider does not need
one; the pack says that only the home school can exclude the pupil and, from Year 8, that the pupil is entitled
to careers guidance; and a pack never goes without the school's child-protection expectations and concern
procedure.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.audit.models import AuditEvent
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.mail.models import OutboxMessage
from service.provider_packs.jobs import send_due_packs_now
from service.provider_packs.models import ProviderPack
from service.provider_packs.services import send_date
from service.pupils.models import SenStatus
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import csrf_token, form_data, text
from tests.provider_packs.test_pack_pages import FIELDS

pytestmark = pytest.mark.usefixtures("default_templates")

SEN_TEXT = "Dyslexia: needs instructions given one at a time."
REASON = "The provider teaches one practical course; the EHCP is reviewed next month and will be shared then."


def _pdf_words(data: bytes) -> str:
    words = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", html.unescape(words))


def _outbox(db_session, placement_id: int) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.placement_id == placement_id)).all()


def _pack_documents(db_session, placement_id: int) -> list[Document]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(
        sa.select(Document).where(
            Document.placement_id == placement_id, Document.doc_type == DocumentType.PROVIDER_PACK
        )
    ).all()


def _produce_pack_pdf(client, db_session, placement_id: int) -> str:  # type: ignore[no-untyped-def]
    """Produce the pack from the placement page, as a SENCO does, and read the PDF LibreOffice made."""
    page = client.get(f"/placements/{placement_id}")
    client.post(
        f"/placements/{placement_id}/documents", data={"csrf_token": csrf_token(page), "doc_type": "provider-pack"}
    )
    [document] = _pack_documents(db_session, placement_id)
    assert document.status is DocumentStatus.READY, document.error
    return _pdf_words(client.get(f"/documents/{document.id}/pdf").data)


# -- no pack without the child-protection expectations and the concern procedure ----------------------


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("concern_procedure", "concern procedure (how a provider raises a concern about a pupil) is not recorded"),
        (
            "child_protection_expectations",
            "child-protection expectations (what you expect of a provider on child protection) are not recorded",
        ),
    ],
)
def test_a_pack_cannot_be_sent_without_the_procedure_and_nothing_is_queued(
    app, as_commissioner, placement, school, db_session, setting, message
):
    setattr(school, setting, "  ")
    db_session.commit()
    preview = as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview")
    body = html.unescape(text(preview))
    assert message in body and "Organisation settings" in body
    assert "Send the pack now" not in body
    # A hand-made post is refused too, with the same message, and nothing is produced or queued.
    response = as_commissioner.post(
        f"/placements/{placement.id}/provider-pack/send", data=form_data(preview, {}), follow_redirects=True
    )
    assert message in html.unescape(text(response))
    assert _outbox(db_session, placement.id) == []
    assert _pack_documents(db_session, placement.id) == []
    # Nor does the scheduler send it on its send date.
    with app.app_context():
        assert send_due_packs_now(send_date(placement)) == 0
    assert _outbox(db_session, placement.id) == []


# -- safeguarding status, risks and SEN go unless a reason is recorded -------------------------------


@pytest.mark.parametrize("section", ["sen", "risks", "safeguarding_status"])
def test_keeping_a_required_section_out_without_a_reason_is_refused(as_commissioner, placement, db_session, section):
    url = f"/placements/{placement.id}/provider-pack"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, {**FIELDS, "withheld": [section, "medical"]}))
    assert response.status_code == 400
    body = html.unescape(text(response))
    assert "Say why the provider does not need" in body
    assert f'href="#reason_{section}"' in body  # the error summary links to the reason, next to it
    assert FIELDS["literacy"] in body and 'value="medical" checked' in body  # nothing typed is lost
    db_session.expire_all()
    pack = db_session.scalar(sa.select(ProviderPack).where(ProviderPack.placement_id == placement.id))
    assert pack.withheld == [] and pack.send_needs == SEN_TEXT  # the saved pack is unchanged


def test_with_a_reason_sen_is_kept_out_and_the_pdf_says_it_was_withheld(as_commissioner, placement, school, db_session):
    placement.pupil.sen_status = SenStatus.EHCP
    db_session.commit()
    url = f"/placements/{placement.id}/provider-pack"
    fields = {**FIELDS, "send_needs": SEN_TEXT, "withheld": ["sen"], "reason_sen": REASON}
    response = as_commissioner.post(url, data=form_data(as_commissioner.get(url), fields))
    assert response.status_code == 302, text(response)
    db_session.expire_all()
    pack = db_session.scalar(sa.select(ProviderPack).where(ProviderPack.placement_id == placement.id))
    assert pack.withheld == ["sen"] and pack.withheld_reasons == {"sen": REASON}
    [event] = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "keep_out")).all()
    assert (event.entity_type, event.entity_id, event.detail) == ("provider_pack", placement.id, {"section": "sen"})
    assert REASON not in str(event.detail)  # the audit names the section; the reason lives on the pack
    # The SENCO sees what was kept out and why, on the pack's pages.
    for page in (url, f"{url}/preview"):
        assert REASON in html.unescape(text(as_commissioner.get(page))), page

    words = _produce_pack_pdf(as_commissioner, db_session, placement.id)
    assert "Dyslexia" not in words and "EHC plan" not in words
    assert f"Withheld by {school.name}" in words
    assert REASON not in words  # the reason is the school's own record, not the provider's
    assert f"Only {school.name}, the pupil's home school, can suspend or permanently exclude" in words


def test_a_pack_keeping_a_section_out_without_a_reason_cannot_be_sent(as_commissioner, placement, db_session):
    """A pack saved before reasons were asked for, or changed outside the form, is held until one is recorded."""
    placement.provider_pack.withheld = ["risks"]
    db_session.commit()
    preview = html.unescape(text(as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview")))
    assert "keeps out Risks (from the support plan) without saying why" in preview
    assert "Send the pack now" not in preview


# -- what the pack says: exclusion and careers guidance -----------------------------------------------


@pytest.mark.parametrize(
    ("born", "year", "careers"),
    [(date(2013, 3, 14), "Year 9", True), (date(2015, 3, 14), "Year 7", False)],
)
def test_the_pack_says_who_can_exclude_and_from_year_8_the_careers_entitlement(
    as_commissioner, school, provider, contact, db_session, born, year, careers
):
    pupil = factories.PupilFactory(organisation=school, date_of_birth=born)
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.AGREED,
        planned_start=date(2027, 6, 4),
        planned_end=date(2027, 7, 16),  # the year group the pupil reaches by the end decides
    )
    factories.SupportPlanFactory(placement=placement)
    factories.ProviderPackFactory(placement=placement)
    words = _produce_pack_pdf(as_commissioner, db_session, placement.id)
    assert year in words
    assert f"Only {school.name}, the pupil's home school, can suspend or permanently exclude" in words
    assert ("careers guidance" in words) is careers
    preview = html.unescape(text(as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview")))
    assert ("careers guidance" in preview) is careers
