"""Which sessions should have a mark by now: the timetable's sessions on working days, inside term when the
organisation has term dates, from the first day to the last, today's only once they are over. Counted by hand
on a calendar of 2026-27 (bank holidays: Mon 25 May, Fri 25 and Mon 28 December 2026, Fri 1 January 2027)."""

from datetime import date

import pytest

from service.rules.attendance_codes import Session
from service.rules.attendance_expected import expected_sessions, missing_marks
from service.rules.review_dates import HalfTerm

AM, PM = Session.AM, Session.PM
FULL_TIME = {(day, session) for day in range(5) for session in (AM, PM)}
TUESDAY_AND_THURSDAY_AFTERNOONS = {(1, PM), (3, PM)}
TERMS = [
    HalfTerm("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    HalfTerm("Spring 1", date(2027, 1, 4), date(2027, 2, 12)),
]


@pytest.mark.parametrize(
    ("timetable", "first_day", "last_day", "today", "ended_today", "half_terms", "count"),
    [
        # Mon 30 Nov to Wed 2 Dec, Wednesday morning over, its afternoon not yet
        (FULL_TIME, date(2026, 11, 30), None, date(2026, 12, 2), {AM}, [], 5),
        # nothing of today is over yet
        (FULL_TIME, date(2026, 11, 30), None, date(2026, 12, 2), set(), [], 4),
        # starting on the spring bank holiday: Monday is not a school day
        (FULL_TIME, date(2026, 5, 25), None, date(2026, 5, 26), {AM, PM}, [], 2),
        # across Christmas with term dates: 14-18 Dec and 4-5 Jan, none of the holiday
        (FULL_TIME, date(2026, 12, 14), None, date(2027, 1, 5), {AM, PM}, TERMS, 14),
        # the same without term dates: every working day (21-24, 29-31 Dec; not 25, 28 Dec or 1 Jan)
        (FULL_TIME, date(2026, 12, 14), None, date(2027, 1, 5), {AM, PM}, [], 28),
        # a part-time timetable: Tuesday and Thursday afternoons only
        (TUESDAY_AND_THURSDAY_AFTERNOONS, date(2026, 11, 30), None, date(2026, 12, 4), {AM, PM}, [], 2),
        # the placement ended on Tuesday: nothing after its last day
        (FULL_TIME, date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 4), {AM, PM}, [], 4),
        # a placement since September: only the last four weeks (Wed 4 Nov to Tue 1 Dec, 20 days)
        (FULL_TIME, date(2026, 9, 1), None, date(2026, 12, 2), set(), [], 40),
        # not started yet
        (FULL_TIME, date(2026, 12, 7), None, date(2026, 12, 2), {AM, PM}, [], 0),
    ],
)
def test_expected_sessions(timetable, first_day, last_day, today, ended_today, half_terms, count):
    expected = expected_sessions(
        timetable=timetable,
        first_day=first_day,
        last_day=last_day,
        today=today,
        ended_today=ended_today,
        half_terms=half_terms,
    )
    assert len(expected) == count
    assert expected == sorted(expected)


def test_a_tuesday_afternoon_is_the_day_and_the_session():
    expected = expected_sessions(
        timetable=TUESDAY_AND_THURSDAY_AFTERNOONS,
        first_day=date(2026, 11, 30),
        last_day=None,
        today=date(2026, 12, 3),
        ended_today=set(),
        half_terms=TERMS,
    )
    assert expected == [(date(2026, 12, 1), PM)]


def test_missing_marks_are_the_expected_sessions_without_one():
    expected = [(date(2026, 11, 30), AM), (date(2026, 11, 30), PM), (date(2026, 12, 1), AM)]
    assert missing_marks(expected, {(date(2026, 11, 30), PM)}) == [(date(2026, 11, 30), AM), (date(2026, 12, 1), AM)]
    assert missing_marks(expected, set(expected)) == []
