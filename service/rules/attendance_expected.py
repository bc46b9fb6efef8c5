"""Which sessions a placement's timetable says the pupil should have been registered for by now.

Why: a pupil in AP who is not marked is a pupil nobody knows is safe. The DfE's guidance on AP expects the
commissioner to know, every session, whether the pupil attended; Ofsted and the CQC (2024) found
commissioners who did not. The dashboard lists placements with sessions that should have a mark and have
none, so it has to agree with the provider's week: Monday to Friday, never England's bank holidays, only
inside the organisation's term dates when it has entered any (the provider is not expected to register a
pupil in the school holidays), from the placement's first day to its last, and today only once the session
is over (a morning at 12:30, an afternoon at 16:00, as ``rules.attendance_codes`` says).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta

from service.rules.attendance_codes import Session
from service.rules.calendar import is_working_day
from service.rules.review_dates import HalfTerm

#: How far back the dashboard looks for missing marks: four school weeks. Older gaps are on the register page.
LOOK_BACK_DAYS = 28


def expected_sessions(
    *,
    timetable: Collection[tuple[int, Session]],
    first_day: date,
    last_day: date | None,
    today: date,
    ended_today: Collection[Session],
    half_terms: Sequence[HalfTerm] = (),
    look_back_days: int = LOOK_BACK_DAYS,
) -> list[tuple[date, Session]]:
    """The (day, session) pairs that should have a mark, oldest first.

    ``timetable`` holds (weekday, session) pairs, Monday = 0. ``ended_today`` is the sessions of ``today``
    that are over by the clock; earlier days count whole. With ``half_terms`` empty every working day counts.
    """
    start = max(first_day, today - timedelta(days=look_back_days))
    end = today if last_day is None else min(today, last_day)
    slots = window_slots(today=today, ended_today=ended_today, half_terms=half_terms, since=start)
    return expected_among(slots, timetable=timetable, first_day=start, last_day=end)


def expected_among(
    slots: Iterable[tuple[date, Session]],
    *,
    timetable: Collection[tuple[int, Session]],
    first_day: date,
    last_day: date | None,
) -> list[tuple[date, Session]]:
    """Of ``slots`` (``window_slots``, in order), those a placement should have a mark for: on its week's
    (weekday, session) pairs, from its first day to its last (None: still running). The dashboard works the window
    out once and asks this of every placement."""
    return [
        (day, session)
        for day, session in slots
        if first_day <= day and (last_day is None or day <= last_day) and (day.weekday(), session) in timetable
    ]


def window_slots(
    *, today: date, ended_today: Collection[Session], half_terms: Sequence[HalfTerm] = (), since: date
) -> list[tuple[date, Session]]:
    """Every (day, session) from ``since`` to ``today`` that a timetabled session on it should have a mark for,
    whatever the placement: school days only, and today's sessions once over. The same for every placement, so the
    dashboard works it out once and asks the database which placements lack a mark on one of them."""
    slots = []
    for day in _days(since, today):
        if not is_working_day(day) or (half_terms and not any(day in term for term in half_terms)):
            continue
        for session in (Session.AM, Session.PM):
            if day == today and session not in ended_today:
                continue
            slots.append((day, session))
    return slots


def missing_marks(
    expected: Iterable[tuple[date, Session]], marked: Collection[tuple[date, Session]]
) -> list[tuple[date, Session]]:
    """The expected sessions with no mark, oldest first."""
    return [slot for slot in expected if slot not in marked]


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
