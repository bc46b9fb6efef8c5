"""Review deadlines: half a term after the start, counted in school days. Every date worked out by hand.

Term dates 2025/26 used below, with their school days (weekdays inside the half-term, less bank holidays):

* Autumn 1: Wed 3 Sep - Fri 24 Oct 2025. 3 (3-5 Sep) + 7 full weeks = 38.
* Autumn 2: Mon 3 Nov - Fri 19 Dec 2025. 7 full weeks = 35.
* Spring 1: Mon 5 Jan - Fri 13 Feb 2026. 6 full weeks = 30 (New Year's Day is in the holiday).
* Spring 2: Mon 23 Feb - Fri 27 Mar 2026. 5 full weeks = 25 (Good Friday 3 Apr and Easter Monday 6 Apr 2026
  fall in the Easter holiday).
* Summer 1: Mon 13 Apr - Fri 22 May 2026. 6 full weeks less Mon 4 May (early May bank holiday) = 29.
* Summer 2: Mon 1 Jun - Wed 22 Jul 2026. 7 full weeks + 20-22 Jul = 38 (the spring bank holiday, Mon 25 May,
  is in half-term). After it, Mon 31 Aug 2026 is the summer bank holiday.
"""

import dataclasses
from datetime import date, datetime

import pytest

from service.rules.review_dates import (
    DEFAULT_SCHOOL_DAYS,
    HalfTerm,
    ReviewDateCheck,
    ReviewDeadline,
    check_review_date,
    latest_review_date,
    next_review_due,
)

AUTUMN_1 = HalfTerm("Autumn 1", date(2025, 9, 3), date(2025, 10, 24))
AUTUMN_2 = HalfTerm("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))
SPRING_1 = HalfTerm("Spring 1", date(2026, 1, 5), date(2026, 2, 13))
SPRING_2 = HalfTerm("Spring 2", date(2026, 2, 23), date(2026, 3, 27))
SUMMER_1 = HalfTerm("Summer 1", date(2026, 4, 13), date(2026, 5, 22))
SUMMER_2 = HalfTerm("Summer 2", date(2026, 6, 1), date(2026, 7, 22))
YEAR_2025_26 = [AUTUMN_1, AUTUMN_2, SPRING_1, SPRING_2, SUMMER_1, SUMMER_2]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        pytest.param(AUTUMN_1, 38, id="autumn-1"),
        pytest.param(AUTUMN_2, 35, id="autumn-2"),
        pytest.param(SPRING_1, 30, id="spring-1"),
        pytest.param(SPRING_2, 25, id="spring-2"),
        pytest.param(SUMMER_1, 29, id="summer-1-less-early-may-bank-holiday"),
        pytest.param(SUMMER_2, 38, id="summer-2"),
    ],
)
def test_school_days_in_half_term(term: HalfTerm, expected: int) -> None:
    assert term.school_days == expected


