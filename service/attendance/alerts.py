"""Same-day attendance alerts: unexplained absences, sessions lost to a provider's closure and sessions that ended
with no mark, emailed to the commissioning organisation's attendance contact as one digest per run.

Apart from the register because they run from the worker every ten minutes, over every organisation,
and write to the outbox; the register's pages never need them.

Why a digest: one email per session sent an LA's contact thousands of emails on the first run. Each run now sends
each organisation (with a contact) at most one email, listing every session not alerted before, by provider and
placement reference, capped at ``MAX_LINES`` placements with the rest on the dashboard. Each session's key is a
unique row in ``attendance_alerts`` (``AlertedSession``): the day's keys are read in one query, and a run claims
its sessions by inserting their keys with ``ON CONFLICT DO NOTHING``, so when two runs overlap the database decides
which one lists a session, and it is never listed twice. The job's queries are the same however many placements.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from service.attendance.models import AlertedSession, AttendanceMark
from service.attendance.services import RUNNING_STATUSES, first_day, is_scheduled, last_day
from service.errors import FieldError
from service.extensions import db
from service.mail.addresses import valid_recipients
from service.mail.models import OutboxMessage
from service.mail.outbox import queue_message
from service.organisations.models import Organisation
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import Session
from service.rules.dates import UK, uk_date

log = logging.getLogger(__name__)

ALERT_PURPOSE = "attendance_alert"
#: Placements listed in one digest; the rest are counted, with a link to the dashboard.
MAX_LINES = 50


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
        """What makes the alert unique: ``AlertedSession.key``, as the emails before digests carried it."""
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
    return sa.select(Placement).where(
        sa.or_(
            Placement.commissioning_organisation_id == organisation_id,
            Placement.provider_id.in_(provider_ids),
        ),
        Placement.status.in_(RUNNING_STATUSES),
    )


def _contacts_placements() -> sa.Select[tuple[Placement]]:
    """Running placements commissioned by an organisation with an attendance contact: the ones the job chases."""
    with_contact = sa.select(Organisation.id).where(Organisation.attendance_contact_email != "")
    return sa.select(Placement).where(
        Placement.commissioning_organisation_id.in_(with_contact), Placement.status.in_(RUNNING_STATUSES)
    )


def _find(placements: sa.Select[tuple[Placement]], today: date, ended: Sequence[Session]) -> list[AttendanceAlert]:
    """Today's alerts for the placements selected, in four queries however many there are (the placements, their
    sessions and providers, and today's marks): each ``N``, then each ``ended`` session scheduled and unmarked."""
    rows = list(
        db.session.scalars(
            placements.options(selectinload(Placement.sessions), selectinload(Placement.provider)).order_by(
                Placement.id
            )
        )
    )
    if not rows:
        return []
    by_id = {p.id: p for p in rows}
    marks = db.session.execute(
        sa.select(AttendanceMark.placement_id, AttendanceMark.session, AttendanceMark.code, AttendanceMark.closure_id)
        .where(AttendanceMark.on == today, AttendanceMark.placement_id.in_(placements.with_only_columns(Placement.id)))
        .order_by(AttendanceMark.session, AttendanceMark.placement_id)
    ).all()
    unexplained = [
        AttendanceAlert("unexplained", by_id[placement_id], today, session, closure=closure_id is not None)
        for placement_id, session, code, closure_id in marks
        if code == rules.UNEXPLAINED and placement_id in by_id
    ]
    if today.weekday() > 4 or not ended:
        return unexplained
    marked = {(placement_id, session) for placement_id, session, _code, _closure in marks}
    running_today = [
        p
        for p in rows
        if first_day(p) <= today and (last_day(p) is None or today <= last_day(p))  # type: ignore[operator]
    ]
    unmarked = [
        AttendanceAlert("unmarked", p, today, session)
        for session in ended
        for p in running_today
        if is_scheduled(p, today, session) and (p.id, session) not in marked
    ]
    return unexplained + unmarked


