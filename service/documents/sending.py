"""Sending a document by email: attached, or as a link that expires, by the organisation's choice.

Why one place: the provider pack and the parents' copy of the plan go out the same way, and the rules
that protect them must not differ: one message per recipient (separated parents must not see each
other's address), the delivery chosen per address (``rules.delivery``), and no pupil's name in the
subject. The message is queued in the caller's transaction; the caller commits, then enqueues the
document's production and the message's delivery (the delivery waits for the document to be ready).
A link's token is made only when the message is delivered (``service.mail.delivery.deliver``): the
outbox keeps a placeholder where it goes, so no member of staff can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.auth.models import User
from service.documents.models import Document
from service.mail.links import reserve_secure_link
from service.mail.message_secrets import SecretSpec, secret_placeholder
from service.mail.models import OutboxMessage, SecretKind
from service.mail.outbox import queue_message
from service.organisations.models import Organisation
from service.rules.delivery import Delivery, delivery_for


@dataclass(frozen=True)
class Letter:
    """What the email says. ``body`` holds ``{delivery}``, replaced by the attachment or link paragraph."""

    subject: str
    body: str
    purpose: str


ATTACHED = "The document is attached as a PDF. It is OFFICIAL-SENSITIVE: keep it secure and do not forward it."


def send_document(
    user: User | None,
    organisation: Organisation,
    document: Document,
    recipient: str,
    letter: Letter,
) -> tuple[OutboxMessage, Delivery]:
    """Queue one email to ``recipient`` delivering ``document``, attached or linked."""
    how = delivery_for(recipient, organisation.mail_delivery, organisation.trusted_domain_list)
    secrets: list[SecretSpec] = []
    paragraph = ATTACHED
    if how is Delivery.LINK:
        link = reserve_secure_link(document, recipient)
        secrets.append(SecretSpec(SecretKind.DOCUMENT_LINK, secure_link=link))
        paragraph = secret_placeholder(1)  # the link and its expiry, written in at delivery
    message = queue_message(
        organisation_id=organisation.id,
        to=[recipient],
        subject=letter.subject,
        body=letter.body.replace("{delivery}", paragraph),
        purpose=letter.purpose,
        placement_id=document.placement_id,
        attachments=[document] if how is Delivery.ATTACH else (),
        links=[document] if how is Delivery.LINK else (),
        secrets=secrets,
        created_by=user,
    )
    return message, how
