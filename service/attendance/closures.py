"""A day (or half day) a provider was closed: reported by the provider, coded by the commissioner.

Why a report of its own, not a code on the register: ``#`` is the school's own planned whole-school closure and
``Y1``-``Y7`` say a session was not possible, and both are the commissioner's to record, because the commissioner
keeps the pupil's register (the School Attendance (Pupil Registration) (England) Regulations 2024). What the
provider knows is that it was closed, and why. So it reports that here; every pupil who should have been there
gets ``N`` for the session, linked to the closure, which keeps it a possible session (an unauthorised absence
until decided); the commissioner then records the code the regulations allow (an absence code, or ``Y1``-``Y7``
where their conditions are met), and the register and the summary count the sessions lost.

Which sessions: those of every placement at the provider that was recording attendance that day (active, under
review or ended; the day within its dates; the session on its provider timetable; not in the future). A session
already marked is left as it is, except that an ``N`` the provider already entered is linked to the closure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.attendance.models import AttendanceMark, MarkSource, ProviderClosure
from service.attendance.services import RECORDING_STATUSES, date_problem, is_scheduled
from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.extensions import db
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import Session
from service.rules.dates import uk_date
from service.rules.roles import Role

MAX_REASON = 500

#: How much of the day the provider was closed: the form's choices, and the sessions each covers.
PARTS: dict[str, tuple[str, tuple[Session, ...]]] = {
    "day": ("The whole day", (Session.AM, Session.PM)),
    "morning": ("The morning only", (Session.AM,)),
    "afternoon": ("The afternoon only", (Session.PM,)),
}


class ClosureErrors(Exception):
    """Answers to fix before anything is saved; ``problems`` maps each form field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class ClosureDetails:
    """What the provider's staff typed: ``provider_id`` may be None when their organisation has one provider."""

    provider_id: int | None
    on: date | None
    part: str
    reason: str


@dataclass(frozen=True)
class ClosureReport:
    closure: ProviderClosure
    marked: int  # sessions marked N for the closure
    linked: int  # sessions already marked N by the provider, now linked to it


def providers_of(user: User) -> list[Provider]:
    """The providers whose staff this user is: only provider staff have any (deny by default)."""
    if user.role is not Role.PROVIDER_STAFF or user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Provider).where(Provider.organisation_id == user.organisation_id).order_by(Provider.name)
        )
    )


def closures_for(user: User) -> list[ProviderClosure]:
    """The closures this user's provider reported, newest first: a provider sees only its own."""
    ids = [p.id for p in providers_of(user)]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(ProviderClosure)
            .where(ProviderClosure.provider_id.in_(ids))
            .options(selectinload(ProviderClosure.provider), selectinload(ProviderClosure.reported_by))
            .order_by(ProviderClosure.on.desc(), ProviderClosure.id.desc())
        )
    )


def sessions_of(closure: ProviderClosure) -> tuple[Session, ...]:
    return tuple(s for s, closed in ((Session.AM, closure.morning), (Session.PM, closure.afternoon)) if closed)


def part_label(closure: ProviderClosure) -> str:
    return {(True, True): "Whole day", (True, False): "Morning", (False, True): "Afternoon"}.get(
        (closure.morning, closure.afternoon), "No session"
    )


def report_closure(user: User, details: ClosureDetails, today: date) -> ClosureReport:
    """Record the closure and mark each pupil's lost session ``N``, linked to it (the caller commits).

    Raises ``PermissionError`` for anyone but the provider's staff, and ``ClosureErrors`` with every answer to fix
    (nothing is written then)."""
    providers = providers_of(user)
    if not providers:
        raise PermissionError("only a provider's staff report its closures")
    provider, problems = _check(details, providers, today)
    if problems or provider is None or details.on is None:
        raise ClosureErrors(problems)
    sessions = PARTS[details.part][1]
    closure = ProviderClosure(
        provider_id=provider.id,
        on=details.on,
        morning=Session.AM in sessions,
        afternoon=Session.PM in sessions,
        reason=details.reason.strip(),
        reported_by_id=user.id,
    )
    db.session.add(closure)
    db.session.flush()
    marked, linked, placement_ids = _mark_sessions(user, closure, provider, sessions, today)
    audit.record(
        "report",
        "provider_closure",
        closure.id,
        user,
        {
            "provider_id": provider.id,
            "on": closure.on.isoformat(),
            "sessions": [s.value for s in sessions],
            "placement_ids": placement_ids,
            "marked": marked,
            "linked": linked,
        },
    )
    return ClosureReport(closure, marked, linked)


