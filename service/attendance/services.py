"""The attendance register: recording marks, the commissioner's decisions and the register over a period.

The same-day alerts are ``service.attendance.alerts``'s and the weekly report ``service.attendance.report``'s.

Who may record is decided by the view (``placement_or_404`` scopes provider staff to their provider's
non-draft placements and commissioners to their own); which codes each may enter is the rule in
``service.rules.attendance_codes`` (:func:`enterer` says who is entering). A day the provider was closed is
``service.attendance.closures``'s: its sessions are marks here, ``N`` and linked to the closure, until the
commissioner codes them. Every write is audited with the code it replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.access import is_la_officer
from service.attendance.models import AttendanceMark, MarkSource
from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.errors import FieldError
from service.extensions import db
from service.placements.models import Placement
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import MIDDAY, CodeError, Enterer, Session, Summary, WeekSummary
from service.rules.dates import uk_date
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role

#: Attendance can be recorded for a placement that has started (and corrected once it has ended).
RECORDING_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED)
#: Placements whose sessions are expected today, and chased when unmarked.
RUNNING_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)
MAX_NOTE = 500


def first_day(placement: Placement) -> date:
    return placement.actual_start or placement.planned_start


def last_day(placement: Placement) -> date | None:
    return placement.actual_end or placement.planned_end


def scheduled_sessions(placement: Placement) -> set[tuple[int, Session]]:
    """The (weekday, session) pairs the placement's timetable covers: a session starting before 12:30 is a
    morning one, one ending after 12:30 an afternoon one, a whole day both."""
    return scheduled_in(placement.provider_sessions)  # the provider marks its own sessions, not the school's


class _WeeklySession(Protocol):
    weekday: int
    starts_at: time
    ends_at: time


def scheduled_in(provider_sessions: Iterable[_WeeklySession]) -> set[tuple[int, Session]]:
    """The same from the provider's sessions as plain values (the census export's, for every placement at once)."""
    scheduled = set()
    for s in provider_sessions:
        if s.starts_at < MIDDAY:
            scheduled.add((int(s.weekday), Session.AM))
        if s.ends_at > MIDDAY:
            scheduled.add((int(s.weekday), Session.PM))
    return scheduled


def is_scheduled(placement: Placement, on: date, session: Session) -> bool:
    return (on.weekday(), session) in scheduled_sessions(placement)


def date_problem(placement: Placement, on: date, today: date) -> str | None:
    """Why no mark can be recorded on this day, or None."""
    if placement.status not in RECORDING_STATUSES:
        return "Attendance can be recorded once the placement has started"
    if on.weekday() > 4:
        return "Attendance is recorded Monday to Friday"
    if on > today:
        return "You cannot record attendance for a day in the future"
    if on < first_day(placement):
        return f"The placement starts on {uk_date(first_day(placement))}: this day is before it"
    end = last_day(placement)
    if end is not None and on > end:
        return f"The placement ended on {uk_date(end)}: this day is after it"
    return None


def enterer(user: User) -> Enterer:
    """Who this user is for the rule of who enters which code: provider staff record only what they saw; a
    commissioner at a local authority has no school of its own to close (``#``)."""
    if user.role is Role.PROVIDER_STAFF:
        return Enterer.PROVIDER
    return Enterer.LOCAL_AUTHORITY if is_la_officer(user) else Enterer.SCHOOL


def check_mark(placement: Placement, on: date, session: Session, text: str, user: User, today: date) -> str:
    """The code to record, or ``CodeError`` with the reason. Provider staff may enter only what they saw."""
    problem = date_problem(placement, on, today)
    if problem:
        raise CodeError(problem)
    return rules.parse_code(text, session, by=enterer(user))


def marks_between(placement_id: int, start: date, end: date) -> list[AttendanceMark]:
    return list(
        db.session.scalars(
            sa.select(AttendanceMark)
            .where(AttendanceMark.placement_id == placement_id, AttendanceMark.on.between(start, end))
            .options(selectinload(AttendanceMark.closure))
            .order_by(AttendanceMark.on, AttendanceMark.session)
        )
    )


def record_mark(
    user: User | None,
    placement: Placement,
    on: date,
    session: Session,
    code: str,
    source: MarkSource,
    *,
    expected: str | None = None,
) -> AttendanceMark | None:
    """Record or change one mark (already checked), audited with the code it replaced. None if unchanged.

    ``expected``: the code the user was changing ("" for none); if another request saved a different one since,
    :class:`SavedMeanwhile` is raised and nothing is written (a new mark racing another to the same session is
    refused by the database's unique constraint instead: ``IntegrityError``, which the views treat the same).

    A session lost to the provider's closure (``service.attendance.closures`` writes those) and later marked
    present, or corrected by the provider (who knows what happened that day), was not lost after all: its link to
    the closure goes. The commissioner coding it (an absence, or not possible) keeps the link: it was still lost."""
    mark = db.session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.placement_id == placement.id, AttendanceMark.on == on, AttendanceMark.session == session
        )
    )
    previous = mark.code if mark else None
    if expected is not None and (previous or "") != expected:
        raise SavedMeanwhile()
    if previous == code:
        return None
    previous_closure = mark.closure_id if mark else None
    now = utcnow()
    if mark is None:
        mark = AttendanceMark(placement_id=placement.id, on=on, session=session, note="")
        db.session.add(mark)
    mark.code = code
    mark.source = source
    if rules.code_class(code).counts_as_present or (user is not None and user.role is Role.PROVIDER_STAFF):
        mark.closure_id = None
    mark.recorded_by_id = user.id if user else None
    mark.recorded_at = now
    if user is not None and user.role is Role.COMMISSIONER and previous == rules.UNEXPLAINED:
        mark.authorised_by_id, mark.authorised_at = user.id, now
    elif user is not None and user.role is not Role.COMMISSIONER:
        mark.authorised_by_id, mark.authorised_at = None, None
    db.session.flush()
    audit.record(
        "change" if previous else "record",
        "attendance_mark",
        mark.id,
        user,
        {
            "placement_id": placement.id,
            "on": on.isoformat(),
            "session": session.value,
            "code": code,
            "previous_code": previous,
            "source": source.value,
            **({"closure_id": mark.closure_id or previous_closure} if mark.closure_id or previous_closure else {}),
            **({"closure_unlinked": True} if previous_closure and not mark.closure_id else {}),
        },
    )
    return mark


