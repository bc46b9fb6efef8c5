"""The organisation's school days as one sorted list, so a deadline counted in school days is a lookup.

Why this module exists: the dashboard works out a review and a visit deadline for every running placement. Counted a
day at a time, 2,000 placements cost over a million calendar checks (issue 18: 1.24 M ``is_working_day`` calls, five
seconds). The school days of an organisation are the same for every placement, so they are listed once, in order,
and each deadline becomes a ``bisect``: O(log n) instead of a walk through the calendar.

The days are those :mod:`service.rules.school_days` and :mod:`service.rules.review_dates` count: working days
(:mod:`service.rules.calendar`: weekdays that are not England bank holidays) inside an entered half-term. Past the
last entered half-term every working day counts (the callers say the date is then an estimate), and before the first
one no day does. With no term dates entered there is no list and the callers count working days. The tests
(tests/rules/test_school_day_index.py) check, table by table, that the index agrees with the day-by-day functions
across weekends, bank holidays and half-terms.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from service.rules.calendar import add_working_days, is_working_day, working_days_between

if TYPE_CHECKING:
    from service.rules.review_dates import HalfTerm

_ONE_DAY = timedelta(days=1)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class SchoolDayIndex:
    """The school days of entered half-terms, sorted, from the first day of the first to ``last_term_day``."""

    days: tuple[date, ...]
    first_term_day: date
    last_term_day: date

    def count_between(self, first: date, last: date) -> int:
        """School days from ``first`` to ``last``, both inclusive (0 when ``last`` is before ``first``)."""
        if last < first:
            return 0
        inside = bisect_right(self.days, min(last, self.last_term_day)) - bisect_left(self.days, first)
        beyond = 0
        if last > self.last_term_day:  # past the entered dates every working day counts
            start = max(first, self.last_term_day + _ONE_DAY)
            beyond = working_days_between(start - _ONE_DAY, last)
        return max(inside, 0) + beyond

    def after(self, since: date, n: int) -> date:
        """The ``n``-th school day strictly after ``since`` (``n`` >= 1)."""
        if n < 1:
            raise ValueError("n counts from 1")
        i = bisect_right(self.days, since)
        if i + n - 1 < len(self.days):
            return self.days[i + n - 1]
        remaining = n - (len(self.days) - i)
        return add_working_days(max(since, self.last_term_day), remaining)

    def before(self, day: date, n: int) -> date | None:
        """The ``n``-th school day strictly before ``day`` (``n`` >= 1), or None when there are fewer than ``n``."""
        if n < 1:
            raise ValueError("n counts from 1")
        if day > self.last_term_day + _ONE_DAY:
            beyond = working_days_between(self.last_term_day, day - _ONE_DAY)  # working days after the last term
            if beyond >= n:
                return add_working_days(day, -n)
            n -= beyond
            day = self.last_term_day + _ONE_DAY
        i = bisect_left(self.days, day)
        return self.days[i - n] if i - n >= 0 else None


def index_for(half_terms: Sequence[HalfTerm]) -> SchoolDayIndex | None:
    """The index of these half-terms (None when none are entered). Built once per set of term dates: a request
    that asks for two thousand deadlines of one organisation lists its school days once."""
    if not half_terms:
        return None
    return _index(tuple(sorted((_as_date(t.starts_on), _as_date(t.ends_on)) for t in half_terms)))


@lru_cache(maxsize=64)
def _index(spans: tuple[tuple[date, date], ...]) -> SchoolDayIndex:
    """Pure in its argument (the term dates) and the bank-holiday calendar, so kept between calls."""
    days: set[date] = set()
    for first, last in spans:
        day = first
        while day <= last:
            if is_working_day(day):
                days.add(day)
            day += _ONE_DAY
    return SchoolDayIndex(
        days=tuple(sorted(days)),
        first_term_day=min(first for first, _last in spans),
        last_term_day=max(last for _first, last in spans),
    )
