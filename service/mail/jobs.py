"""Background jobs for mail, on the one queue (``service.queue``: one queue, one worker, one set-up).

``deliver_message`` is enqueued only after the transaction that queued the message has committed
(``enqueue_after_commit``). It does not use Huey's retries: the outbox row holds the attempts, the back-off and
the claim, so a job that runs twice (a retry, a second worker, the minute's sweep) sends nothing twice.
``deliver_due_messages`` runs every minute: it sends what is due again, and marks "may have been sent" what a
dead worker left half done. Messages waiting for a document's PDF go when ``document_ready`` says it is made.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app
from huey import crontab

from service.extensions import db
from service.mail import delivery, transports
from service.queue import app_task, enqueue_after_commit, periodic_app_task
from service.signals import document_ready

if TYPE_CHECKING:
    from service.documents.models import Document

log = logging.getLogger(__name__)


@app_task()
def deliver_message(message_id: int) -> None:
    """Send one message if it is still queued and due; anything else is left as it is."""
    try:
        delivery.deliver(message_id, transports.transport_for(current_app.config))
    except LookupError:
        log.warning("outbox message %d no longer exists: nothing to send", message_id)


@document_ready.connect
def deliver_waiting_for(document: Document) -> None:
    """Send now the messages that were waiting for this document (called once it is ready, in an app context)."""
    for message_id in delivery.release_waiting_for(document.id):
        enqueue_after_commit(deliver_message, message_id)
    db.session.commit()


@periodic_app_task(crontab(minute="*"))
def deliver_due_messages() -> None:
    """Every minute: deliver the messages due for another attempt; mark those a dead worker left sending."""
    for message_id in delivery.sweep():
        enqueue_after_commit(deliver_message, message_id)
    db.session.commit()
