"""Demo attendance: a few weeks of marks for the running placements, as a provider would have recorded them.

Ellie attends well, with one absence from last week still to decide; Riley misses Mondays and is below 90%
(persistent absence), with one absence to decide; Jayden, placed by the LA, is full time and at exactly 90%: 36 of
the 40 sessions since he started four weeks ago (two days ill, a medical appointment and one unauthorised), so he is
flagged "90% or less at this placement", DfE's boundary being inclusive;
Kacper, whose placement has ended, was there every week but two, for his end-of-placement report.
Deterministic, so the demo reads the same every time it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from service.attendance.models import AttendanceMark, MarkSource
from service.attendance.services import first_day, scheduled_sessions
from service.demo.world import World
from service.extensions import db
from service.placements.models import Placement
from service.rules.attendance_codes import Session

PRESENT = {Session.AM: "/", Session.PM: "\\"}


def load(world: World) -> None:
    """Add the marks up to yesterday (the caller commits)."""
    today = world.today
    ellie, riley, jayden, kacper = (world.placements[k] for k in ("ellie", "riley", "jayden", "kacper"))
    db.session.flush()  # the placements' sessions are loaded
    ellie_n, riley_n = _last_week_index(ellie, today), _last_week_index(riley, today)

    def ellie_code(n: int, on: date) -> str | None:
        return "N" if n == ellie_n else ("L" if n % 7 == 3 else None)

    def riley_code(n: int, on: date) -> str | None:
        if n == riley_n:
            return "N"
        if on.weekday() == 0 and n % 3:  # Mondays are a pattern
            return "I" if n % 2 else "O"
        return None

    def jayden_code(n: int, on: date) -> str | None:
        # Full time for exactly four weeks before today: 40 sessions, 4 missed, 36 attended, exactly 90%.
        return {11: "I", 12: "I", 30: "M", 35: "O"}.get(n) or ("L" if n % 9 == 4 else None)

    def kacper_code(n: int, on: date) -> str | None:
        return {5: "I", 14: "O"}.get(n)

    _marks(ellie, today, ellie_code)
    _marks(riley, today, riley_code)
    _marks(jayden, today, jayden_code)
    _marks(kacper, today, kacper_code)


def _sessions(placement: Placement, today: date) -> list[tuple[date, Session]]:
    scheduled = scheduled_sessions(placement)
    found = []
    on = first_day(placement)
    until = today if placement.actual_end is None else min(today, placement.actual_end + timedelta(days=1))
    while on < until:
        for session in Session:
            if (on.weekday(), session) in scheduled:
                found.append((on, session))
        on += timedelta(days=1)
    return found


def _last_week_index(placement: Placement, today: date) -> int:
    """The first timetabled session of last week: the absence still to decide."""
    monday = today - timedelta(days=today.weekday(), weeks=1)
    for index, (on, _session) in enumerate(_sessions(placement, today)):
        if on >= monday:
            return index
    return -1


def _marks(placement: Placement, today: date, absent: Callable[[int, date], str | None]) -> None:
    for index, (on, session) in enumerate(_sessions(placement, today)):
        code = absent(index, on) or PRESENT[session]
        db.session.add(
            AttendanceMark(
                placement_id=placement.id, on=on, session=session, code=code, source=MarkSource.GRID, note=""
            )
        )
