"""Review reminders, every morning on the worker."""

from __future__ import annotations

import logging
from datetime import date

from huey import crontab

from service.extensions import db
from service.mail.jobs import deliver_message
from service.queue import enqueue_after_commit, periodic_app_task
from service.reviews.reminders import overdue_review_reminders

log = logging.getLogger(__name__)


def send_review_reminders_now(today: date | None = None) -> int:
    """Queue and send the overdue-review reminders due today (in an app context); returns how many."""
    messages = overdue_review_reminders(today or date.today())
    for message in messages:
        enqueue_after_commit(deliver_message, message.id)
    db.session.commit()
    return len(messages)


@periodic_app_task(crontab(minute="0", hour="7"), lock="send-review-reminders")
def send_review_reminders() -> None:
    count = send_review_reminders_now()
    if count:
        log.info("sent %d overdue-review reminder(s)", count)
