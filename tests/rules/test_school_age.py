"""Compulsory school age (Education Act 1996 s8) and year groups; every expected date worked out by hand."""

from datetime import date, datetime

import pytest

from service.rules.school_age import (
    age_on,
    compulsory_school_age,
    destination_planning_due,
    is_compulsory_school_age,
    last_friday_in_june,
    school_year_start,
    year_group,
    year_group_label,
)

# (dob, first day of compulsory school age): first of 31 Mar / 31 Aug / 31 Dec on or after the 5th birthday.
START_CASES = [
    pytest.param(date(2019, 3, 31), date(2024, 3, 31), id="5th-birthday-on-31-march-starts-that-day"),
    pytest.param(date(2019, 8, 31), date(2024, 8, 31), id="5th-birthday-on-31-august-starts-that-day"),
    pytest.param(date(2019, 12, 31), date(2024, 12, 31), id="5th-birthday-on-31-december-starts-that-day"),
    pytest.param(date(2019, 3, 30), date(2024, 3, 31), id="day-before-31-march"),
    pytest.param(date(2019, 4, 1), date(2024, 8, 31), id="day-after-31-march-waits-for-31-august"),
    pytest.param(date(2019, 9, 1), date(2024, 12, 31), id="day-after-31-august-waits-for-31-december"),
    pytest.param(date(2020, 1, 1), date(2025, 3, 31), id="day-after-31-december-waits-for-31-march"),
    pytest.param(date(2007, 9, 23), date(2012, 12, 31), id="worked-example-born-23-sep-2007"),
    pytest.param(date(2020, 2, 29), date(2025, 3, 31), id="29-feb-birthday-5th-in-common-year"),
    pytest.param(date(2019, 2, 28), date(2024, 3, 31), id="28-feb-birthday"),
]


@pytest.mark.parametrize(("dob", "first"), START_CASES)
def test_start_of_compulsory_school_age(dob: date, first: date) -> None:
    assert compulsory_school_age(dob)[0] == first


# (dob, school leaving date): last Friday in June of the school year (1 Sep - 31 Aug) in which the child turns 16.
# Last Fridays in June: 2023 -> 30 Jun (30 Jun is a Friday), 2024 -> 28 Jun, 2025 -> 27 Jun, 2026 -> 26 Jun.
END_CASES = [
    pytest.param(date(2007, 9, 23), date(2024, 6, 28), id="worked-example-born-23-sep-2007"),
    pytest.param(date(2007, 9, 1), date(2024, 6, 28), id="16-on-1-sep-2023-oldest-in-year"),
    pytest.param(date(2008, 1, 1), date(2024, 6, 28), id="16-in-january"),
    pytest.param(date(2008, 2, 29), date(2024, 6, 28), id="29-feb-birthday-16-in-leap-year"),
    pytest.param(date(2008, 6, 27), date(2024, 6, 28), id="16-day-before-leaving-date"),
    pytest.param(date(2008, 6, 28), date(2024, 6, 28), id="16-on-leaving-date"),
    pytest.param(date(2008, 6, 29), date(2024, 6, 28), id="16-day-after-leaving-date-leaves-aged-15"),
    pytest.param(date(2008, 7, 15), date(2024, 6, 28), id="16-in-july-leaves-aged-15"),
    pytest.param(date(2008, 8, 31), date(2024, 6, 28), id="16-on-31-aug-youngest-in-year-leaves-aged-15"),
    pytest.param(date(2008, 9, 1), date(2025, 6, 27), id="16-on-1-sep-2024-leaves-next-june"),
    pytest.param(date(2008, 9, 2), date(2025, 6, 27), id="16-on-2-sep-2024"),
    pytest.param(date(2009, 8, 31), date(2025, 6, 27), id="16-on-31-aug-2025"),
    pytest.param(date(2007, 6, 30), date(2023, 6, 30), id="16-on-leaving-date-which-is-30-june"),
    pytest.param(date(2007, 7, 1), date(2023, 6, 30), id="16-day-after-30-june-leaving-date"),
    pytest.param(date(2010, 3, 31), date(2026, 6, 26), id="born-on-prescribed-day-2010"),
]


@pytest.mark.parametrize(("dob", "last"), END_CASES)
def test_end_of_compulsory_school_age(dob: date, last: date) -> None:
    assert compulsory_school_age(dob)[1] == last