def _check(details: ClosureDetails, providers: list[Provider], today: date) -> tuple[Provider | None, dict[str, str]]:
    """The provider closed, and every problem with the answers, by form field."""
    problems: dict[str, str] = {}
    provider: Provider | None = providers[0] if len(providers) == 1 else None
    if len(providers) > 1:
        provider = next((p for p in providers if p.id == details.provider_id), None)
        if provider is None:
            problems["provider"] = "Choose which of your providers was closed"
    on = details.on
    if on is None:
        problems["closed_on"] = "Enter the date your provision was closed"
    elif on > today:
        problems["closed_on"] = "The date must be today or in the past: report a closure on the day or after it"
    elif on.weekday() > 4:
        problems["closed_on"] = "Closures are reported for Monday to Friday, the days attendance is recorded"
    if details.part not in PARTS:
        problems["part"] = "Choose whether you were closed all day, the morning or the afternoon"
    reason = details.reason.strip()
    if not reason:
        problems["reason"] = "Enter why your provision was closed"
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"The reason must be {MAX_REASON} characters or fewer"
    if provider is not None and on is not None and "closed_on" not in problems and details.part in PARTS:
        already = _already_reported(provider, on, PARTS[details.part][1])
        if already:
            problems["closed_on"] = f"You have already reported a closure on {uk_date(on)} ({already.lower()})"
    return provider, problems


def _already_reported(provider: Provider, on: date, sessions: tuple[Session, ...]) -> str | None:
    """The sessions of this day an earlier report already covers, as words, or None."""
    earlier = db.session.scalars(
        sa.select(ProviderClosure).where(ProviderClosure.provider_id == provider.id, ProviderClosure.on == on)
    ).all()
    covered = {s for closure in earlier for s in sessions_of(closure)} & set(sessions)
    if not covered:
        return None
    return "the whole day" if len(covered) == 2 else ("the morning" if Session.AM in covered else "the afternoon")


def _mark_sessions(
    user: User, closure: ProviderClosure, provider: Provider, sessions: tuple[Session, ...], today: date
) -> tuple[int, int, list[int]]:
    """Mark ``N`` for each session the closure lost, each mark audited as the register's marks are.

    In a fixed number of statements however many placements the provider has (a provider may teach a hundred
    pupils): one read of the placements and their timetables, one of the day's marks, the new marks written
    together, then their audit records."""
    placements = [
        p
        for p in db.session.scalars(
            sa.select(Placement)
            .where(Placement.provider_id == provider.id, Placement.status.in_(RECORDING_STATUSES))
            .options(selectinload(Placement.sessions))
            .order_by(Placement.id)
        )
        if date_problem(p, closure.on, today) is None
    ]
    existing = {
        (m.placement_id, m.session): m
        for m in db.session.scalars(
            sa.select(AttendanceMark).where(
                AttendanceMark.placement_id.in_([p.id for p in placements]), AttendanceMark.on == closure.on
            )
        )
    }
    created: list[AttendanceMark] = []
    linked: list[AttendanceMark] = []
    for placement in placements:
        for session in sessions:
            if not is_scheduled(placement, closure.on, session):
                continue
            mark = existing.get((placement.id, session))
            if mark is None:
                created.append(
                    AttendanceMark(
                        placement_id=placement.id,
                        on=closure.on,
                        session=session,
                        code=rules.UNEXPLAINED,
                        source=MarkSource.CLOSURE,
                        recorded_by_id=user.id,
                        recorded_at=utcnow(),
                        note="",
                        closure=closure,
                    )
                )
            elif rules.is_unexplained(mark.code) and mark.closure_id is None:
                mark.closure = closure  # the provider's own N: the same session, now known to be the closure's
                linked.append(mark)
    db.session.add_all(created)
    db.session.flush()
    for mark in created:
        audit.record(
            "record",
            "attendance_mark",
            mark.id,
            user,
            {
                "placement_id": mark.placement_id,
                "on": mark.on.isoformat(),
                "session": mark.session.value,
                "code": mark.code,
                "previous_code": None,
                "source": MarkSource.CLOSURE.value,
                "closure_id": closure.id,
            },
        )
    for mark in linked:
        detail = {"placement_id": mark.placement_id, "closure_id": closure.id}
        audit.record("link", "attendance_mark", mark.id, user, detail)
    touched = sorted({m.placement_id for m in created + linked})
    return len(created), len(linked), touched
