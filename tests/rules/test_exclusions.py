"""The sixth school day of an exclusion, who owes it and where it stands. Every date worked out by hand.

Term dates 2025/26 as in ``test_review_dates``: Autumn 2 ends Fri 19 Dec 2025, Spring 1 runs Mon 5 Jan - Fri 13 Feb
2026, Spring 2 Mon 23 Feb - Fri 27 Mar, Summer 1 Mon 13 Apr - Fri 22 May (Mon 4 May is a bank holiday), Summer 2
Mon 1 Jun - Wed 22 Jul 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from service.rules.exclusions import (
    DutyHolder,
    DutyState,
    ExclusionKind,
    Provision,
    day_six,
    duty_holder,
    is_school_day,
    school_days_between,
    sixth_school_day,
)
from service.rules.review_dates import HalfTerm

AUTUMN_2 = HalfTerm("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))
SPRING_1 = HalfTerm("Spring 1", date(2026, 1, 5), date(2026, 2, 13))
SPRING_2 = HalfTerm("Spring 2", date(2026, 2, 23), date(2026, 3, 27))
SUMMER_1 = HalfTerm("Summer 1", date(2026, 4, 13), date(2026, 5, 22))
SUMMER_2 = HalfTerm("Summer 2", date(2026, 6, 1), date(2026, 7, 22))
YEAR = [AUTUMN_2, SPRING_1, SPRING_2, SUMMER_1, SUMMER_2]
NONE: list[HalfTerm] = []

PERMANENT, SUSPENSION = ExclusionKind.PERMANENT, ExclusionKind.SUSPENSION


# (first day, half-terms, sixth school day)
SIXTH_DAY_CASES = [
    pytest.param(date(2026, 3, 2), NONE, date(2026, 3, 9), id="monday-start-no-term-dates"),
    pytest.param(date(2026, 3, 5), YEAR, date(2026, 3, 12), id="a-weekend-inside"),
    # Thu 30 Apr = 1, Fri 1 May = 2, Mon 4 May bank holiday, Tue 5 = 3, Wed 6 = 4, Thu 7 = 5, Fri 8 = 6.
    pytest.param(date(2026, 4, 30), YEAR, date(2026, 5, 8), id="a-bank-holiday-inside"),
    pytest.param(date(2026, 4, 30), NONE, date(2026, 5, 8), id="a-bank-holiday-inside-no-term-dates"),
    # Wed 11, Thu 12, Fri 13 Feb, then half-term, then Mon 23, Tue 24, Wed 25 Feb.
    pytest.param(date(2026, 2, 11), YEAR, date(2026, 2, 25), id="a-half-term-break-inside"),
    # Without term dates the half-term week counts: Wed 18 Feb.
    pytest.param(date(2026, 2, 11), NONE, date(2026, 2, 18), id="half-term-counted-without-term-dates"),
    # Wed 17, Thu 18, Fri 19 Dec, then the Christmas holiday (and its bank holidays), then Mon 5 - Wed 7 Jan.
    pytest.param(date(2025, 12, 17), YEAR, date(2026, 1, 7), id="christmas-holiday-inside"),
    # Recorded as starting on a Saturday: day 1 is the next school day, Mon 9 Mar.
    pytest.param(date(2026, 3, 7), YEAR, date(2026, 3, 16), id="first-day-not-a-school-day"),
    # Mon 20, Tue 21, Wed 22 Jul (the last entered day), then weekdays: Thu 23, Fri 24, Mon 27 Jul.
    pytest.param(date(2026, 7, 20), YEAR, date(2026, 7, 27), id="past-the-last-entered-half-term"),
]


@pytest.mark.parametrize(("first_day", "half_terms", "expected"), SIXTH_DAY_CASES)
def test_sixth_school_day(first_day: date, half_terms: list[HalfTerm], expected: date) -> None:
    assert sixth_school_day(first_day, half_terms).deadline == expected


@pytest.mark.parametrize(
    ("half_terms", "first_day", "says"),
    [
        pytest.param(NONE, date(2026, 3, 2), "no term dates have been entered", id="no-term-dates"),
        pytest.param(YEAR, date(2026, 3, 2), "school days in the term dates entered", id="term-dates"),
        pytest.param(YEAR, date(2026, 7, 20), "the term dates entered end on 22 July 2026", id="past-the-end"),
    ],
)
def test_the_explanation_says_how_it_was_counted(half_terms: list[HalfTerm], first_day: date, says: str) -> None:
    explanation = sixth_school_day(first_day, half_terms).explanation
    assert says in explanation
    assert explanation.startswith(f"day 1 is {first_day.day} ")


@pytest.mark.parametrize(
    ("day", "half_terms", "expected"),
    [
        pytest.param(date(2026, 2, 16), YEAR, False, id="half-term-monday"),
        pytest.param(date(2026, 2, 16), NONE, True, id="half-term-monday-without-term-dates"),
        pytest.param(date(2026, 5, 4), YEAR, False, id="bank-holiday-in-term"),
        pytest.param(date(2026, 3, 7), NONE, False, id="saturday"),
        pytest.param(date(2026, 7, 23), YEAR, True, id="weekday-after-the-last-entered-day"),
    ],
)
def test_is_school_day(day: date, half_terms: list[HalfTerm], expected: bool) -> None:
    assert is_school_day(day, half_terms) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(date(2026, 3, 9), date(2026, 3, 9), 0, id="same-day"),
        pytest.param(date(2026, 3, 6), date(2026, 3, 9), 1, id="friday-to-monday"),
        pytest.param(date(2026, 3, 9), date(2026, 3, 6), -1, id="backwards"),
        pytest.param(date(2026, 2, 12), date(2026, 2, 24), 3, id="across-half-term"),
    ],
)
def test_school_days_between(a: date, b: date, expected: int) -> None:
    assert school_days_between(a, b, YEAR) == expected


@pytest.mark.parametrize(
    ("kind", "days", "expected"),
    [
        pytest.param(PERMANENT, None, DutyHolder.LOCAL_AUTHORITY, id="permanent-the-la"),
        pytest.param(SUSPENSION, 1, None, id="one-day-no-duty"),
        pytest.param(SUSPENSION, 5, None, id="exactly-five-days-no-duty"),
        pytest.param(SUSPENSION, 6, DutyHolder.SCHOOL, id="six-days-the-school"),
        pytest.param(SUSPENSION, 45, DutyHolder.SCHOOL, id="forty-five-days-the-school"),
        pytest.param(SUSPENSION, None, None, id="suspension-length-unknown"),
    ],
)
def test_duty_holder(kind: ExclusionKind, days: int | None, expected: DutyHolder | None) -> None:
    assert duty_holder(kind, days) is expected


# Exclusions beginning Mon 2 Mar 2026, no term dates: the sixth school day is Mon 9 Mar. An 8-day suspension's
# last day is Wed 11 Mar.
FIRST = date(2026, 3, 2)
DEADLINE = date(2026, 3, 9)

# (kind, days, provisions, on, state, school days left, flagged, provision from)
STATE_CASES = [
    pytest.param(SUSPENSION, 5, [], FIRST, DutyState.NO_DUTY, None, False, None, id="five-day-suspension-no-duty"),
    pytest.param(SUSPENSION, 6, [], FIRST, DutyState.DUE, 5, True, None, id="six-day-suspension-due-on-day-one"),
    pytest.param(SUSPENSION, 8, [], date(2026, 2, 27), DutyState.DUE, 6, True, None, id="recorded-the-friday-before"),
    # Ten school days ahead is the edge: Mon 23 Feb is flagged, Fri 20 Feb (eleven) is not yet.
    pytest.param(SUSPENSION, 8, [], date(2026, 2, 23), DutyState.DUE, 10, True, None, id="ten-school-days-ahead"),
    pytest.param(SUSPENSION, 8, [], date(2026, 2, 20), DutyState.NOT_DUE_YET, 11, False, None, id="eleven-not-due-yet"),
    pytest.param(SUSPENSION, 8, [], date(2026, 3, 6), DutyState.DUE, 1, True, None, id="due-in-one-school-day"),
    pytest.param(SUSPENSION, 8, [], date(2026, 3, 7), DutyState.DUE, 1, True, None, id="on-a-saturday-one-left"),
    pytest.param(SUSPENSION, 8, [], DEADLINE, DutyState.DUE, 0, True, None, id="deadline-exactly-today"),
    pytest.param(SUSPENSION, 8, [], date(2026, 3, 10), DutyState.MISSED, -1, True, None, id="day-after-missed"),
    pytest.param(
        SUSPENSION, 8, [], date(2026, 3, 12), DutyState.MISSED, -3, False, None, id="suspension-over-not-flagged"
    ),
    pytest.param(
        PERMANENT, None, [], date(2026, 3, 12), DutyState.MISSED, -3, True, None, id="permanent-stays-flagged"
    ),
    pytest.param(
        SUSPENSION,
        8,
        [Provision(DEADLINE)],
        FIRST,
        DutyState.MET,
        5,
        False,
        DEADLINE,
        id="agreed-to-start-on-the-deadline-met",
    ),
    pytest.param(
        PERMANENT,
        None,
        [Provision(date(2026, 1, 12))],
        FIRST,
        DutyState.MET,
        5,
        False,
        date(2026, 1, 12),
        id="running-placement-met",
    ),
    pytest.param(
        PERMANENT,
        None,
        [Provision(date(2026, 1, 12), date(2026, 3, 6))],
        FIRST,
        DutyState.DUE,
        5,
        True,
        None,
        id="placement-ended-before-the-deadline-does-not-count",
    ),
    pytest.param(
        SUSPENSION,
        8,
        [Provision(date(2026, 3, 10))],
        date(2026, 3, 5),
        DutyState.DUE,
        2,
        True,
        date(2026, 3, 10),
        id="agreed-to-start-the-day-after-still-due",
    ),
    pytest.param(
        PERMANENT,
        None,
        [Provision(date(2026, 3, 16))],
        date(2026, 3, 11),
        DutyState.MISSED,
        -2,
        True,
        date(2026, 3, 16),
        id="missed-placement-starts-later",
    ),
    pytest.param(
        PERMANENT,
        None,
        [Provision(date(2026, 3, 10))],
        date(2026, 3, 10),
        DutyState.LATE,
        -1,
        False,
        date(2026, 3, 10),
        id="late-placement-started",
    ),
]


@pytest.mark.parametrize(("kind", "days", "provisions", "on", "state", "left", "flagged", "from_"), STATE_CASES)
def test_day_six(
    kind: ExclusionKind,
    days: int | None,
    provisions: list[Provision],
    on: date,
    state: DutyState,
    left: int | None,
    flagged: bool,
    from_: date | None,
) -> None:
    duty = day_six(kind=kind, first_day=FIRST, school_days=days, provisions=provisions, on=on, half_terms=NONE)
    assert duty.state is state
    assert duty.school_days_left == left
    assert duty.flagged is flagged
    assert duty.provision_from == from_
    if state is not DutyState.NO_DUTY:
        assert duty.deadline == DEADLINE


def test_a_half_term_inside_moves_the_deadline_and_the_days_left() -> None:
    """Suspended for 8 days from Wed 11 Feb 2026: day 6 is Wed 25 Feb, and on Fri 13 Feb 3 school days are left."""
    first, on = date(2026, 2, 11), date(2026, 2, 13)
    duty = day_six(kind=SUSPENSION, first_day=first, school_days=8, provisions=[], on=on, half_terms=YEAR)
    assert (duty.deadline, duty.school_days_left, duty.state) == (date(2026, 2, 25), 3, DutyState.DUE)


@pytest.mark.parametrize(
    ("kind", "days", "on", "says"),
    [
        pytest.param(
            PERMANENT,
            None,
            date(2026, 3, 4),
            "The local authority must provide full-time education from 9 March 2026 (the sixth school day, due in "
            "3 school days): no placement is in place yet",
            id="la-due",
        ),
        pytest.param(
            SUSPENSION,
            8,
            DEADLINE,
            "Your school must provide full-time education from 9 March 2026 (the sixth school day, due today)",
            id="school-due-today",
        ),
        pytest.param(
            SUSPENSION,
            8,
            date(2026, 3, 10),
            "Your school had to provide full-time education from 9 March 2026 (the sixth school day): no placement",
            id="school-missed",
        ),
        pytest.param(SUSPENSION, 3, FIRST, "there is no sixth-day duty", id="short-suspension"),
    ],
)
def test_message(kind: ExclusionKind, days: int | None, on: date, says: str) -> None:
    duty = day_six(kind=kind, first_day=FIRST, school_days=days, provisions=[], on=on, half_terms=NONE)
    assert says in duty.message