def test_worked_example_whole_tuple() -> None:
    assert compulsory_school_age(date(2007, 9, 23)) == (date(2012, 12, 31), date(2024, 6, 28))


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        # Start, for each of the three prescribed days: the day before is not CSA, the day itself is.
        pytest.param(date(2019, 3, 31), date(2024, 3, 30), False, id="31-mar-birthday-day-before"),
        pytest.param(date(2019, 3, 31), date(2024, 3, 31), True, id="31-mar-birthday-on-the-day"),
        pytest.param(date(2019, 1, 10), date(2024, 3, 30), False, id="jan-birthday-day-before-31-mar"),
        pytest.param(date(2019, 1, 10), date(2024, 3, 31), True, id="jan-birthday-on-31-mar"),
        pytest.param(date(2019, 6, 1), date(2024, 8, 30), False, id="june-birthday-day-before-31-aug"),
        pytest.param(date(2019, 6, 1), date(2024, 8, 31), True, id="june-birthday-on-31-aug"),
        pytest.param(date(2019, 8, 31), date(2024, 8, 30), False, id="31-aug-birthday-day-before"),
        pytest.param(date(2019, 8, 31), date(2024, 8, 31), True, id="31-aug-birthday-on-the-day"),
        pytest.param(date(2019, 10, 5), date(2024, 12, 30), False, id="oct-birthday-day-before-31-dec"),
        pytest.param(date(2019, 10, 5), date(2024, 12, 31), True, id="oct-birthday-on-31-dec"),
        pytest.param(date(2019, 10, 5), date(2024, 10, 5), False, id="5th-birthday-itself-not-yet-csa"),
        # End: CSA lasts until the end of the leaving date.
        pytest.param(date(2007, 9, 23), date(2024, 6, 28), True, id="on-leaving-date"),
        pytest.param(date(2007, 9, 23), date(2024, 6, 29), False, id="day-after-leaving-date"),
        pytest.param(date(2008, 8, 31), date(2024, 6, 29), False, id="aged-15-after-leaving-date"),
        pytest.param(date(2008, 9, 1), date(2024, 6, 29), True, id="1-sep-birthday-still-csa-in-summer"),
        pytest.param(date(2007, 9, 23), datetime(2024, 6, 28, 23, 59), True, id="datetime-accepted"),
    ],
)
def test_is_compulsory_school_age(dob: date, on: date, expected: bool) -> None:
    assert is_compulsory_school_age(dob, on) is expected


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        pytest.param(date(2019, 8, 31), date(2024, 9, 1), 1, id="31-aug-birthday-youngest-in-year-1"),
        pytest.param(date(2019, 9, 1), date(2024, 9, 1), 0, id="1-sep-birthday-oldest-in-reception"),
        pytest.param(date(2019, 9, 1), date(2024, 8, 31), -1, id="1-sep-birthday-nursery-until-31-aug"),
        pytest.param(date(2012, 9, 1), date(2024, 8, 31), 6, id="year-6-on-31-aug"),
        pytest.param(date(2012, 9, 1), date(2024, 9, 1), 7, id="year-7-on-1-sep"),
        pytest.param(date(2019, 12, 25), date(2025, 3, 3), 0, id="reception-mid-year"),
        pytest.param(date(2007, 9, 23), date(2024, 1, 15), 11, id="worked-example-year-11"),
        pytest.param(date(2008, 8, 31), date(2024, 3, 1), 11, id="youngest-in-year-11"),
        pytest.param(date(2005, 11, 10), date(2023, 10, 1), 13, id="year-13"),
        pytest.param(date(2020, 2, 29), date(2024, 10, 10), 0, id="29-feb-birthday-reception"),
        pytest.param(date(2016, 2, 29), date(2025, 3, 1), 4, id="29-feb-birthday-year-4-in-common-year"),
        pytest.param(date(2023, 1, 1), date(2024, 9, 1), -3, id="toddler-below-nursery"),
        pytest.param(date(2003, 9, 1), date(2024, 9, 1), 16, id="no-upper-clamp-age-20"),
    ],
)
def test_year_group(dob: date, on: date, expected: int) -> None:
    assert year_group(dob, on) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(date(2024, 8, 31), date(2023, 9, 1), id="31-aug-is-end-of-previous-year"),
        pytest.param(date(2024, 9, 1), date(2024, 9, 1), id="1-sep-starts-year"),
        pytest.param(date(2024, 12, 31), date(2024, 9, 1), id="december"),
        pytest.param(date(2025, 1, 1), date(2024, 9, 1), id="january"),
        pytest.param(datetime(2025, 6, 30, 9, 0), date(2024, 9, 1), id="datetime"),
    ],
)
def test_school_year_start(on: date, expected: date) -> None:
    assert school_year_start(on) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        pytest.param(-3, "Pre-school", id="-3"),
        pytest.param(-2, "Pre-school", id="-2"),
        pytest.param(-1, "Nursery", id="-1"),
        pytest.param(0, "Reception", id="0"),
        pytest.param(1, "Year 1", id="1"),
        pytest.param(7, "Year 7", id="7"),
        pytest.param(11, "Year 11", id="11"),
        pytest.param(13, "Year 13", id="13"),
        pytest.param(14, "Year 14+", id="14"),
        pytest.param(20, "Year 14+", id="20"),
    ],
)
def test_year_group_label(n: int, expected: str) -> None:
    assert year_group_label(n) == expected


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        pytest.param(date(2008, 2, 29), date(2024, 2, 28), 15, id="leap-day-before-birthday"),
        pytest.param(date(2008, 2, 29), date(2024, 2, 29), 16, id="leap-day-birthday"),
        pytest.param(date(2008, 2, 29), date(2025, 2, 28), 16, id="common-year-28-feb-not-yet"),
        pytest.param(date(2008, 2, 29), date(2025, 3, 1), 17, id="common-year-1-mar"),
        pytest.param(date(2010, 5, 10), date(2026, 5, 9), 15, id="day-before-birthday"),
        pytest.param(date(2010, 5, 10), date(2026, 5, 10), 16, id="on-birthday"),
    ],
)
def test_age_on(dob: date, on: date, expected: int) -> None:
    assert age_on(dob, on) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2023, date(2023, 6, 30), id="2023-30-june-is-friday"),
        pytest.param(2024, date(2024, 6, 28), id="2024"),
        pytest.param(2025, date(2025, 6, 27), id="2025"),
        pytest.param(2026, date(2026, 6, 26), id="2026"),
        pytest.param(2027, date(2027, 6, 25), id="2027"),
    ],
)
def test_last_friday_in_june(year: int, expected: date) -> None:
    assert last_friday_in_june(year) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        pytest.param(-1, False, id="nursery"),
        pytest.param(0, False, id="reception"),
        pytest.param(9, False, id="year-9"),
        pytest.param(10, False, id="year-10"),
        pytest.param(11, True, id="year-11-leaves-this-school-year"),
        pytest.param(12, True, id="year-12"),
        pytest.param(13, True, id="year-13"),
        pytest.param(14, True, id="year-14-plus"),
    ],
)
def test_destination_planning_due(n: int, expected: bool) -> None:
    assert destination_planning_due(n) is expected
