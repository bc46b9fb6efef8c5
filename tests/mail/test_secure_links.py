"""Secure links: the PDF shared by a link that expires, for recipients outside a trusted domain."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.db import utcnow
from service.extensions import db
from service.mail import jobs, links, message_secrets
from service.mail.models import Delivery, SecretKind, SecretState, SecureLink
from tests.mail.helpers import queue, reload

NOT_VALID = "This link has expired or is not valid. Ask the sender for a new one."


def _send_with_link(placement, document, recipient="parent@example.org"):  # type: ignore[no-untyped-def]
    """Reserve the link and queue the message with a place for it: the order a feature uses. The token is made
    when the message is delivered, and only the delivered email holds it."""
    link = links.reserve_secure_link(document, recipient)
    body = f"Hello,\n\n{message_secrets.secret_placeholder(1)}\n"
    spec = message_secrets.SecretSpec(SecretKind.DOCUMENT_LINK, secure_link=link)
    message_id = queue(placement, links=[document], to=[recipient], body=body, secrets=[spec])
    assert db.session.get(SecureLink, link.id).token_sha256 is None  # nothing opens it before delivery
    jobs.deliver_message(message_id)
    return message_id


def test_link_mode_sends_no_attachment_and_the_link_downloads_the_pdf(app, smtp, placement, document, client):
    message_id = _send_with_link(placement, document)

    [received] = smtp.messages()
    email = received.email
    assert list(email.iter_attachments()) == []
    body = email.get_body(("plain",)).get_content()
    [url] = re.findall(r"https://apdocs\.example/shared/[A-Za-z0-9_-]+", body)
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    assert "Download the document here (the link works until " in body and "[[secret" not in body

    message = reload(message_id)
    [item] = message.attachments
    assert item.delivery is Delivery.LINK and item.document_id == document.id
    link = db.session.scalar(sa.select(SecureLink).where(SecureLink.document_id == document.id))
    assert link.message_id == message_id  # tied to the message it went in
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest() != token
    [secret] = message.secrets
    assert secret.state is SecretState.SENT and secret.secure_link_id == link.id
    assert link.expires_at - secret.issued_at == timedelta(days=7)  # counted from when it was sent
    assert link.expires_at == secret.expires_at
    assert token not in message.body_text

    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    text = page.get_data(as_text=True)
    assert "Download the document (PDF)" in text and document.title in text
    assert "Zoë" not in text and "O&#39;Connor" not in text and "Connor-Smith" not in text

    pdf = client.get(urlsplit(url).path + "/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store" and pdf.headers["Referrer-Policy"] == "no-referrer"
    assert hashlib.sha256(pdf.data).hexdigest() == document.pdf_sha256
    assert reload(message_id) is not None
    db.session.expire_all()
    assert db.session.get(SecureLink, link.id).open_count == 1  # the download counts; the page does not
    downloads = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "secure_link", AuditEvent.action == "download")
    ).all()
    assert [e.organisation_id for e in downloads] == [placement.commissioning_organisation_id]


def test_an_expired_revoked_or_guessed_link_gets_the_same_page(app, placement, document, client, commissioner):
    token = links.create_secure_link(document, "parent@example.org")
    db.session.commit()
    link = db.session.scalar(sa.select(SecureLink))
    assert links.open_link(token, now=link.expires_at - timedelta(seconds=1)) == document
    assert links.open_link(token, now=link.expires_at) is None
    assert links.open_link(token, now=link.expires_at + timedelta(days=1)) is None

    guessed = client.get("/shared/" + "A" * 43)
    assert guessed.status_code == 404 and NOT_VALID in guessed.get_data(as_text=True)
    assert guessed.headers["Referrer-Policy"] == "no-referrer"

    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for path in (f"/shared/{token}", f"/shared/{token}/pdf"):
        expired = client.get(path)
        assert expired.status_code == 404
        assert expired.get_data(as_text=True) == guessed.get_data(as_text=True)  # nothing tells them apart

    link.expires_at = utcnow() + timedelta(days=1)
    message_id = queue(placement, links=[document], to=["parent@example.org"])
    link.message_id = message_id
    db.session.commit()
    assert client.get(f"/shared/{token}").status_code == 200
    assert links.revoke_links(reload(message_id), commissioner) == 1
    db.session.commit()
    revoked = client.get(f"/shared/{token}/pdf")
    assert revoked.status_code == 404 and revoked.get_data(as_text=True) == guessed.get_data(as_text=True)


def test_the_raw_token_is_stored_nowhere(app, placement, document):
    token = links.create_secure_link(document, "parent@example.org")
    db.session.commit()
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM secure_links")).all()
    assert token not in repr(rows)


def test_link_url_is_absolute_from_the_base_url_and_works_outside_a_request(app):
    app.config["APDOCS_BASE_URL"] = "https://apdocs.school.example"
    assert links.link_url("abc") == "https://apdocs.school.example/shared/abc"


def test_a_link_expires_after_the_configured_days(app, placement, document):
    app.config["APDOCS_LINK_EXPIRY_DAYS"] = 2
    now = utcnow()
    links.create_secure_link(document, "parent@example.org", now=now)
    link = db.session.scalar(sa.select(SecureLink))
    assert link.expires_at == now + timedelta(days=2)
