"""The attendance alerts: every ten minutes on weekdays, email the commissioner's attendance contact about
each pupil marked absent without a reason today, and each session that ended with no mark.

Each alert carries its key in its body; one already in the outbox is never queued again, so a run that
repeats (or two workers) sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from huey import crontab

from service.attendance import alerts
from service.db import utcnow
from service.extensions import db
from service.mail.jobs import deliver_message
from service.queue import enqueue_after_commit, periodic_app_task

log = logging.getLogger(__name__)


def send_attendance_alerts_now(now: datetime | None = None) -> int:
    """Queue the new alerts (in an app context) and commit: their delivery is enqueued then. Returns how many."""
    messages = alerts.queue_alerts(now or utcnow())
    for message in messages:
        enqueue_after_commit(deliver_message, message.id)
    db.session.commit()
    if messages:
        log.info("queued %d attendance alert(s)", len(messages))
    return len(messages)


@periodic_app_task(crontab(minute="*/10", day_of_week="1-5"), lock="send-attendance-alerts")
def send_attendance_alerts() -> None:
    send_attendance_alerts_now()
