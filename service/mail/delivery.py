"""Delivery: each queued message sent exactly once, or honestly not.

How a message moves (docs/mail.md has the picture for people):

- ``service.mail.outbox.queue_message`` adds the row in the caller's transaction; the caller commits,
  then enqueues its delivery.
- ``deliver`` claims the row with one conditional UPDATE (queued and due → sending) and commits the
  claim before it talks to any server. Only one worker can win that update, so a retried job or a
  second worker finds nothing to do: that is what stops a message being sent twice.
- After the claim it makes the message's secrets (``service.mail.message_secrets``) and commits their
  hashes, then hands the email to a transport (``service.mail.transports``). A failure before the
  content starts to go is "not sent": the message is tried again later, with back-off, and fails after
  its last attempt for a person to resend. A lost connection after that is "may have been sent", which
  a person checks. It is never resent on its own.
- ``sweep`` runs every minute: it returns the messages due for (re)delivery, and marks as "may have
  been sent" any message a worker claimed long ago and never finished.

Nothing here logs an address, a subject, a body, a token or a code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa

from service.audit import services as audit
from service.db import utcnow
from service.extensions import db
from service.mail import links  # noqa: F401 - registers how a secure document link is made at delivery
from service.mail.compose import DocumentFailed, DocumentNotReady, attached_pdfs, build_email
from service.mail.message_secrets import issue_secrets
from service.mail.models import MessageStatus, OutboxAttachment, OutboxMessage, SecretState
from service.mail.settings import MailSettings, mail_settings
from service.mail.transports import MaybeSent, NotSent, Transport

log = logging.getLogger(__name__)

#: A message waiting for its document to be made is looked at again this much later (not an attempt).
DOCUMENT_WAIT = timedelta(seconds=30)


def deliver(message_id: int, transport: Transport, *, now: datetime | None = None) -> OutboxMessage:
    """Send one message if it is queued and due, exactly once; record what happened.

    Commits: the claim before sending (so no other worker can take it), the outcome after.
    """
    now = now or utcnow()
    message, claimed = _claim(message_id, now)
    if not claimed:
        return message  # sent, being sent by another worker, not due yet, or waiting for a person
    settings = mail_settings()
    prepared = _prepare(message, settings, now)
    if prepared is not None:
        email, fresh = prepared
        _hand_over(message, email, fresh, transport, settings, now)
    return message


def _claim(message_id: int, now: datetime) -> tuple[OutboxMessage, bool]:
    """The message, and whether this worker won it: one conditional UPDATE (queued and due → sending),
    committed before anything talks to a server, so only one worker can ever send it."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status=MessageStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(f"no outbox message {message_id}")
    return message, bool(claimed)


def _prepare(message: OutboxMessage, settings: MailSettings, now: datetime) -> tuple[EmailMessage, list[int]] | None:
    """The email to send and the ids of the secrets made fresh for it; or None once an outcome is recorded
    (waiting for a document, failed, or not sent and to be tried again)."""
    try:
        attached = attached_pdfs(message, settings)
        # The secrets are made now, after the claim and once the documents are ready, and their hashes
        # committed before anything is handed over: a link in a delivered email always works.
        body, fresh = issue_secrets(message, now)
        db.session.commit()
        return build_email(message, body, attached, settings, now), fresh
    except DocumentNotReady:
        message.status = MessageStatus.QUEUED
        message.claimed_at = None
        message.next_attempt_at = now + DOCUMENT_WAIT
        db.session.commit()
    except DocumentFailed as problem:
        _finish(message, MessageStatus.FAILED, problem.reason, now)
    except Exception as error:  # noqa: BLE001 - nothing went to any server: count it and try again later
        db.session.rollback()  # nothing half made stays
        _not_sent(message, f"Not sent: the message could not be put together ({type(error).__name__})", now, settings)
    return None


def _hand_over(
    message: OutboxMessage,
    email: EmailMessage,
    fresh: Sequence[int],
    transport: Transport,
    settings: MailSettings,
    now: datetime,
) -> None:
    """Give the email to the transport and record what its answer means: sent, not sent, or may have been."""
    try:
        eml_path = transport.send(
            email, sender=settings.mail_from, recipients=list(message.to_addresses), outbox_id=message.id
        )
    except NotSent as failure:
        _not_sent(message, failure.reason, now, settings)
        return
    except MaybeSent as failure:
        message.attempts += 1
        _secrets_sent(message, fresh)
        _finish(message, MessageStatus.MAY_HAVE_BEEN_SENT, failure.reason, now)
        return
    except Exception as error:  # noqa: BLE001 - an unknown failure mid-send: it may have gone, so a person checks
        message.attempts += 1
        _secrets_sent(message, fresh)
        _finish(
            message,
            MessageStatus.MAY_HAVE_BEEN_SENT,
            f"May have been sent: sending stopped with an unexpected {type(error).__name__}",
            now,
        )
        return

    message.attempts += 1
    message.transport = transport.name
    message.eml_path = eml_path
    message.sent_at = now
    _secrets_sent(message, fresh)
    _finish(message, MessageStatus.SENT, "", now)


