"""Delivery: each queued message sent exactly once, or honestly not.

How a message moves (docs/mail.md has the picture for people):

- ``service.mail.outbox.queue_message`` adds the row in the caller's transaction; the caller commits,
  then enqueues its delivery.
- ``deliver`` claims the row with one conditional UPDATE (queued and due → sending, with this worker's
  lease) and commits the claim before it talks to any server. Only one worker can win that update, so a
  retried job or a second worker finds nothing to do: that is what stops a message being sent twice.
  While it works, a heartbeat renews the lease (``service.queue.Heartbeat``).
- After the claim it makes the message's secrets (``service.mail.message_secrets``) and commits their
  hashes, then hands the email to a transport (``service.mail.transports``). A failure before the
  content starts to go is "not sent": the message is tried again later, with back-off, and fails after
  its last attempt for a person to resend; the job schedules the next attempt for the end of its back-off.
  Just before the content starts to go, the worker commits ``content_started_at``: from then on, a lost
  connection or a stopped worker is "may have been sent", which a person checks. It is never resent on
  its own.
- ``sweep`` runs every ``APDOCS_SWEEP_INTERVAL_S`` in each worker (and every minute as a periodic task):
  it returns the messages due for (re)delivery, and takes back each message whose worker stopped renewing
  its lease: queued again if its content had not started to go (nothing can have been delivered), "may
  have been sent" if it had.

Nothing here logs an address, a subject, a body, a token or a code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from service.audit import services as audit
from service.db import utcnow
from service.extensions import db
from service.mail import links  # noqa: F401 - registers how a secure document link is made at delivery
from service.mail.compose import DocumentFailed, DocumentNotReady, attached_pdfs, build_email
from service.mail.message_secrets import issue_secrets
from service.mail.models import MessageStatus, OutboxAttachment, OutboxMessage, SecretState
from service.mail.settings import MailSettings, mail_settings
from service.mail.transports import MaybeSent, NotSent, Transport
from service.queue import Heartbeat, LeaseSettings, worker_id

log = logging.getLogger(__name__)


class LeaseLost(Exception):  # noqa: N818 - names what happened
    """This worker no longer holds the message (the sweep took it back): it must not send it."""


#: A message waiting for its document to be made is looked at again this much later (not an attempt).
DOCUMENT_WAIT = timedelta(seconds=30)


def deliver(message_id: int, transport: Transport, *, now: datetime | None = None) -> OutboxMessage:
    """Send one message if it is queued and due, exactly once; record what happened.

    Commits: the claim before sending (so no other worker can take it), the outcome after.
    """
    return attempt(message_id, transport, now=now)[0]


def attempt(message_id: int, transport: Transport, *, now: datetime | None = None) -> tuple[OutboxMessage, bool]:
    """``deliver``, also saying whether this call made the attempt (won the claim): only the caller that made
    it schedules the next one, so duplicate jobs never multiply."""
    now = now or utcnow()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    lease = LeaseSettings.from_config(app.config)
    holder = worker_id()
    message, claimed = _claim(message_id, now, holder, lease)
    if not claimed:
        return message, False  # sent, being sent by another worker, not due yet, or waiting for a person
    settings = mail_settings()
    with Heartbeat(app, lambda: _renew(message_id, holder, lease), lease.heartbeat_s):
        prepared = _prepare(message, settings, now)
        if prepared is not None:
            email, fresh = prepared
            _hand_over(message, email, fresh, transport, settings, now, holder)
    return message, True


def _claim(message_id: int, now: datetime, holder: str, lease: LeaseSettings) -> tuple[OutboxMessage, bool]:
    """The message, and whether this worker won it: one conditional UPDATE (queued and due → sending, held by
    this worker's lease), committed before anything talks to a server, so only one worker can ever send it."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            status=MessageStatus.SENDING,
            claimed_at=now,
            claimed_by=holder,
            lease_until=utcnow() + lease.lease,
            content_started_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(f"no outbox message {message_id}")
    return message, bool(claimed)


def _renew(message_id: int, holder: str, lease: LeaseSettings) -> bool:
    """The heartbeat: push the lease on while this worker still holds the message (the caller commits)."""
    renewed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.claimed_by == holder,
            OutboxMessage.status == MessageStatus.SENDING,
        )
        .values(lease_until=utcnow() + lease.lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(renewed)


def _release(message: OutboxMessage) -> None:
    """The attempt is over, whatever its outcome: the message is no longer held (the caller commits)."""
    message.claimed_by = None
    message.lease_until = None


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
        _release(message)
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
    holder: str,
) -> None:
    """Give the email to the transport and record what its answer means: sent, not sent, or may have been."""

    def content_starts() -> None:
        # Committed before the first byte of content goes: a worker stopped after this may have sent it. Only
        # while this worker still holds the message: one that missed its heartbeats for a whole lease may have
        # lost it to the sweep, and must then send nothing (the sweep requeues only a message with no content
        # started, so exactly one of the two conditional updates wins).
        started = db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.claimed_by == holder,
                OutboxMessage.status == MessageStatus.SENDING,
                OutboxMessage.content_started_at.is_(None),
            )
            .values(content_started_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not started:
            raise LeaseLost

    try:
        eml_path = transport.send(
            email,
            sender=settings.mail_from,
            recipients=list(message.to_addresses),
            outbox_id=message.id,
            content_starts=content_starts,
        )
    except LeaseLost:
        db.session.rollback()
        log.warning("outbox message %d was taken back by the sweep before its content went: left to it", message.id)
        return
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
    message.content_started_at = None
    _release(message)
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
    _release(message)
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


#: Why a message whose worker stopped is sent again, or left for a person (the outbox shows these).
STOPPED_BEFORE_CONTENT = "Not sent: the worker sending it stopped before the message went to the mail server"
STOPPED_AFTER_CONTENT = (
    "May have been sent: the worker sending it stopped after the message started to go to the mail server, "
    "before it could record the server's answer"
)
#: A message claimed before leases existed: whether its content had started to go was not recorded.
STOPPED_UNKNOWN = "May have been sent: the worker sending it stopped before it could record the outcome"


def sweep(now: datetime | None = None) -> list[int]:
    """The ids of messages due for (re)delivery, after taking back the messages stopped workers left "sending".

    A message held by a lease is taken back once the lease ran out (its worker stopped renewing it): queued
    again, due now and its attempt counted, if its content had not started to go; "may have been sent",
    never resent, if it had (its worker may have got as far as the server's final reply). One claimed before
    leases existed is judged by its age, as before. Each is taken back with a conditional UPDATE on what was
    read, so two workers sweeping at once never both act on it.
    """
    now = now or utcnow()
    settings = mail_settings()
    cutoff = now - settings.sending_stale_after
    expired = sa.and_(OutboxMessage.lease_until.is_not(None), OutboxMessage.lease_until < now)
    unleased_and_old = sa.and_(OutboxMessage.lease_until.is_(None), OutboxMessage.claimed_at < cutoff)
    stalled_rule = sa.and_(OutboxMessage.status == MessageStatus.SENDING, sa.or_(expired, unleased_and_old))
    stuck = db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.organisation_id,
            OutboxMessage.attempts,
            OutboxMessage.max_attempts,
            OutboxMessage.lease_until.is_(None),
            OutboxMessage.content_started_at.is_(None),
        ).where(stalled_rule)
    ).all()
    requeued = uncertain = 0
    for message_id, organisation_id, attempts, max_attempts, unleased, no_content in stuck:
        before_content = no_content and not unleased
        attempts += 1
        if before_content and attempts < max_attempts:
            values: dict[str, object] = {
                "status": MessageStatus.QUEUED,
                "last_error": STOPPED_BEFORE_CONTENT,
                "next_attempt_at": now,
            }
            action = ""
        elif before_content:
            reason = f"{STOPPED_BEFORE_CONTENT}. Tried {attempts} times."
            values = {"status": MessageStatus.FAILED, "last_error": reason}
            action = "send_failed"
        else:
            reason = STOPPED_UNKNOWN if unleased else STOPPED_AFTER_CONTENT
            values = {"status": MessageStatus.MAY_HAVE_BEEN_SENT, "last_error": reason}
            action = "send_uncertain"
        guard = [OutboxMessage.content_started_at.is_(None)] if before_content else []
        changed = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempts - 1, stalled_rule, *guard)
            .values(attempts=attempts, claimed_by=None, lease_until=None, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            continue  # another worker's sweep took it first, or its worker came back and finished
        if action:
            uncertain += action == "send_uncertain"
            audit.record(action, "outbox_message", message_id, None, {"stalled": True}, organisation_id=organisation_id)
        else:
            requeued += 1
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    db.session.commit()
    if requeued:
        log.warning("%d outbox message(s) a stopped worker left before their content went: queued again", requeued)
    if uncertain:
        log.warning("%d outbox message(s) left sending by a stopped worker: marked may-have-been-sent", uncertain)
    return list(due)