# (start, half_terms, latest, school_days)
LATEST_CASES = [
    # First day of a half-term: its other 37 school days, then the 38th is the first day of Autumn 2.
    pytest.param(date(2025, 9, 3), YEAR_2025_26, date(2025, 11, 3), 38, id="first-day-of-autumn-1"),
    # 29 school days in Summer 1: 28 after 13 Apr, the 29th is the first day of Summer 2.
    pytest.param(date(2026, 4, 13), YEAR_2025_26, date(2026, 6, 1), 29, id="first-day-of-summer-1"),
    # Spring 1 has 30: 29 after 5 Jan, the 30th is the first day of Spring 2.
    pytest.param(date(2026, 1, 5), YEAR_2025_26, date(2026, 2, 23), 30, id="first-day-of-spring-1"),
    # Mon 6 Oct 2025: 14 school days left in Autumn 1 (7-10, 13-17, 20-24 Oct), then 24 of Autumn 2:
    # five weeks from 3 Nov make 25, so the 24th is Thu 4 Dec.
    pytest.param(date(2025, 10, 6), YEAR_2025_26, date(2025, 12, 4), 38, id="middle-of-autumn-1"),
    # Sat 11 Oct 2025 is inside Autumn 1, so N = 38: 10 left in Autumn 1 (13-24 Oct), then 28 of Autumn 2:
    # 25 to Fri 5 Dec, then 8, 9, 10 Dec.
    pytest.param(date(2025, 10, 11), YEAR_2025_26, date(2025, 12, 10), 38, id="weekend-inside-a-half-term"),
    # Mon 27 Oct 2025 is October half-term: Autumn 2 counts, 35 school days from 3 Nov ends on its last day.
    pytest.param(date(2025, 10, 27), YEAR_2025_26, date(2025, 12, 19), 35, id="holiday-before-autumn-2"),
    pytest.param(date(2025, 11, 1), YEAR_2025_26, date(2025, 12, 19), 35, id="saturday-before-autumn-2"),
    # Mon 1 Sep 2025 is before term starts: Autumn 1 counts, 38 school days from Wed 3 Sep end on Fri 24 Oct.
    pytest.param(date(2025, 9, 1), YEAR_2025_26, date(2025, 10, 24), 38, id="holiday-before-autumn-1"),
    # Mon 20 Apr 2026: Summer 1 (29) has 4 + 5 + 4 (Mon 4 May skipped) + 5 + 5 = 23 school days left, then 6
    # of Summer 2: 1-5 Jun and Mon 8 Jun. Counting 4 May would give Fri 5 Jun.
    pytest.param(date(2026, 4, 20), YEAR_2025_26, date(2026, 6, 8), 29, id="bank-holiday-in-term-is-skipped"),
    # Mon 16 Mar 2026: Spring 2 (25) has 9 left (17-20, 23-27 Mar). The Easter holiday (with Good Friday and
    # Easter Monday) is skipped, then 16 of Summer 1: 13-17 Apr (5), 20-24 (10), 27 Apr-1 May (15), Mon 4 May
    # is a bank holiday, Tue 5 May (16).
    pytest.param(date(2026, 3, 16), YEAR_2025_26, date(2026, 5, 5), 25, id="across-easter-holiday-and-may-day"),
    # Mon 13 Jul 2026 in Summer 2 (38): 7 school days left (14-17, 20-22 Jul), then the entered dates run out
    # and 31 working days follow: 23-24 Jul (2), five full weeks to Fri 28 Aug (27), Mon 31 Aug is a bank
    # holiday, Tue 1-Fri 4 Sep (31).
    pytest.param(date(2026, 7, 13), YEAR_2025_26, date(2026, 9, 4), 38, id="beyond-last-half-term"),
    # Mon 3 Aug 2026 is after every entered half-term: six school weeks of working days. 4-7 Aug (4),
    # 10-14 (9), 17-21 (14), 24-28 (19), 31 Aug bank holiday, 1-4 Sep (23), 7-11 Sep (28), 14 (29), Tue 15 (30).
    pytest.param(date(2026, 8, 3), YEAR_2025_26, date(2026, 9, 15), 30, id="after-last-half-term"),
    # No term dates: Mon 5 Jan 2026 + 30 working days: 6-9 Jan (4), 12-16 (9), 19-23 (14), 26-30 (19),
    # 2-6 Feb (24), 9-13 (29), Mon 16 Feb (30). No bank holidays on the way.
    pytest.param(date(2026, 1, 5), [], date(2026, 2, 16), 30, id="no-term-dates"),
    # No term dates across Easter: Mon 23 Mar 2026: 24-27 Mar (4), 30 Mar-2 Apr (8), Good Friday 3 Apr and
    # Easter Monday 6 Apr skipped, 7-10 Apr (12), 13-17 (17), 20-24 (22), 27 Apr-1 May (27), Mon 4 May skipped,
    # 5, 6, 7 May (30).
    pytest.param(date(2026, 3, 23), [], date(2026, 5, 7), 30, id="no-term-dates-across-easter"),
    # Order of the entered half-terms does not matter.
    pytest.param(date(2025, 10, 6), list(reversed(YEAR_2025_26)), date(2025, 12, 4), 38, id="unsorted-half-terms"),
    # Only Autumn 1 entered: the 14 left in it, then 24 working days: 27 Oct-28 Nov is 25, so Thu 27 Nov.
    pytest.param(date(2025, 10, 6), [AUTUMN_1], date(2025, 11, 27), 38, id="only-one-half-term-entered"),
    # A half-term with no school days (a weekend entered by mistake) falls back to 30 working days:
    # 27-31 Oct (5), then five weeks to Fri 5 Dec (30).
    pytest.param(
        date(2025, 10, 25),
        [HalfTerm("Odd", date(2025, 10, 25), date(2025, 10, 26))],
        date(2025, 12, 5),
        30,
        id="half-term-without-school-days",
    ),
    pytest.param(datetime(2025, 10, 6, 9, 30), YEAR_2025_26, date(2025, 12, 4), 38, id="datetime-start"),
]


@pytest.mark.parametrize(("start", "half_terms", "latest", "school_days"), LATEST_CASES)
def test_latest_review_date(start: date, half_terms: list[HalfTerm], latest: date, school_days: int) -> None:
    deadline = latest_review_date(start, half_terms)
    assert (deadline.latest, deadline.school_days) == (latest, school_days)


