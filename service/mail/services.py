"""The outbox as staff read it and act on it: listing, one message in scope, resend and mark as sent.

What the outbox pages call; queueing is ``service.mail.outbox``'s and sending ``service.mail.delivery``'s.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.extensions import db
from service.mail.models import MessageStatus, OutboxMessage
from service.rules.roles import Role

PURPOSE_LABELS = {
    "provider_pack": "Provider information pack",
    "parent_plan": "Support plan for parents and carers",
}


class OutboxError(ValueError):
    """An action that does not fit the message's status (two people acted on it at once, say)."""


def messages_for(user: User, status: MessageStatus | None = None, limit: int = 200) -> list[OutboxMessage]:
    """The organisation's messages, newest first, those waiting for a person first of all."""
    stmt = sa.select(OutboxMessage).where(OutboxMessage.organisation_id == user.organisation_id)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    attention = sa.case(
        (OutboxMessage.status.in_([MessageStatus.FAILED, MessageStatus.MAY_HAVE_BEEN_SENT]), 0), else_=1
    )
    stmt = stmt.order_by(attention, OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    stmt = stmt.options(selectinload(OutboxMessage.secrets))
    return list(db.session.scalars(stmt))


def needing_attention(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.organisation_id == user.organisation_id,
                OutboxMessage.status.in_([MessageStatus.FAILED, MessageStatus.MAY_HAVE_BEEN_SENT]),
            )
        )
        or 0
    )


def get_message_for(user: User, message_id: int) -> OutboxMessage | None:
    """A message if it is the commissioner's organisation's, else None (the view answers 404)."""
    if user.role is not Role.COMMISSIONER:
        return None
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.organisation_id != user.organisation_id:
        return None
    return message


def resend(message: OutboxMessage, user: User) -> None:
    """Queue a failed or may-have-been-sent message again, with its attempts reset (audited; the caller
    commits, then enqueues). It keeps its Message-ID: a mail client that got the first copy can tell."""
    if not message.status.needs_attention:
        raise OutboxError("Only a message that was not sent, or may have been sent, can be sent again")
    previous = message.status
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.last_error = ""
    message.claimed_at = None
    message.next_attempt_at = utcnow()
    audit.record("resend", "outbox_message", message.id, user, {"from_status": previous.value})


def mark_sent(message: OutboxMessage, user: User) -> None:
    """Record that a person checked a may-have-been-sent message and it did arrive (audited; the caller commits)."""
    if message.status is not MessageStatus.MAY_HAVE_BEEN_SENT:
        raise OutboxError("Only a message that may have been sent can be marked as sent")
    message.status = MessageStatus.SENT
    message.sent_at = message.sent_at or message.claimed_at or utcnow()
    message.last_error = ""
    message.claimed_at = None
    audit.record("mark_sent", "outbox_message", message.id, user)


def purpose_label(purpose: str) -> str:
    return PURPOSE_LABELS.get(purpose, purpose.replace("_", " ").capitalize())
