"""Signing's background work: asking again when a changed plan's PDF is ready, sending the sealed plan to
the parents when it is made, and reminders to signers who have not signed after a few working days."""

from __future__ import annotations

import logging
from datetime import date

from huey import crontab

from service.documents.jobs import _require_app, queue, when_ready
from service.documents.models import Document

log = logging.getLogger(__name__)


@when_ready
def after_document_ready(document: Document) -> None:
    from service.extensions import db
    from service.mail import jobs as mail_jobs
    from service.signing import services

    _request, asks = services.ask_again_after_change(document)
    copies = services.send_signed_plan(document) if document.sealed else []
    db.session.commit()
    for message in [*asks, *copies]:
        mail_jobs.enqueue_delivery(message.id)


def send_reminders_now(today: date | None = None) -> int:
    """Remind every signer who is due a reminder (in an app context); returns how many were sent."""
    from service.extensions import db
    from service.mail import jobs as mail_jobs
    from service.signing import services

    messages = [services.remind(None, signer) for signer in services.reminders_due(today or date.today())]
    db.session.commit()
    for message in messages:
        mail_jobs.enqueue_delivery(message.id)
    return len(messages)


@queue.periodic_task(crontab(minute="30"))
@queue.lock_task("send-signing-reminders")
def send_signing_reminders() -> None:
    with _require_app().app_context():
        count = send_reminders_now()
    if count:
        log.info("sent %d signing reminder(s)", count)
