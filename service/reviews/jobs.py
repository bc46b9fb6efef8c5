"""Review reminders, every morning on the worker."""

from __future__ import annotations

import logging
from datetime import date

from huey import crontab

from service.documents.jobs import _require_app, queue

log = logging.getLogger(__name__)


def send_review_reminders_now(today: date | None = None) -> int:
    """Queue and send the overdue-review reminders due today (in an app context); returns how many."""
    from service.extensions import db
    from service.mail import jobs as mail_jobs
    from service.reviews.reminders import overdue_review_reminders

    messages = overdue_review_reminders(today or date.today())
    db.session.commit()
    for message in messages:
        mail_jobs.enqueue_delivery(message.id)
    return len(messages)


@queue.periodic_task(crontab(minute="0", hour="7"))
@queue.lock_task("send-review-reminders")
def send_review_reminders() -> None:
    with _require_app().app_context():
        count = send_review_reminders_now()
    if count:
        log.info("sent %d overdue-review reminder(s)", count)
