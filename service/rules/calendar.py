"""Working days in England.

Why this module exists: deadlines in the service (review due dates, days since a referral, "the LA from
day 6" style counts, overdue flags on the dashboard) are counted in working days, and a working day in
England is a weekday that is not a bank holiday.

Law behind it: bank holidays in England and Wales are set by the Banking and Financial Dealings Act 1971
(Schedule 1: Easter Monday, the last Monday in May, the last Monday in August, 26 December if not a
Sunday, 27 December when 25 or 26 December is a Sunday) plus days appointed by Royal Proclamation
(New Year's Day, the early May bank holiday, Good Friday and Christmas Day by custom and proclamation, and
one-off days such as the 2023 coronation). We do not hand-type that list: the ``holidays`` package
(``country_holidays("GB", subdiv="ENG")``) is maintained against the gov.uk list and includes substitute
("observed") days, e.g. Monday 28 December 2026 for Boxing Day falling on a Saturday. One-off holidays
announced after the installed package version was released need a package upgrade.

Performance: the dashboard may call these functions thousands of times, so each year's holidays are
turned into a frozenset once and cached (thread-safe to read; the package's own object grows lazily and is
not shared between threads here).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

#: ISO weekday numbers (Monday = 1) of the weekend.
_WEEKEND = frozenset({6, 7})

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in ``year``, including substitute days.

    Why: Banking and Financial Dealings Act 1971 and Royal Proclamations, as maintained in the
    ``holidays`` package for subdivision ENG. Cached per year because building the package object is far
    slower than a set lookup.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def _as_date(value: date) -> date:
    """Drop the time from a datetime, so a timestamp counts as its calendar day."""
    if isinstance(value, datetime):
        return value.date()
    return value


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in England: Monday to Friday and not a bank holiday.

    Why: deadlines in the service are counted in working days, and England's bank holidays (not
    Scotland's or Northern Ireland's) are the ones that close schools, LAs and providers here.
    """
    day = _as_date(day)
    return day.isoweekday() not in _WEEKEND and day not in bank_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The date ``n`` working days after ``day`` (``n`` > 0) or before it (``n`` < 0).

    Convention: counting never includes ``day`` itself. ``n`` = 1 is the first working day strictly after
    ``day`` (Friday + 1 is Monday; Saturday + 1 is also Monday), ``n`` = -1 the last working day strictly
    before it. ``n`` = 0 means "today if that is a working day, otherwise the next working day" -- the
    earliest date on which something due "now" can actually happen.

    Why: a deadline "within 5 working days" of an event is the 5th working day after it, whatever day the
    event happened on; this matches :func:`working_days_between` so that
    ``add_working_days(a, working_days_between(a, b)) == b`` for any working day ``b`` after ``a``.
    """
    return _add_working_days(_as_date(day), n)


@functools.lru_cache(maxsize=8192)
def _add_working_days(day: date, n: int) -> date:
    """Kept: a pure function of its two arguments, asked for thousands of placements' dates on the dashboard."""
    current = _as_date(day)
    if n == 0:
        while not is_working_day(current):
            current += _ONE_DAY
        return current
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def _weekdays_after_until(a: date, b: date) -> int:
    """Number of Mondays-to-Fridays d with a < d <= b, for a <= b, in constant time."""
    days = (b - a).days
    full_weeks, extra = divmod(days, 7)
    count = full_weeks * 5
    weekday = a.isoweekday()
    for _ in range(extra):
        weekday = weekday % 7 + 1
        if weekday not in _WEEKEND:
            count += 1
    return count


def working_days_between(a: date, b: date) -> int:
    """Signed number of working days from ``a`` to ``b``.

    Convention: for ``b`` after ``a`` it counts the working days d with a < d <= b (``a`` itself is not
    counted, ``b`` is); for ``b`` before ``a`` it is minus the same count with the arguments swapped; for
    ``a == b`` it is 0. So it is antisymmetric, and it inverts :func:`add_working_days`:
    ``add_working_days(a, working_days_between(a, b)) == b`` whenever ``b`` is a working day after ``a``
    (and, for ``b`` before ``a``, whenever both are working days).

    Why: "how many working days since the referral" must agree with the date arithmetic used to set the
    deadline, or a case would show as overdue a day early or late. Counts weekdays arithmetically and
    subtracts bank holidays, so long ranges stay cheap.
    """
    a, b = _as_date(a), _as_date(b)
    if a == b:
        return 0
    if b < a:
        return -working_days_between(b, a)
    count = _weekdays_after_until(a, b)
    for year in range(a.year, b.year + 1):
        count -= sum(1 for h in bank_holidays(year) if a < h <= b and h.isoweekday() not in _WEEKEND)
    return count
