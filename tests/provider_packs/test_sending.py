"""Sending the pack for real: the document made by docxtpl and LibreOffice, the email delivered to a real SMTP
server on loopback. The provider gets exactly the stored PDF, attached or by a link that expires; the subject
never names the pupil; the scheduler sends on the send date, once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.files import sha256_of
from service.mail.models import MessageStatus, OutboxMessage
from service.provider_packs.jobs import send_due_packs_now
from service.provider_packs.services import send_date
from service.rules.delivery import MailDelivery
from tests.helpers import form_data, text

pytestmark = pytest.mark.usefixtures("default_templates")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _send(client, placement_id: int):  # type: ignore[no-untyped-def]
    preview = client.get(f"/placements/{placement_id}/provider-pack/preview")
    assert "Send the pack now" in text(preview)
    return client.post(f"/placements/{placement_id}/provider-pack/send", data=form_data(preview, {}))


def _pack_message(db_session, placement_id: int) -> OutboxMessage:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.placement_id == placement_id, OutboxMessage.purpose == "provider_pack"
        )
    ).one()


def test_the_pack_arrives_with_the_stored_pdf_attached(app, smtp, as_commissioner, placement, school, db_session):
    school.mail_delivery = MailDelivery.ATTACH
    placement.provider_pack.withheld = ["medical"]
    db_session.commit()
    assert _send(as_commissioner, placement.id).status_code == 302
    message = _pack_message(db_session, placement.id)
    assert message.status is MessageStatus.SENT, message.last_error
    [received] = smtp.messages()
    assert received.rcpt_tos == ["placements@provider.example"]
    email = received.email
    assert "Ellie" not in email["Subject"] and "Example" not in email["Subject"]
    assert "Eleanor" not in email.get_body(("plain",)).get_content()
    [attachment] = [part for part in email.iter_attachments()]
    data = attachment.get_content()
    document = db_session.scalars(sa.select(Document).where(Document.doc_type == DocumentType.PROVIDER_PACK)).one()
    assert document.status is DocumentStatus.READY
    assert sha256_of(data) == document.pdf_sha256
    pdf = _pdf_text(data)
    assert "Ellie Example" in pdf
    assert "OFFICIAL-SENSITIVE" in pdf
    assert "Asthma" not in pdf  # the medical section was kept out
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "Sent" in page


def test_outside_a_trusted_domain_the_pack_goes_as_a_link_that_expires(
    app,
    smtp,
    as_commissioner,
    placement,
    school,
    db_session,
    client,
):
    school.mail_delivery = MailDelivery.LINK_OUTSIDE_TRUSTED
    school.trusted_domains = "northbridge.sch.uk"
    db_session.commit()
    _send(as_commissioner, placement.id)
    [received] = smtp.messages()
    email = received.email
    assert list(email.iter_attachments()) == []
    body = email.get_body(("plain",)).get_content()
    [url] = re.findall(r"https://apdocs\.example(/shared/[A-Za-z0-9_-]+)", body)
    document = db_session.scalars(sa.select(Document).where(Document.doc_type == DocumentType.PROVIDER_PACK)).one()
    download = client.get(url + "/pdf")
    assert download.status_code == 200
    assert sha256_of(download.data) == document.pdf_sha256
    from service.mail import links

    token = url.rsplit("/", 1)[1]
    later = links.find_link(token).expires_at + timedelta(seconds=1)
    assert links.open_link(token, now=later) is None


def test_a_trusted_provider_gets_it_attached_even_in_link_mode(
    app, smtp, as_commissioner, placement, school, db_session
):
    school.mail_delivery = MailDelivery.LINK_OUTSIDE_TRUSTED
    school.trusted_domains = "provider.example"
    db_session.commit()
    _send(as_commissioner, placement.id)
    [received] = smtp.messages()
    assert len(list(received.email.iter_attachments())) == 1


def test_the_scheduler_sends_on_the_send_date_and_only_once(app, smtp, placement, db_session):
    due = send_date(placement)
    with app.app_context():
        assert send_due_packs_now(due - timedelta(days=1)) == 0
        assert smtp.messages() == []
        assert send_due_packs_now(due) == 1
        assert send_due_packs_now(due) == 0  # a second run, or a second worker, finds it sent
        assert send_due_packs_now(due + timedelta(days=1)) == 0
    assert len(smtp.messages()) == 1
    assert _pack_message(db_session, placement.id).status is MessageStatus.SENT


def test_the_scheduler_leaves_a_pack_that_cannot_go(app, smtp, placement, contact, db_session):
    contact.email = ""
    db_session.commit()
    with app.app_context():
        assert send_due_packs_now(send_date(placement)) == 0
    assert smtp.messages() == []


def test_a_server_that_is_down_leaves_the_pack_failed_on_the_dashboard(
    app, smtp_server, as_commissioner, placement, db_session
):
    app.config.update(
        APDOCS_SMTP_HOST="127.0.0.1", APDOCS_SMTP_PORT=1, APDOCS_SMTP_SECURITY="none", APDOCS_MAIL_MAX_ATTEMPTS=1
    )
    _send(as_commissioner, placement.id)
    message = _pack_message(db_session, placement.id)
    assert message.status is MessageStatus.FAILED
    assert message.last_error
    dashboard = text(as_commissioner.get("/"))
    assert "Not sent, or may have been sent: a person must check" in dashboard
    assert f"/outbox/{message.id}" in dashboard


def test_an_email_waiting_for_its_pdf_goes_as_soon_as_the_pdf_is_ready(app, smtp, placement, db_session):
    """In production the PDF and the email are two jobs; the email may run first. It waits, without
    counting an attempt, and goes the moment the document is ready, not at the next sweep."""
    from pathlib import Path

    from service.documents import jobs as document_jobs
    from service.extensions import db
    from service.mail import jobs as mail_jobs
    from service.provider_packs import services

    with app.app_context():
        document, message = services.send_pack(None, placement, Path(app.config["APDOCS_OUTPUT_DIR"]))
        db.session.commit()
        mail_jobs.deliver_message(message.id)  # before the PDF exists
        db.session.expire_all()
        waiting = db.session.get(OutboxMessage, message.id)
        assert (waiting.status, waiting.attempts) == (MessageStatus.QUEUED, 0)
        assert smtp.messages() == []
        document_jobs.produce_document(document.id)
    assert len(smtp.messages()) == 1
    assert _pack_message(db_session, placement.id).status is MessageStatus.SENT