def unexplained_today(organisation_id: int, today: date) -> list[AttendanceAlert]:
    """The organisation's running placements whose pupil was marked ``N`` today, morning first."""
    return _find(_organisation_placements(organisation_id), today, ())


def unmarked_sessions(organisation_id: int, now: datetime) -> list[AttendanceAlert]:
    """Today's scheduled sessions of running placements that have ended (am at 12:30, pm at 16:00, UK time)
    with no mark. ``now`` is an aware datetime."""
    local = now.astimezone(UK)
    ended = rules.sessions_over(local.time())
    if local.weekday() > 4 or not ended:
        return []
    return [a for a in _find(_organisation_placements(organisation_id), local.date(), ended) if a.kind == "unmarked"]


def find_new_alerts(now: datetime) -> list[AttendanceAlert]:
    """Every alert of today, for the organisations with an attendance contact, not already sent: a fixed number
    of queries however many placements (the day's keys are read in one)."""
    local = now.astimezone(UK)
    today = local.date()
    found = _find(_contacts_placements(), today, rules.sessions_over(local.time()))
    if not found:
        return []
    sent = set(db.session.scalars(sa.select(AlertedSession.key).where(AlertedSession.on == today)))
    return [a for a in found if a.key not in sent]


def queue_digests(found: Iterable[AttendanceAlert], now: datetime) -> list[OutboxMessage]:
    """Claim the alerts (the unique key: one another run claimed first is left out) and queue one digest per
    organisation to its attendance contact. The caller commits, then enqueues the deliveries.

    An organisation whose contact address the outbox would refuse is skipped, its alerts left unclaimed (logged by
    id, never the address): the others still get their digests, and it gets its own once the address is fixed."""
    by_organisation: dict[int, list[AttendanceAlert]] = defaultdict(list)
    for alert in found:
        by_organisation[alert.placement.commissioning_organisation_id].append(alert)
    if not by_organisation:
        return []
    contacts = {}
    for organisation in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(by_organisation))):
        try:
            contacts[organisation.id] = valid_recipients([organisation.attendance_contact_email])
        except FieldError:
            log.warning(
                "organisation %d: its attendance contact address is not valid; alerts not sent", organisation.id
            )
    claimed = _claim([a for org_id in sorted(contacts) for a in by_organisation[org_id]])
    base_url = current_app.config.get("APDOCS_BASE_URL", "")
    today = now.astimezone(UK).date()
    claimed_by_organisation: dict[int, list[AttendanceAlert]] = defaultdict(list)
    for alert in claimed:
        claimed_by_organisation[alert.placement.commissioning_organisation_id].append(alert)
    queued = []
    for organisation_id, listed in sorted(claimed_by_organisation.items()):
        message = queue_message(
            organisation_id=organisation_id,
            to=contacts[organisation_id],
            subject=digest_subject(listed),
            body=digest_body(listed, today, base_url),
            purpose=ALERT_PURPOSE,
        )
        db.session.execute(  # this run's rows of the organisation: another run's are committed with their email
            sa.update(AlertedSession)
            .where(
                AlertedSession.organisation_id == organisation_id,
                AlertedSession.on.in_({a.on for a in listed}),
                AlertedSession.outbox_message_id.is_(None),
            )
            .values(outbox_message_id=message.id)
        )
        queued.append(message)
    return queued


def queue_alerts(now: datetime) -> list[OutboxMessage]:
    """Queue this run's digests: one per organisation with an attendance contact and something new to tell.
    The caller commits, then enqueues the deliveries. Subjects and bodies name no pupil."""
    return queue_digests(find_new_alerts(now), now)