@dataclass
class Cell:
    on: date
    session: Session
    code: str  # as recorded, or as typed when the form came back with errors
    scheduled: bool
    problem: str | None  # why this cell cannot be recorded (future, outside the placement): None if it can
    locked: bool = False  # the commissioner decided this mark: provider staff see it but cannot change it
    error: str | None = None
    closed: bool = False  # the session was lost to the provider's closure
    recorded: str = ""  # the code saved when the grid was read, whatever is typed over it

    @property
    def shown_name(self) -> str:
        """The hidden field that brings back the code the user was shown (``save_week``'s check for a change made
        by someone else meanwhile)."""
        return f"shown-{self.name}"

    @property
    def name(self) -> str:
        return f"mark-{self.on.isoformat()}-{self.session.value}"

    @property
    def editable(self) -> bool:
        return self.problem is None and not self.locked


@dataclass
class Day:
    on: date
    cells: list[Cell]


class SavedMeanwhile(Exception):
    """A mark was saved by someone else (the register in another window, a CSV import) after this user's page
    was built or while their save ran: nothing of theirs is saved, so that no one's mark is overwritten unseen."""


#: What the register says when a save lost to someone else's (the page is shown again as it is saved now).
SAVED_MEANWHILE = (
    "A session on this page was saved by someone else while you were marking (on another register page or by a "
    "CSV import). Nothing you entered was saved: the week below shows what is saved now. Check it and save again."
)


class GridErrors(Exception):
    """Some cells could not be saved (nothing was): the grid with each cell's error."""

    def __init__(self, days: list[Day]) -> None:
        super().__init__("attendance grid has errors")
        self.days = days

    @property
    def cells_with_errors(self) -> list[Cell]:
        return [cell for day in self.days for cell in day.cells if cell.error]


def week_grid(placement: Placement, monday: date, user: User, today: date) -> list[Day]:
    """Monday to Friday, morning and afternoon, with the marks recorded."""
    marks = {(m.on, m.session): m for m in marks_between(placement.id, monday, monday + timedelta(days=4))}
    provider = user.role is Role.PROVIDER_STAFF
    days = []
    for offset in range(5):
        on = monday + timedelta(days=offset)
        cells = []
        for session in Session:
            mark = marks.get((on, session))
            code = mark.code if mark else ""
            locked = provider and bool(code) and code not in rules.PROVIDER_CODES
            cells.append(
                Cell(
                    on,
                    session,
                    code,
                    is_scheduled(placement, on, session),
                    date_problem(placement, on, today),
                    locked,
                    closed=bool(mark and mark.closure_id),
                    recorded=code,
                )
            )
        days.append(Day(on, cells))
    return days