EXPLANATIONS = [
    pytest.param(
        date(2025, 10, 6),
        YEAR_2025_26,
        "half a term after the start: Autumn 1 has 38 school days, counted in term time from 6 October 2025",
        id="in-term",
    ),
    pytest.param(
        date(2025, 10, 27),
        YEAR_2025_26,
        "half a term after the start: the start is in a holiday, so the next half-term counts: Autumn 2 has 35 "
        "school days, counted in term time from 27 October 2025",
        id="in-holiday",
    ),
    pytest.param(
        date(2026, 7, 13),
        YEAR_2025_26,
        "half a term after the start: Summer 2 has 38 school days, counted in term time from 13 July 2026; the term "
        "dates entered end on 22 July 2026, so after that weekdays less bank holidays are counted",
        id="beyond-last-half-term",
    ),
    pytest.param(
        date(2026, 8, 3),
        YEAR_2025_26,
        "six school weeks after the start (the term dates entered end on 22 July 2026, so weekdays less bank "
        "holidays are counted)",
        id="after-last-half-term",
    ),
    pytest.param(
        date(2026, 1, 5),
        [],
        "six school weeks after the start (no term dates have been entered, so weekdays less bank holidays are "
        "counted)",
        id="no-term-dates",
    ),
]


@pytest.mark.parametrize(("start", "half_terms", "explanation"), EXPLANATIONS)
def test_latest_review_date_explanation(start: date, half_terms: list[HalfTerm], explanation: str) -> None:
    assert latest_review_date(start, half_terms).explanation == explanation


# (last_review, half_terms, latest, explanation)
NEXT_CASES = [
    # Thu 4 Dec 2025 in Autumn 2 (35): 11 left (5, 8-12, 15-19 Dec), then 24 of Spring 1: four weeks from 5 Jan
    # make 20, then 2-5 Feb, so Thu 5 Feb 2026.
    pytest.param(
        date(2025, 12, 4),
        YEAR_2025_26,
        date(2026, 2, 5),
        "half a term after the last review: Autumn 2 has 35 school days, counted in term time from 4 December 2025",
        id="from-autumn-2-into-spring-1",
    ),
    pytest.param(
        date(2026, 1, 5),
        [],
        date(2026, 2, 16),
        "six school weeks after the last review (no term dates have been entered, so weekdays less bank holidays "
        "are counted)",
        id="no-term-dates",
    ),
]


@pytest.mark.parametrize(("last_review", "half_terms", "latest", "explanation"), NEXT_CASES)
def test_next_review_due(last_review: date, half_terms: list[HalfTerm], latest: date, explanation: str) -> None:
    assert next_review_due(last_review, half_terms) == ReviewDeadline(
        latest, DEFAULT_SCHOOL_DAYS if not half_terms else 35, explanation
    )


# Start Mon 6 Oct 2025, so the latest first review is Thu 4 Dec 2025 (see LATEST_CASES).
START = date(2025, 10, 6)
WHY = "half a term after the start: Autumn 1 has 38 school days, counted in term time from 6 October 2025"

CHECKS = [
    pytest.param(
        date(2025, 12, 4),
        True,
        f"The first review on 4 December 2025 is in time: it must be by 4 December 2025 ({WHY}).",
        id="exactly-on-latest",
    ),
    pytest.param(
        date(2025, 12, 5),
        False,
        f"The review date 5 December 2025 is too late: the first review must be by 4 December 2025 ({WHY}).",
        id="one-day-after-latest",
    ),
    pytest.param(
        date(2025, 11, 10),
        True,
        f"The first review on 10 November 2025 is in time: it must be by 4 December 2025 ({WHY}).",
        id="comfortably-in-time",
    ),
    pytest.param(
        START,
        True,
        f"The first review on 6 October 2025 is in time: it must be by 4 December 2025 ({WHY}).",
        id="on-the-start-day",
    ),
    pytest.param(
        date(2025, 10, 3),
        False,
        "The review date 3 October 2025 is before the placement starts on 6 October 2025. Set a date from "
        "6 October 2025 to 4 December 2025.",
        id="before-start",
    ),
    pytest.param(
        None,
        False,
        f"Set a review date: the first review must be by 4 December 2025 ({WHY}).",
        id="missing",
    ),
]


@pytest.mark.parametrize(("review_date", "ok", "message"), CHECKS)
def test_check_review_date(review_date: date | None, ok: bool, message: str) -> None:
    assert check_review_date(START, review_date, YEAR_2025_26) == ReviewDateCheck(ok, date(2025, 12, 4), message)


@pytest.mark.parametrize(
    ("review_date", "ok"),
    [
        pytest.param(date(2026, 2, 16), True, id="on-latest"),
        pytest.param(date(2026, 2, 17), False, id="day-after"),
    ],
)
def test_check_review_date_without_term_dates(review_date: date, ok: bool) -> None:
    # Mon 5 Jan 2026 + 30 working days = Mon 16 Feb 2026 (see LATEST_CASES).
    check = check_review_date(date(2026, 1, 5), review_date, [])
    assert (check.ok, check.latest) == (ok, date(2026, 2, 16))


def test_half_term_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="Autumn 1 ends before it starts"):
        HalfTerm("Autumn 1", date(2025, 10, 24), date(2025, 9, 3))


def test_results_are_frozen() -> None:
    deadline = latest_review_date(START, YEAR_2025_26)
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.latest = date(2026, 1, 1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        AUTUMN_1.name = "Autumn"  # type: ignore[misc]
