"""An ``N`` must be replaced within five school days: the last day to replace it, whether it is overdue, and the one
cut-off date the database compares with. Every date worked out by hand.

Term dates 2025/26 as in ``test_exclusions``: Autumn 2 ends Fri 19 Dec 2025, Spring 1 runs Mon 5 Jan - Fri 13 Feb
2026, Spring 2 Mon 23 Feb - Fri 27 Mar, Summer 1 Mon 13 Apr - Fri 22 May (Mon 4 May is a bank holiday), Summer 2
Mon 1 Jun - Wed 22 Jul 2026. Bank holidays used without term dates: Good Friday 3 Apr and Easter Monday 6 Apr
2026, the late May bank holiday Mon 25 May 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.rules.review_dates import HalfTerm
from service.rules.unexplained import is_overdue, overdue_cutoff, replace_by

AUTUMN_2 = HalfTerm("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))
SPRING_1 = HalfTerm("Spring 1", date(2026, 1, 5), date(2026, 2, 13))
SPRING_2 = HalfTerm("Spring 2", date(2026, 2, 23), date(2026, 3, 27))
SUMMER_1 = HalfTerm("Summer 1", date(2026, 4, 13), date(2026, 5, 22))
SUMMER_2 = HalfTerm("Summer 2", date(2026, 6, 1), date(2026, 7, 22))
YEAR = [AUTUMN_2, SPRING_1, SPRING_2, SUMMER_1, SUMMER_2]
NONE: list[HalfTerm] = []
#: Term dates entered only from Mon 7 Sep 2026: no school day before it.
NEW_YEAR_ONLY = [HalfTerm("Autumn 1", date(2026, 9, 7), date(2026, 10, 23))]


# (session day, half-terms, last day to replace the N)
REPLACE_BY_CASES = [
    # Tue 3, Wed 4, Thu 5, Fri 6, then the weekend, then Mon 9.
    pytest.param(date(2026, 3, 2), NONE, date(2026, 3, 9), id="across-a-weekend"),
    # Fri 6, then the weekend, Mon 9, Tue 10, Wed 11, Thu 12.
    pytest.param(date(2026, 3, 5), YEAR, date(2026, 3, 12), id="across-a-weekend-in-term"),
    # Thu 2, Good Friday 3 Apr, the weekend, Easter Monday 6 Apr, then Tue 7, Wed 8, Thu 9, Fri 10.
    pytest.param(date(2026, 4, 1), NONE, date(2026, 4, 10), id="across-easter"),
    # Fri 22, the weekend, the late May bank holiday Mon 25, then Tue 26, Wed 27, Thu 28, Fri 29.
    pytest.param(date(2026, 5, 21), NONE, date(2026, 5, 29), id="across-the-late-may-bank-holiday"),
    # With term dates that week is the half-term break too: Fri 22 May, then Mon 1 - Thu 4 Jun.
    pytest.param(date(2026, 5, 21), YEAR, date(2026, 6, 4), id="across-the-may-half-term"),
    # Fri 1 May, the early May bank holiday Mon 4, then Tue 5 - Fri 8 May.
    pytest.param(date(2026, 4, 30), YEAR, date(2026, 5, 8), id="across-the-early-may-bank-holiday"),
    # Thu 12, Fri 13 Feb, the half-term break 16-20 Feb, then Mon 23, Tue 24, Wed 25.
    pytest.param(date(2026, 2, 11), YEAR, date(2026, 2, 25), id="across-a-half-term-break"),
    # Without term dates the half-term week counts: Thu 12, Fri 13, Mon 16, Tue 17, Wed 18.
    pytest.param(date(2026, 2, 11), NONE, date(2026, 2, 18), id="half-term-counted-without-term-dates"),
    # Thu 18, Fri 19 Dec, the Christmas holiday, then Mon 5, Tue 6, Wed 7 Jan.
    pytest.param(date(2025, 12, 17), YEAR, date(2026, 1, 7), id="across-christmas"),
    # A provider open on a Saturday: Mon 9 to Fri 13 Mar.
    pytest.param(date(2026, 3, 7), YEAR, date(2026, 3, 13), id="a-session-on-a-saturday"),
    # Tue 21, Wed 22 Jul (the last entered day), then weekdays: Thu 23, Fri 24, Mon 27.
    pytest.param(date(2026, 7, 20), YEAR, date(2026, 7, 27), id="past-the-last-entered-half-term"),
]


@pytest.mark.parametrize(("session_day", "half_terms", "expected"), REPLACE_BY_CASES)
def test_replace_by_is_the_fifth_school_day_after_the_session(
    session_day: date, half_terms: list[HalfTerm], expected: date
) -> None:
    assert replace_by(session_day, half_terms) == expected


# (session day, today, half-terms, overdue)
OVERDUE_CASES = [
    pytest.param(date(2026, 3, 2), date(2026, 3, 2), NONE, False, id="the-same-day"),
    pytest.param(date(2026, 3, 2), date(2026, 3, 9), NONE, False, id="weekend-exactly-the-fifth-day"),
    pytest.param(date(2026, 3, 2), date(2026, 3, 10), NONE, True, id="weekend-the-day-after"),
    # Fri 6 Mar: Mon 9 - Fri 13 Mar; overdue from Saturday 14 (today need not be a school day).
    pytest.param(date(2026, 3, 6), date(2026, 3, 13), NONE, False, id="friday-exactly-the-fifth-day"),
    pytest.param(date(2026, 3, 6), date(2026, 3, 14), NONE, True, id="friday-the-saturday-after"),
    pytest.param(date(2026, 4, 1), date(2026, 4, 10), NONE, False, id="easter-exactly-the-fifth-day"),
    pytest.param(date(2026, 4, 1), date(2026, 4, 13), NONE, True, id="easter-the-next-school-day"),
    pytest.param(date(2026, 5, 21), date(2026, 5, 29), NONE, False, id="late-may-exactly-the-fifth-day"),
    pytest.param(date(2026, 5, 21), date(2026, 6, 1), NONE, True, id="late-may-the-next-school-day"),
    pytest.param(date(2026, 2, 11), date(2026, 2, 19), YEAR, False, id="half-term-not-counted"),
    pytest.param(date(2026, 2, 11), date(2026, 2, 19), NONE, True, id="half-term-counted-without-term-dates"),
    pytest.param(date(2026, 2, 11), date(2026, 2, 25), YEAR, False, id="half-term-exactly-the-fifth-day"),
    pytest.param(date(2026, 2, 11), date(2026, 2, 26), YEAR, True, id="half-term-the-day-after"),
]


@pytest.mark.parametrize(("session_day", "today", "half_terms", "expected"), OVERDUE_CASES)
def test_is_overdue_only_after_the_fifth_school_day(
    session_day: date, today: date, half_terms: list[HalfTerm], expected: bool
) -> None:
    assert is_overdue(session_day, today, half_terms) is expected


# (today, half-terms, the latest session day whose N is overdue)
CUTOFF_CASES = [
    # Mon 9, Fri 6, Thu 5, Wed 4, Tue 3 Mar are the five school days before: an N on Mon 2 Mar is late.
    pytest.param(date(2026, 3, 10), NONE, date(2026, 3, 2), id="tuesday"),
    # Fri 6, Thu 5, Wed 4, Tue 3, Mon 2: anything before Monday 2 Mar (the weekend included).
    pytest.param(date(2026, 3, 9), NONE, date(2026, 3, 1), id="monday-across-a-weekend"),
    # A Saturday: Fri 13 back to Mon 9, so the N of Fri 6 (and the weekend after it) is late.
    pytest.param(date(2026, 3, 14), NONE, date(2026, 3, 8), id="saturday"),
    # Thu 28, Wed 27, Tue 26, (Mon 25 bank holiday), Fri 22, Thu 21 May.
    pytest.param(date(2026, 5, 29), NONE, date(2026, 5, 20), id="across-the-late-may-bank-holiday"),
    # Mon 13, Fri 10, Thu 9, Wed 8, Tue 7 Apr (Easter Monday 6 Apr not counted).
    pytest.param(date(2026, 4, 14), NONE, date(2026, 4, 6), id="across-easter"),
    # Wed 25, Tue 24, Mon 23, (half-term), Fri 13, Thu 12 Feb.
    pytest.param(date(2026, 2, 26), YEAR, date(2026, 2, 11), id="across-a-half-term-break"),
    # Mon 7 - Wed 9 Sep are the only school days entered so far: nothing can be late.
    pytest.param(date(2026, 9, 10), NEW_YEAR_ONLY, date.min, id="fewer-than-five-school-days-entered"),
]


@pytest.mark.parametrize(("today", "half_terms", "expected"), CUTOFF_CASES)
def test_overdue_cutoff(today: date, half_terms: list[HalfTerm], expected: date) -> None:
    assert overdue_cutoff(today, half_terms) == expected


@pytest.mark.parametrize("half_terms", [NONE, YEAR, NEW_YEAR_ONLY], ids=["no-term-dates", "year", "new-year-only"])
def test_the_cutoff_selects_exactly_the_overdue_days(half_terms: list[HalfTerm]) -> None:
    """The database compares ``on <= cutoff``; the rule counts school days. They must agree on every day."""
    for today in (date(2025, 12, 22) + timedelta(days=n * 9) for n in range(40)):
        cutoff = overdue_cutoff(today, half_terms)
        for back in range(0, 45):
            day = today - timedelta(days=back)
            assert is_overdue(day, today, half_terms) is (day <= cutoff), (day, today)