def _claim(found: list[AttendanceAlert]) -> list[AttendanceAlert]:
    """Insert each alert's key; keep the alerts whose row this run inserted. A key already there (sent before, or
    claimed by a run that overlaps this one) is skipped by the unique constraint, not by a check that could race:
    on PostgreSQL the insert waits for the other run's transaction, on SQLite for its write lock."""
    if not found:
        return []
    table = AlertedSession.__table__
    dialect = db.session.get_bind().dialect.name
    insert: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = insert.on_conflict_do_nothing(index_elements=[table.c.key]).returning(table.c.key)
    rows = [
        {
            "key": a.key,
            "organisation_id": a.placement.commissioning_organisation_id,
            "placement_id": a.placement.id,
            "on_date": a.on,
            "session": a.session,
            "kind": a.kind,
        }
        for a in {a.key: a for a in found}.values()
    ]
    inserted = set(db.session.scalars(stmt, rows))
    return [a for a in found if a.key in inserted]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def digest_subject(listed: Sequence[AttendanceAlert]) -> str:
    """The subject, e.g. "Attendance: 37 sessions need attention at 5 providers": counts only, never a pupil."""
    providers = len({a.placement.provider_id for a in listed})
    verb = "needs" if len(listed) == 1 else "need"
    return (
        f"Attendance: {_plural(len(listed), 'session', 'sessions')} {verb} attention at "
        f"{_plural(providers, 'provider', 'providers')}"
    )


def digest_body(listed: Sequence[AttendanceAlert], today: date, base_url: str) -> str:
    """The digest: the count at each provider (when there are several), then by provider (by name) one line per
    placement reference with its sessions, the first ``MAX_LINES`` placements, then how many more with the
    dashboard's link; then what to do for each kind listed.
    No pupil's name: the reference and the register's link are enough to find them after signing in."""
    by_placement: dict[int, list[AttendanceAlert]] = defaultdict(list)
    for alert in listed:
        by_placement[alert.placement.id].append(alert)
    placements = sorted(
        (alerts[0].placement for alerts in by_placement.values()), key=lambda p: (p.provider.name.casefold(), p.id)
    )
    providers = len({p.provider_id for p in placements})
    lines = [
        f"Attendance on {today:%A} {uk_date(today)}: {_plural(len(listed), 'session', 'sessions')} "
        f"{'needs' if len(listed) == 1 else 'need'} attention at {_plural(providers, 'provider', 'providers')}.",
        "Each line is a placement's reference; sign in to see who it is.",
    ]
    if providers > 1:  # every provider counted, so the cap never hides one
        per_provider: dict[int, list[Placement]] = defaultdict(list)
        for placement in placements:
            per_provider[placement.provider_id].append(placement)
        lines += ["", "By provider:"]
        for group in per_provider.values():
            count = sum(len(by_placement[p.id]) for p in group)
            lines.append(
                f"- {group[0].provider.name}: {_plural(count, 'session', 'sessions')} at "
                f"{_plural(len(group), 'placement', 'placements')}"
            )
    provider_id = None
    for placement in placements[:MAX_LINES]:
        if placement.provider_id != provider_id:
            provider_id = placement.provider_id
            lines += ["", placement.provider.name]
        order = {Session.AM: 0, Session.PM: 1}
        sessions = sorted(by_placement[placement.id], key=lambda a: (order[a.session], a.kind))
        lines.append(
            f"- AP-{placement.id}: {'; '.join(a.description for a in sessions)} "
            f"{base_url}/placements/{placement.id}/attendance"
        )
    if len(placements) > MAX_LINES:
        rest = placements[MAX_LINES:]
        sessions_left = sum(len(by_placement[p.id]) for p in rest)
        lines += [
            "",
            f"And {_plural(len(rest), 'more placement', 'more placements')} "
            f"({_plural(sessions_left, 'session', 'sessions')}): see the dashboard: {base_url}/",
        ]
    lines += ["", "What to do:"]
    kinds = {(a.kind, a.closure) for a in listed}
    if ("unexplained", False) in kinds:
        lines.append("- Marked absent without a reason: please find out why and record your decision on the register.")
    if ("unexplained", True) in kinds:
        lines.append(
            "- Unable to attend because the provider reported it was closed: the session stays a possible session, "
            "marked N, until you record its code on the register."
        )
    if ("unmarked", False) in kinds:
        lines.append("- Not marked: please ask the provider to record the register, or record it yourself.")
    return "\n".join(lines) + "\n"
