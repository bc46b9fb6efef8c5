"""School days: the days a pupil is expected in school, counted for deadlines set in school days.

Why this module exists: two deadlines in the law are counted in school days, not working days: the sixth school
day of an exclusion (:mod:`service.rules.exclusions`) and the five school days within which an ``N`` on the
register must be replaced (:mod:`service.rules.unexplained`). Counting them the same way everywhere keeps the
dashboard, the pupil's page and the weekly report in agreement.

A **school day** is counted as the review deadlines count it (:mod:`service.rules.review_dates`): a working day
in England (:mod:`service.rules.calendar`: a weekday that is not an England bank holiday) inside one of the
organisation's entered half-terms. Where the organisation has entered no term dates every working day counts, and
past the last entered half-term working days count too (the callers say so, so the reader knows a date is an
estimate until the term dates are entered). A day before the first entered half-term is not a school day: the
organisation's term dates say when its school year starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from service.rules.calendar import is_working_day
from service.rules.review_dates import HalfTerm

_ONE_DAY = timedelta(days=1)


def is_school_day(day: date, half_terms: Sequence[HalfTerm]) -> bool:
    """A working day inside an entered half-term; any working day with none entered or past the last one."""
    if not is_working_day(day):
        return False
    if not half_terms:
        return True
    if day > max(t.ends_on for t in half_terms):
        return True
    return any(day in t for t in half_terms)


def nth_school_day(first: date, n: int, half_terms: Sequence[HalfTerm]) -> date:
    """The ``n``-th school day counting ``first`` as day 1 when it is a school day (``n`` >= 1).

    Why: the exclusion guidance counts the first day of the exclusion as day 1. An exclusion recorded as
    starting on a day the school is closed starts, in effect, on the next school day. Always found: past the
    last entered half-term every working day counts.
    """
    if n < 1:
        raise ValueError("n counts from 1")
    day, count = first, 0
    while True:
        if is_school_day(day, half_terms):
            count += 1
            if count == n:
                return day
        day += _ONE_DAY


def nth_school_day_before(day: date, n: int, half_terms: Sequence[HalfTerm]) -> date | None:
    """The ``n``-th school day before ``day`` (``day`` itself not counted; ``n`` >= 1), or None when there are
    fewer than ``n`` school days before it (only possible before the first entered half-term, which has none).

    Why: a deadline counted forward ("five school days after the session") becomes one cut-off date counted
    backward from today, so a database can select every late record with one comparison.
    """
    if n < 1:
        raise ValueError("n counts from 1")
    first_term_day = min((t.starts_on for t in half_terms), default=None)
    count = 0
    while True:
        day -= _ONE_DAY
        if first_term_day is not None and day < first_term_day:
            return None
        if is_school_day(day, half_terms):
            count += 1
            if count == n:
                return day


def school_days_between(a: date, b: date, half_terms: Sequence[HalfTerm]) -> int:
    """Signed school days from ``a`` (not counted) to ``b`` (counted): 0 when equal, negative when ``b`` is before."""
    if a == b:
        return 0
    if b < a:
        return -school_days_between(b, a, half_terms)
    count, day = 0, a
    while day < b:
        day += _ONE_DAY
        if is_school_day(day, half_terms):
            count += 1
    return count