def _secrets_sent(message: OutboxMessage, fresh: Sequence[int]) -> None:
    """The values made for this attempt went (or may have gone) out: say so on the outbox page."""
    for secret in message.secrets:
        if secret.id in fresh:
            secret.state = SecretState.SENT


def release_waiting_for(document_id: int, now: datetime | None = None) -> list[int]:
    """The messages that were waiting for this document, made due now; the caller commits, then enqueues them.

    Why: a message whose PDF is still being made is put back for a little while; without this, it would
    wait for the next sweep (up to a minute) after the PDF is ready, and the SENCO would watch "Waiting
    to send" for no reason. Only messages never tried are released: one waiting out a back-off after a
    failed attempt keeps its time.
    """
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .join(OutboxAttachment, OutboxAttachment.message_id == OutboxMessage.id)
            .where(
                OutboxAttachment.document_id == document_id,
                OutboxMessage.status == MessageStatus.QUEUED,
                OutboxMessage.attempts == 0,
                OutboxMessage.next_attempt_at > now,
            )
        )
    )
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    return ids


def _not_sent(message: OutboxMessage, reason: str, now: datetime, settings: MailSettings) -> None:
    """An attempt that delivered nothing: queued again after the back-off, or failed after the last attempt."""
    message.attempts += 1
    if message.attempts >= message.max_attempts:
        _finish(message, MessageStatus.FAILED, f"{reason}. Tried {message.attempts} times.", now)
        return
    message.status = MessageStatus.QUEUED
    message.claimed_at = None
    message.last_error = reason
    message.next_attempt_at = now + settings.retry_delay(message.attempts)
    db.session.commit()
    log.warning(
        "outbox message %d not sent, attempt %d of %d; trying again later",
        message.id,
        message.attempts,
        message.max_attempts,
    )


def _finish(message: OutboxMessage, status: MessageStatus, reason: str, now: datetime) -> None:
    """Record an outcome that waits for nobody (sent) or for a person (failed, may have been sent), and commit."""
    message.status = status
    message.last_error = reason
    message.claimed_at = None if status is not MessageStatus.MAY_HAVE_BEEN_SENT else message.claimed_at
    action = {
        MessageStatus.SENT: "send",
        MessageStatus.FAILED: "send_failed",
        MessageStatus.MAY_HAVE_BEEN_SENT: "send_uncertain",
    }[status]
    audit.record(
        action,
        "outbox_message",
        message.id,
        None,
        {"attempts": message.attempts, "transport": message.transport or None},
        organisation_id=message.organisation_id,
    )
    db.session.commit()
    if status is MessageStatus.SENT:
        log.info("outbox message %d sent (%s)", message.id, message.transport)
    else:
        log.warning("outbox message %d %s after %d attempt(s)", message.id, status.value, message.attempts)


def sweep(now: datetime | None = None) -> list[int]:
    """The ids of messages due for (re)delivery; and any message a dead worker left "sending" is marked
    "may have been sent" (its worker may have got as far as the server's final reply), never resent."""
    now = now or utcnow()
    settings = mail_settings()
    cutoff = now - settings.sending_stale_after
    stuck = db.session.scalars(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < cutoff
        )
    ).all()
    for message_id in stuck:
        changed = db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == MessageStatus.SENDING,
                OutboxMessage.claimed_at < cutoff,
            )
            .values(
                status=MessageStatus.MAY_HAVE_BEEN_SENT,
                last_error="May have been sent: the worker sending it stopped before it could record the outcome",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            organisation_id = db.session.scalar(
                sa.select(OutboxMessage.organisation_id).where(OutboxMessage.id == message_id)
            )
            audit.record(
                "send_uncertain", "outbox_message", message_id, None, {"stalled": True}, organisation_id=organisation_id
            )
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    db.session.commit()
    if stuck:
        log.warning("%d outbox message(s) left sending by a stopped worker: marked may-have-been-sent", len(stuck))
    return list(due)
