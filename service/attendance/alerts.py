"""Same-day attendance alerts: an unexplained absence, or a session that ended with no mark, emailed once to
the commissioning organisation's attendance contact.

Apart from the register because they run from the worker every ten minutes, over every organisation,
and write to the outbox; the register's pages never need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from service.attendance.models import AttendanceMark
from service.attendance.services import RUNNING_STATUSES, first_day, is_scheduled, last_day
from service.extensions import db
from service.mail.models import OutboxMessage
from service.mail.outbox import queue_message
from service.organisations.models import Organisation
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import Session
from service.rules.dates import UK, uk_date

ALERT_PURPOSE = "attendance_alert"


@dataclass(frozen=True)
class AttendanceAlert:
    kind: str  # "unexplained" (marked N) or "unmarked" (the session ended with no mark)
    placement: Placement
    on: date
    session: Session
    #: The ``N`` was made by the provider's report of a closure (``service.attendance.closures``): the email says
    #: so, since nobody needs to find out why; the key stays that of an ``N``, so linking a provider's own ``N`` to a
    #: closure later never sends a second email for the same session.
    closure: bool = False

    @property
    def key(self) -> str:
        """What makes the alert unique, written into its email so it never goes twice."""
        return f"attendance-alert:AP-{self.placement.id}:{self.on.isoformat()}:{self.session.value}:{self.kind}"

    @property
    def description(self) -> str:
        when = "this morning" if self.session is Session.AM else "this afternoon"
        if self.kind == "unexplained" and self.closure:
            return f"unable to attend {when}: the provider reported it was closed"
        if self.kind == "unexplained":
            return f"marked absent without a reason {when}"
        return f"not marked {when}"


def _organisation_placements(organisation_id: int) -> sa.Select[tuple[Placement]]:
    """Running placements of an organisation, as commissioner or as the provider (never a draft)."""
    provider_ids = sa.select(Provider.id).where(Provider.organisation_id == organisation_id)
    return (
        sa.select(Placement)
        .where(
            sa.or_(
                Placement.commissioning_organisation_id == organisation_id,
                Placement.provider_id.in_(provider_ids),
            ),
            Placement.status.in_(RUNNING_STATUSES),
        )
        .options(selectinload(Placement.sessions), selectinload(Placement.provider))
    )


def unexplained_today(organisation_id: int, today: date) -> list[AttendanceAlert]:
    """The organisation's running placements whose pupil was marked ``N`` today, morning first."""
    stmt = (
        sa.select(AttendanceMark)
        .join(Placement, AttendanceMark.placement_id == Placement.id)
        .where(
            AttendanceMark.on == today,
            AttendanceMark.code == rules.UNEXPLAINED,
            Placement.id.in_(_organisation_placements(organisation_id).with_only_columns(Placement.id)),
        )
        .options(selectinload(AttendanceMark.placement).selectinload(Placement.provider))
        .order_by(AttendanceMark.session, AttendanceMark.placement_id)
    )
    return [
        AttendanceAlert("unexplained", m.placement, m.on, m.session, closure=m.closure_id is not None)
        for m in db.session.scalars(stmt)
    ]


def unmarked_sessions(organisation_id: int, now: datetime) -> list[AttendanceAlert]:
    """Today's scheduled sessions of running placements that have ended (am at 12:30, pm at 16:00, UK time)
    with no mark. ``now`` is an aware datetime."""
    local = now.astimezone(UK)
    today = local.date()
    ended = rules.sessions_over(local.time())
    if today.weekday() > 4 or not ended:
        return []
    placements = [
        p
        for p in db.session.scalars(_organisation_placements(organisation_id).order_by(Placement.id))
        if first_day(p) <= today and (last_day(p) is None or today <= last_day(p))  # type: ignore[operator]
    ]
    if not placements:
        return []
    marked = {
        (placement_id, session)
        for placement_id, session in db.session.execute(
            sa.select(AttendanceMark.placement_id, AttendanceMark.session).where(
                AttendanceMark.on == today, AttendanceMark.placement_id.in_([p.id for p in placements])
            )
        )
    }
    return [
        AttendanceAlert("unmarked", p, today, session)
        for session in ended
        for p in placements
        if is_scheduled(p, today, session) and (p.id, session) not in marked
    ]


def _already_sent(alert: AttendanceAlert) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    OutboxMessage.purpose == ALERT_PURPOSE,
                    OutboxMessage.placement_id == alert.placement.id,
                    OutboxMessage.body_text.contains(alert.key),
                )
            )
        )
    )


def queue_alerts(now: datetime) -> list[OutboxMessage]:
    """Queue one email per new problem to each commissioning organisation's attendance contact (if it has
    one). The caller commits, then enqueues the deliveries. Subjects and bodies name no pupil."""
    today = now.astimezone(UK).date()
    organisations = db.session.scalars(
        sa.select(Organisation).where(
            Organisation.attendance_contact_email != "",
            Organisation.id.in_(
                sa.select(Placement.commissioning_organisation_id).where(Placement.status.in_(RUNNING_STATUSES))
            ),
        )
    )
    base_url = current_app.config.get("APDOCS_BASE_URL", "")
    queued = []
    for organisation in organisations:
        alerts = unexplained_today(organisation.id, today) + unmarked_sessions(organisation.id, now)
        for alert in alerts:
            if alert.placement.commissioning_organisation_id != organisation.id or _already_sent(alert):
                continue
            ref = f"AP-{alert.placement.id}"
            subject = f"Attendance: a pupil at {alert.placement.provider.name} was {alert.description} (ref {ref})"
            body = (
                f"A pupil at {alert.placement.provider.name} was {alert.description} "
                f"({alert.session.label.lower()} of {uk_date(alert.on)}).\n\n"
                + (
                    "The session stays a possible session, marked N, until you record its code on the register:\n"
                    if alert.closure
                    else "Please find out why and record your decision on the register:\n"
                    if alert.kind == "unexplained"
                    else "Please ask the provider to record the register, or record it yourself:\n"
                )
                + f"{base_url}/placements/{alert.placement.id}/attendance\n\n"
                f"{alert.key}\n"
            )
            queued.append(
                queue_message(
                    organisation_id=organisation.id,
                    to=[organisation.attendance_contact_email],
                    subject=subject,
                    body=body,
                    purpose=ALERT_PURPOSE,
                    placement_id=alert.placement.id,
                )
            )
    return queued
