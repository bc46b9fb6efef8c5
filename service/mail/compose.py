"""The email itself: the MIME message built from an outbox row, with its PDFs checked against their hashes.

Shared by delivery (the email that goes, with the secrets' values in its body) and by the staff copy
(the same email rebuilt from the row, with every secret replaced by a note), so the two never drift.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from typing import TYPE_CHECKING

from service.files import sha256_of
from service.mail.message_secrets import shown_body
from service.mail.models import Delivery, OutboxMessage
from service.mail.settings import MailSettings, mail_settings
from service.storage import BadKey, current_storage

if TYPE_CHECKING:
    from service.documents.models import Document


class DocumentNotReady(Exception):  # noqa: N818 - names the state, as DocumentFailed does
    """A document the message carries is still being made: delivery waits for it."""


class DocumentFailed(Exception):  # noqa: N818
    """A document the message carries could not be made, or its PDF is missing or changed: a person acts."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def attached_pdfs(message: OutboxMessage, settings: MailSettings) -> list[tuple[Document, bytes]]:
    """Each attached PDF, checked against its SHA-256; raises while a document is still being made."""
    for item in message.attachments:
        if item.document.has_failed:
            raise DocumentFailed(f"Not sent: {item.document.title} could not be made. Make it again, then resend")
        if not item.document.is_ready:
            raise DocumentNotReady
    storage = current_storage(settings.output_dir)
    attached = []
    for item in message.attachments:
        if item.delivery is not Delivery.ATTACH:
            continue
        document = item.document
        try:  # from the local folder or the object store (a StorageError is passing: delivery tries again)
            data = storage.get(document.pdf_path)
        except (FileNotFoundError, BadKey):
            raise DocumentFailed(f"Not sent: the PDF of {document.title} is missing from the output folder") from None
        if document.pdf_sha256 and sha256_of(data) != document.pdf_sha256:
            raise DocumentFailed(f"Not sent: the PDF of {document.title} has changed since it was made")
        attached.append((document, data))
    return attached


def build_email(
    message: OutboxMessage,
    body: str,
    attached: Sequence[tuple[Document, bytes]],
    settings: MailSettings,
    when: datetime,
) -> EmailMessage:
    """The MIME message, with the row's fixed Message-ID, the body given and the PDFs given."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = ", ".join(message.to_addresses)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(when)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(body, cte="quoted-printable")
    for document, data in attached:
        email.add_attachment(data, maintype="application", subtype="pdf", filename=attachment_name(document))
    return email


def staff_copy(message: OutboxMessage) -> bytes:
    """The message as an .eml file for staff, rebuilt from the row: every link and code replaced by a note,
    and each attached PDF that is still as it was made. Never the delivered file, which holds them."""
    settings = mail_settings()
    attached = []
    with contextlib.suppress(DocumentNotReady, DocumentFailed):
        attached = attached_pdfs(message, settings)
    email = build_email(message, shown_body(message), attached, settings, message.sent_at or message.created_at)
    return email.as_bytes(policy=SMTP_POLICY)


def attachment_name(document: Document) -> str:
    """The attached file's name: its type and version, e.g. ``provider-pack-v2.pdf`` (no personal data)."""
    return f"{document.doc_type.value}-v{document.version}.pdf"
