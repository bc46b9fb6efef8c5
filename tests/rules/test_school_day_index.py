"""The school-day index must give the same dates as counting a day at a time (service.rules.school_days and the
review deadlines' walk), across weekends, bank holidays, half-term holidays, before the first entered half-term
and past the last one: it replaces the walk on the dashboard, so any disagreement would move a deadline.

Term dates 2025/26 as in tests/rules/test_review_dates.py: half-terms with a bank holiday inside (Mon 4 May 2026),
holidays holding bank holidays (Christmas, Easter, 25 May), and Mon 31 Aug 2026 after the last entered day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.rules.calendar import is_working_day
from service.rules.review_dates import HalfTerm
from service.rules.school_day_index import index_for
from service.rules.school_days import is_school_day, nth_school_day_before

YEAR = [
    HalfTerm("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    HalfTerm("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    HalfTerm("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    HalfTerm("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    HalfTerm("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    HalfTerm("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
]
ONE_DAY = timedelta(days=1)


def _after_by_walking(since: date, n: int, terms: list[HalfTerm]) -> date:
    day = since
    while n:
        day += ONE_DAY
        if is_school_day(day, terms):
            n -= 1
    return day


def _count_by_walking(first: date, last: date, terms: list[HalfTerm]) -> int:
    return sum(1 for i in range((last - first).days + 1) if is_school_day(first + timedelta(days=i), terms))


# (since, n, the n-th school day after it), worked out by hand for the first rows.
AFTER = [
    (date(2025, 10, 24), 1, date(2025, 11, 3)),  # last day of Autumn 1: the half-term holiday is skipped
    (date(2025, 12, 19), 1, date(2026, 1, 5)),  # Christmas, Boxing Day and New Year's Day are in the holiday
    (date(2026, 5, 1), 1, date(2026, 5, 5)),  # Friday before the early May bank holiday: Monday 4 May is not counted
    (date(2026, 7, 22), 1, date(2026, 7, 23)),  # past the last entered day: working days count
    (date(2026, 8, 28), 1, date(2026, 9, 1)),  # Friday before the summer bank holiday, past the entered dates
    (date(2025, 8, 1), 1, date(2025, 9, 3)),  # before the first entered half-term: none until it starts
    (date(2025, 9, 6), 5, date(2025, 9, 12)),  # a Saturday
    (date(2026, 3, 20), 10, date(2026, 4, 17)),  # across the Easter holiday (Good Friday, Easter Monday)
    (date(2026, 7, 1), 30, date(2026, 8, 12)),  # runs out of entered days part-way
]


@pytest.mark.parametrize(("since", "n", "expected"), AFTER)
def test_the_nth_school_day_after_a_date_is_found_by_bisect_as_by_walking(since, n, expected):
    assert index_for(YEAR).after(since, n) == expected
    assert _after_by_walking(since, n, YEAR) == expected


def test_the_index_agrees_with_the_walk_for_every_day_of_the_year_and_every_count_up_to_forty():
    index = index_for(YEAR)
    day = date(2025, 8, 20)
    while day <= date(2026, 9, 10):
        for n in (1, 2, 5, 6, 25, 38, 40):
            assert index.after(day, n) == _after_by_walking(day, n, YEAR), (day, n)
            assert index.before(day, n) == nth_school_day_before(day, n, YEAR), (day, n)
        day += ONE_DAY


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 9, 3), date(2025, 10, 24)),  # Autumn 1: 38
        (date(2026, 4, 13), date(2026, 5, 22)),  # Summer 1: 29, the May bank holiday out
        (date(2025, 10, 20), date(2025, 11, 7)),  # across half-term
        (date(2026, 7, 20), date(2026, 9, 4)),  # past the entered dates, the summer bank holiday out
        (date(2025, 8, 25), date(2025, 9, 5)),  # before the first entered day
        (date(2026, 1, 10), date(2026, 1, 9)),  # empty
    ],
)
def test_school_days_are_counted_by_bisect_as_by_walking(first, last):
    assert index_for(YEAR).count_between(first, last) == _count_by_walking(first, last, YEAR)


def test_the_hand_counted_half_terms_are_counted_the_same():
    index = index_for(YEAR)
    counts = [index.count_between(t.starts_on, t.ends_on) for t in YEAR]
    assert counts == [38, 35, 30, 25, 29, 38]
    assert counts == [t.school_days for t in YEAR]


def test_no_term_dates_give_no_index_and_overlapping_ones_count_each_day_once():
    assert index_for([]) is None
    overlapping = [YEAR[0], HalfTerm("Autumn 1 again", date(2025, 10, 20), date(2025, 10, 24))]
    assert index_for(overlapping).count_between(date(2025, 9, 1), date(2025, 10, 24)) == 38
    assert all(is_working_day(d) for d in index_for(YEAR).days)
