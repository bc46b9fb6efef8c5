"""The attendance alerts: every ten minutes on weekdays, email each commissioner's attendance contact one digest
of what is new today: pupils marked absent without a reason, sessions lost to a provider's closure, and sessions
that ended with no mark.

Each session alerted is a row with a unique key (``AlertedSession``), written in the same transaction as its
digest: a run that repeats, or two workers at once, never lists a session twice (``service.attendance.alerts``).
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
    """Queue the new digests (in an app context) and commit: their delivery is enqueued then, never before the
    alerted sessions' keys are committed with them. Returns how many digests."""
    messages = alerts.queue_alerts(now or utcnow())
    for message in messages:
        enqueue_after_commit(deliver_message, message.id)
    db.session.commit()
    if messages:
        log.info("queued %d attendance alert digest(s)", len(messages))
    return len(messages)


@periodic_app_task(crontab(minute="*/10", day_of_week="1-5"), lock="send-attendance-alerts")
def send_attendance_alerts() -> None:
    send_attendance_alerts_now()
