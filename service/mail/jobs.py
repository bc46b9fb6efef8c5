"""Background jobs for mail, on the documents' Huey queue (one queue, one worker, one set-up).

``deliver_message`` is enqueued only after the transaction that queued the message has committed.
It does not use Huey's retries: the outbox row holds the attempts, the back-off and the claim, so
a job that runs twice (a retry, a second worker, the minute's sweep) sends nothing twice.
``deliver_due_messages`` runs every minute: it sends what is due again, and marks "may have been
sent" what a dead worker left half done.
"""

from __future__ import annotations

import logging

from huey import crontab

from service.documents.jobs import _require_app, queue, when_ready
from service.documents.models import Document

log = logging.getLogger(__name__)


def enqueue_delivery(message_id: int) -> None:
    """Queue the delivery of a committed outbox message. Call only after the commit."""
    deliver_message(message_id)


@when_ready
def deliver_waiting_for(document: Document) -> None:
    """Send now the messages that were waiting for this document (called once it is ready, in an app context)."""
    from service.extensions import db
    from service.mail import delivery

    ids = delivery.release_waiting_for(document.id)
    db.session.commit()
    for message_id in ids:
        enqueue_delivery(message_id)


@queue.task()
def deliver_message(message_id: int) -> None:
    """Send one message if it is still queued and due; anything else is left as it is."""
    from service.mail import delivery, transports

    app = _require_app()
    with app.app_context():
        try:
            delivery.deliver(message_id, transports.transport_for(app))
        except LookupError:
            log.warning("outbox message %d no longer exists: nothing to send", message_id)


@queue.periodic_task(crontab(minute="*"))
def deliver_due_messages() -> None:
    """Every minute: deliver the messages due for another attempt; mark those a dead worker left sending."""
    from service.mail import delivery

    app = _require_app()
    with app.app_context():
        due = delivery.sweep()
    for message_id in due:
        deliver_message(message_id)
