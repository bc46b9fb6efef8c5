"""The pack scheduler: every hour, send the packs whose send date has come.

Hourly rather than once a day so that a server started late in the day, or down at the hour, still
sends that day's packs; a pack with any message in the outbox is skipped, so it never goes twice.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from flask import current_app
from huey import crontab

from service.documents.jobs import produce_document
from service.extensions import db
from service.mail.jobs import deliver_message
from service.provider_packs import services
from service.queue import enqueue_after_commit, periodic_app_task

log = logging.getLogger(__name__)


def send_due_packs_now(today: date | None = None) -> int:
    """Send what is due (in an app context) and commit: the work is enqueued then. Returns how many went."""
    sent = services.send_due_packs(today or date.today(), Path(current_app.config["APDOCS_OUTPUT_DIR"]))
    for document, message in sent:
        enqueue_after_commit(produce_document, document.id)
        enqueue_after_commit(deliver_message, message.id)
    db.session.commit()
    if sent:
        log.info("sent %d provider pack(s) on their send date", len(sent))
    return len(sent)


@periodic_app_task(crontab(minute="15"), lock="send-due-provider-packs")
def send_due_provider_packs() -> None:
    """One run at a time across every worker machine (the lock lives in the queue's storage), so two
    schedulers never both find the same pack unsent."""
    send_due_packs_now()
