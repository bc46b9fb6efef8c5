"""The attendance alerts: every ten minutes on weekdays, email the commissioner's attendance contact about
each pupil marked absent without a reason today, and each session that ended with no mark.

Each alert carries its key in its body; one already in the outbox is never queued again, so a run that
repeats (or two workers) sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from huey import crontab

from service.db import utcnow
from service.documents.jobs import _require_app, queue

log = logging.getLogger(__name__)


def send_attendance_alerts_now(now: datetime | None = None) -> int:
    """Queue the new alerts (in an app context), commit, then enqueue their delivery. Returns how many."""
    from service.attendance import alerts
    from service.extensions import db
    from service.mail import jobs as mail_jobs

    messages = alerts.queue_alerts(now or utcnow())
    db.session.commit()
    for message in messages:
        mail_jobs.enqueue_delivery(message.id)  # only after the commit
    if messages:
        log.info("queued %d attendance alert(s)", len(messages))
    return len(messages)


@queue.periodic_task(crontab(minute="*/10", day_of_week="1-5"))
@queue.lock_task("send-attendance-alerts")
def send_attendance_alerts() -> None:
    with _require_app().app_context():
        send_attendance_alerts_now()
