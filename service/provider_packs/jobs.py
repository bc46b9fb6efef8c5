"""The pack scheduler: every hour, send the packs whose send date has come.

Hourly rather than once a day so that a server started late in the day, or down at the hour, still
sends that day's packs; a pack with any message in the outbox is skipped, so it never goes twice.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from huey import crontab

from service.documents import jobs as document_jobs
from service.documents.jobs import _require_app, queue

log = logging.getLogger(__name__)


def send_due_packs_now(today: date | None = None) -> int:
    """Send what is due (in an app context), committing, then enqueue the work. Returns how many went."""
    from flask import current_app

    from service.extensions import db
    from service.mail import jobs as mail_jobs
    from service.provider_packs import services

    sent = services.send_due_packs(today or date.today(), Path(current_app.config["APDOCS_OUTPUT_DIR"]))
    db.session.commit()
    for document, message in sent:
        document_jobs.enqueue_produce(document.id)  # only after the commit
        mail_jobs.enqueue_delivery(message.id)
    if sent:
        log.info("sent %d provider pack(s) on their send date", len(sent))
    return len(sent)


@queue.periodic_task(crontab(minute="15"))
@queue.lock_task("send-due-provider-packs")
def send_due_provider_packs() -> None:
    """One run at a time across every worker machine (the lock lives in the queue's storage), so two
    schedulers never both find the same pack unsent."""
    with _require_app().app_context():
        send_due_packs_now()
