"""Writing to the outbox: a message is checked and added in the caller's transaction, to be delivered later.

``queue_message`` adds the row in the caller's transaction. The caller hands ``deliver_message`` to
``service.queue.enqueue_after_commit``: a job must never look for a row that is not there yet. What
happens next is ``service.mail.delivery``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.errors import FieldError
from service.extensions import db
from service.mail.addresses import new_message_id, valid_recipients
from service.mail.links import adopt_links
from service.mail.message_secrets import LIVE_SECRET, SecretSpec, secret_placeholder
from service.mail.models import Delivery, MessageStatus, OutboxAttachment, OutboxMessage, OutboxSecret, SecretState
from service.mail.settings import mail_settings
from service.placements.models import Placement

if TYPE_CHECKING:
    from service.documents.models import Document

#: Longest subject accepted; the column holds 300.
MAX_SUBJECT = 200


def queue_message(
    *,
    organisation_id: int,
    to: list[str],
    subject: str,
    body: str,
    purpose: str,
    placement_id: int | None = None,
    attachments: Sequence[Document] = (),
    links: Sequence[Document] = (),
    secrets: Sequence[SecretSpec] = (),
    created_by: User | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction, and flush it (the caller commits).

    Then ``enqueue_after_commit(service.mail.jobs.deliver_message, message.id)`` and commit. ``attachments`` go as
    their PDFs; ``links`` are documents the body shares by secure link (see ``reserve_secure_link``),
    recorded so the outbox shows which version each link gave. A document still being made is fine:
    delivery waits for it. Every document and the placement must belong to the organisation: a
    message can never carry another organisation's records.

    ``secrets`` are the links and codes the message carries, in order: the body holds
    ``secret_placeholder(n)`` where the n-th goes (from 1), and delivery puts it in. A message with a
    secret goes to one recipient only. A body that already holds a live link or code is refused: it
    would be readable by everyone who can read the outbox.

    Raises ``FieldError`` (field ``to``, ``subject`` or ``body``) for something a person can fix.
    """
    settings = mail_settings()
    recipients = valid_recipients(to)
    subject = _checked_subject(subject)
    if not body.strip():
        raise FieldError("body", "Enter the message")
    if not purpose or len(purpose) > 40:
        raise ValueError("purpose must be a short code, e.g. provider_pack")
    _check_ownership(organisation_id, placement_id, (*attachments, *links))
    _check_secrets(body, secrets, recipients)

    message = OutboxMessage(
        organisation_id=organisation_id,
        placement_id=placement_id,
        purpose=purpose,
        to_addresses=recipients,
        subject=subject,
        body_text=body,
        status=MessageStatus.QUEUED,
        attempts=0,
        max_attempts=settings.max_attempts,
        next_attempt_at=utcnow(),
        message_id=new_message_id(settings.mail_from),
        created_by=created_by,
    )
    message.attachments = [OutboxAttachment(document=d, delivery=Delivery.ATTACH) for d in attachments] + [
        OutboxAttachment(document=d, delivery=Delivery.LINK) for d in links
    ]
    message.secrets = _secret_rows(secrets)
    for spec in secrets:
        if spec.secure_link is not None:
            spec.secure_link.message = message
    db.session.add(message)
    adopt_links(message, links)
    db.session.flush()
    audit.record(
        "queue",
        "outbox_message",
        message.id,
        created_by,
        {
            "purpose": purpose,
            "recipients": len(recipients),
            "attachments": len(attachments),
            "links": len(links),
            "secrets": [spec.kind.value for spec in secrets],
            "placement_id": placement_id,
        },
        organisation_id=organisation_id,
    )
    return message


def _checked_subject(subject: str) -> str:
    """The subject trimmed, or ``FieldError`` ("subject"): one line, present and short enough for the column."""
    subject = subject.strip()
    if not subject:
        raise FieldError("subject", "Enter a subject")
    if "\r" in subject or "\n" in subject:
        raise FieldError("subject", "The subject must be one line")
    if len(subject) > MAX_SUBJECT:
        raise FieldError("subject", f"The subject must be {MAX_SUBJECT} characters or fewer")
    return subject


def _check_ownership(organisation_id: int, placement_id: int | None, documents: Sequence[Document]) -> None:
    """Refuse a placement or document of another organisation: a message can never carry its records."""
    if placement_id is not None:
        placement = db.session.get(Placement, placement_id)
        if placement is None or placement.commissioning_organisation_id != organisation_id:
            raise ValueError("the placement does not belong to this organisation")
    for document in documents:
        if document.placement.commissioning_organisation_id != organisation_id:
            raise ValueError("a document does not belong to this organisation")


def _check_secrets(body: str, secrets: Sequence[SecretSpec], recipients: Sequence[str]) -> None:
    """Refuse a body holding a live link or code (the outbox's readers would see it), a secret for more than
    one recipient, and a secret with no place in the body."""
    if LIVE_SECRET.search(body):
        raise ValueError("a body must not hold a live link or code: pass it as a secret, filled in at delivery")
    if secrets and len(recipients) != 1:
        raise ValueError("a message carrying a link or code goes to one recipient only")
    for position in range(1, len(secrets) + 1):
        if secret_placeholder(position) not in body:
            raise ValueError(f"the body has no place for secret {position}")


def _secret_rows(secrets: Sequence[SecretSpec]) -> list[OutboxSecret]:
    """One row per secret, in the body's order, waiting for delivery to make its value."""
    return [
        OutboxSecret(
            position=position,
            kind=spec.kind,
            signer_id=spec.signer_id,
            secure_link=spec.secure_link,
            generation=spec.generation,
            state=SecretState.WAITING,
        )
        for position, spec in enumerate(secrets, start=1)
    ]