def save_week(
    user: User, placement: Placement, monday: date, submitted: dict[str, str], today: date
) -> list[AttendanceMark]:
    """Check every cell of the week, then save them all, or none: raises ``GridErrors`` with a message per cell."""
    days = week_grid(placement, monday, user, today)
    to_save: list[tuple[Cell, str]] = []
    for cell in (cell for day in days for cell in day.cells):
        typed = (submitted.get(cell.name) or "").strip()
        recorded = cell.code
        shown = submitted.get(cell.shown_name)
        if shown is not None and shown.strip().upper() != recorded:
            # Saved by someone else since the page was built. Left as shown, the cell keeps their mark; changed,
            # the user meant to overwrite a code they never saw: refuse the whole save.
            if typed.upper() == shown.strip().upper():
                continue
            raise SavedMeanwhile()
        if typed == "" and recorded == "":
            continue
        if typed == "":
            cell.error = "A recorded mark cannot be removed: choose the correct code"
            continue
        if cell.locked:
            if typed.upper() != recorded:
                cell.code = typed
                cell.error = "The commissioner has decided this absence: ask them if it needs to change"
            continue
        if typed.upper() == recorded:
            continue  # unchanged: a mark recorded before the rule changed (a provider's #) is not re-checked
        try:
            code = check_mark(placement, cell.on, cell.session, typed, user, today)
        except CodeError as error:
            cell.code = typed
            cell.error = error.message
            continue
        cell.code = code
        if code != recorded:
            to_save.append((cell, code))
    if any(cell.error for day in days for cell in day.cells):
        raise GridErrors(days)
    saved = [
        record_mark(user, placement, c.on, c.session, code, MarkSource.GRID, expected=c.recorded) for c, code in to_save
    ]
    return [mark for mark in saved if mark is not None]


def choices_for(user: User, session: Session) -> list[tuple[str, str]]:
    """The codes this user can choose in one cell, for its select: only those they may enter."""
    codes = rules.codes_for(enterer(user))
    return [(code, rules.CODES[code].choice_label) for code in codes if rules.CODES[code].session in (None, session)]


def decide_absence(user: User, placement: Placement, mark_id: int, code: str, note: str) -> AttendanceMark:
    """Replace an ``N`` with the commissioner's decision: an authorised code, or ``O``/``G`` for unauthorised.

    A session lost to the provider's closure may also be recorded as not possible (``Y1``-``Y7``), where the
    regulations' conditions are met; its link to the closure stays, so it still counts as lost."""
    mark = db.session.scalar(
        sa.select(AttendanceMark).where(AttendanceMark.id == mark_id, AttendanceMark.placement_id == placement.id)
    )
    if mark is None:
        raise LookupError(mark_id)
    if not rules.is_unexplained(mark.code):
        raise FieldError("code", "This absence has already been decided")
    chosen = (code or "").strip().upper()
    if chosen not in rules.decision_codes(closure=mark.closure_id is not None):
        raise FieldError("code", "Choose why the pupil was absent, or record it as unauthorised")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise FieldError("note", f"The note must be {MAX_NOTE} characters or fewer")
    previous = mark.code
    mark.code = chosen
    mark.authorised_by_id = user.id
    mark.authorised_at = utcnow()
    mark.note = note
    action = {rules.CodeClass.AUTHORISED_ABSENCE: "authorise", rules.CodeClass.NOT_POSSIBLE: "not_possible"}
    detail = {"placement_id": placement.id, "code": chosen, "previous_code": previous, "with_note": bool(note)}
    if mark.closure_id is not None:
        detail["closure_id"] = mark.closure_id
    audit.record(action.get(rules.code_class(chosen), "unauthorise"), "attendance_mark", mark.id, user, detail)
    return mark


@dataclass
class Register:
    start: date
    end: date
    summary: Summary
    weeks: list[WeekSummary]
    unexplained: list[AttendanceMark]
    marks: list[AttendanceMark] = field(default_factory=list)
    this_week: date | None = None  # the Monday of the week to record (the period's last week)

    @property
    def lost_to_closure(self) -> list[AttendanceMark]:
        """The sessions the provider's closures lost in the period, however the commissioner coded them."""
        return [m for m in self.marks if m.closure_id is not None]

    @property
    def closure_to_code(self) -> int:
        """Of those, the ones still ``N``: the commissioner has not coded them yet."""
        return sum(1 for m in self.lost_to_closure if rules.is_unexplained(m.code))


def default_period(placement: Placement, today: date) -> tuple[date, date]:
    """The placement so far: from its first day to today, or to its last day if that came first."""
    start = first_day(placement)
    end = min(today, last_day(placement) or today)
    return start, max(start, end)


def register(placement: Placement, start: date, end: date) -> Register:
    marks = marks_between(placement.id, start, end)
    return Register(
        start=start,
        end=end,
        summary=rules.attendance_summary(m.code for m in marks),
        weeks=rules.weekly_summaries(((m.on, m.code) for m in marks), start, end),
        unexplained=[m for m in marks if rules.is_unexplained(m.code)],
        marks=marks,
    )


def summary_so_far(placement: Placement, today: date) -> Register | None:
    """The placement page's line: the register from the first day to today, or None before it started."""
    if placement.status not in RECORDING_STATUSES or first_day(placement) > today:
        return None
    result = register(placement, *default_period(placement, today))
    result.this_week = rules.monday_of(result.end)
    return result


def codes_of(marks: Iterable[AttendanceMark]) -> list[str]:
    return [m.code for m in marks]
