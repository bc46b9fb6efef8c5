"""Queue a message as a feature would: in a transaction, committed, before delivery is asked for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.documents.models import Document
from service.extensions import db
from service.mail import message_secrets, outbox
from service.mail.models import OutboxMessage

BODY = "Dear Horizon Skills,\n\nPlease find the information pack for Zoë O'Connor-Smith attached.\n\nSam Senco"
SUBJECT = "Provider information pack for placement"


def queue(
    placement: Any,
    *,
    attachments: Sequence[Document] = (),
    links: Sequence[Document] = (),
    to: Sequence[str] = ("staff@horizon.example",),
    body: str = BODY,
    subject: str = SUBJECT,
    created_by: Any = None,
    secrets: Sequence[message_secrets.SecretSpec] = (),
) -> int:
    message = outbox.queue_message(
        organisation_id=placement.commissioning_organisation_id,
        to=list(to),
        subject=f"{subject} {placement.id}",
        body=body,
        purpose="provider_pack",
        placement_id=placement.id,
        attachments=attachments,
        links=links,
        secrets=secrets,
        created_by=created_by,
    )
    db.session.commit()
    return message.id


def reload(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    return message


def audit_actions(message_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.entity_type == "outbox_message", AuditEvent.entity_id == message_id)
            .order_by(AuditEvent.id)
        )
    )
