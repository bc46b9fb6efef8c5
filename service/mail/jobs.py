"""Background jobs for mail, on the one queue (``service.queue``: one queue, one worker, one set-up).

``deliver_message`` is enqueued only after the transaction that queued the message has committed
(``enqueue_after_commit``). It does not use Huey's retries: the outbox row holds the attempts, the back-off and
the claim, so a job that runs twice (a retry, a second worker, the sweep) sends nothing twice. An attempt that
did not send schedules the next one for the end of its back-off (Huey's ``schedule(eta=…)``), made by the job that
made the attempt only. The sweep (``deliver_due_messages``: every ``APDOCS_SWEEP_INTERVAL_S`` in each worker, and
every minute as a periodic task) is the safety net: it sends what is due, and takes back what a stopped worker
left "sending". Messages waiting for a document's PDF go when ``document_ready`` says it is made.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app
from huey import crontab

from service.extensions import db
from service.mail import delivery, transports
from service.mail.models import MessageStatus
from service.queue import app_task, enqueue_after_commit, periodic_app_task, register_sweep
from service.signals import document_ready

if TYPE_CHECKING:
    from service.documents.models import Document

log = logging.getLogger(__name__)


@app_task()
def deliver_message(message_id: int) -> None:
    """Send one message if it is still queued and due; anything else is left as it is. After an attempt that
    did not send (its outcome committed), the next one is scheduled for the end of its back-off."""
    try:
        message, attempted = delivery.attempt(message_id, transports.transport_for(current_app.config))
    except LookupError:
        log.warning("outbox message %d no longer exists: nothing to send", message_id)
        return
    if attempted and message.status is MessageStatus.QUEUED:
        deliver_message.schedule(args=(message_id,), eta=message.next_attempt_at)


@document_ready.connect
def deliver_waiting_for(document: Document) -> None:
    """Send now the messages that were waiting for this document (called once it is ready, in an app context)."""
    for message_id in delivery.release_waiting_for(document.id):
        enqueue_after_commit(deliver_message, message_id)
    db.session.commit()


@periodic_app_task(crontab(minute="*"))
def deliver_due_messages() -> None:
    """Every minute (a safety net for the sweeper): the sweep below."""
    sweep_outbox()


@register_sweep
def sweep_outbox() -> None:
    """Deliver the messages due for another attempt; take back those a stopped worker left sending."""
    for message_id in delivery.sweep():
        enqueue_after_commit(deliver_message, message_id)
    db.session.commit()
