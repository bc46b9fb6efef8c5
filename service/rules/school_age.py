"""Compulsory school age and national curriculum year groups (England).

Why this module exists: whether a pupil is of compulsory school age decides whether the local authority
and the school owe the pupil full-time education at all, whether a provider's placements count towards
the independent-school registration threshold, and whether attendance code ``X`` (not of compulsory school
age) applies. The year group is what the AP Support Plan, the census and the Year 11 "not NEET" destination
check are keyed on.

Law behind it:

* Education Act 1996 s8(2): a child begins to be of compulsory school age on their 5th birthday if that is
  a prescribed day, otherwise at the beginning of the next prescribed day. The Education (Start of
  Compulsory School Age) Order 1998 prescribes 31 March, 31 August and 31 December.
* Education Act 1996 s8(3)-(4) and the Education (School Leaving Date) Order 1997: a child ceases to be
  of compulsory school age at the end of the school leaving date, the last Friday in June, of the school
  year in which they turn 16. Children whose 16th birthday falls in July or August (after that Friday but
  before the next school year begins) leave on that same Friday while still 15 -- s8(3)(a).
* Ages are reached at the start of the anniversary of birth (Family Law Reform Act 1969 s9).
* National curriculum year groups follow the admission cohort: a school year runs 1 September to
  31 August, and a child's year is fixed by their age on the 31 August before it starts: age 4 on that
  day is Reception, age 15 is Year 11 (the convention DfE's school census and admissions rules use).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# Education (Start of Compulsory School Age) Order 1998: the three prescribed days, as (month, day).
PRESCRIBED_DAYS: tuple[tuple[int, int], ...] = ((3, 31), (8, 31), (12, 31))

#: Age at 31 August before the school year at which a child is in Reception (year 0).
RECEPTION_AGE = 4

#: Highest year group with its own ordinary label; anything above it is shown as "Year 14+".
TOP_NAMED_YEAR = 13


def _as_date(value: date) -> date:
    """Drop the time from a datetime.

    Why: ``datetime`` is a subclass of ``date`` but cannot be compared with one, and a caller passing a
    timestamp from a form or the database should get the same legal answer as for the calendar day.
    """
    if isinstance(value, datetime):
        return value.date()
    return value


def age_on(dob: date, on: date) -> int:
    """Completed years of age on ``on``.

    Why: the Family Law Reform Act 1969 s9 says a person attains an age at the start of the anniversary
    of their birth, so the birthday itself counts. A 29 February birthday in a common year is treated as
    falling on 1 March (the person is not yet a year older on 28 February), the position generally taken
    in England; no result of this module depends on that choice because none of its cut-offs (the
    prescribed days, 31 August, the last Friday in June) falls between 28 February and 1 March.
    """
    dob, on = _as_date(dob), _as_date(on)
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


def _birthday_in(dob: date, year: int) -> date:
    """The date on which someone born on ``dob`` has their birthday in ``year``.

    Why: see :func:`age_on` -- 29 February maps to 1 March in a common year so that this agrees with it.
    """
    try:
        return dob.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def school_year_start(on: date) -> date:
    """The 1 September that begins the school year containing ``on``.

    Why: year groups and the school leaving date are both defined per school year, which for these
    purposes runs 1 September to 31 August (the convention DfE uses for the census and admissions).
    """
    on = _as_date(on)
    year = on.year if on.month >= 9 else on.year - 1
    return date(year, 9, 1)


def last_friday_in_june(year: int) -> date:
    """The school leaving date for ``year``.

    Why: the Education (School Leaving Date) Order 1997 fixes the school leaving date as the last Friday
    in June.
    """
    june_30 = date(year, 6, 30)
    # Monday is 0, Friday is 4: step back to the nearest Friday on or before 30 June.
    return june_30 - timedelta(days=(june_30.weekday() - 4) % 7)


def compulsory_school_age(dob: date) -> tuple[date, date]:
    """The first and last days of compulsory school age for a child born on ``dob``, both inclusive.

    Why: Education Act 1996 s8. The start is the first prescribed day (31 March, 31 August, 31 December)
    on or after the 5th birthday -- a child whose 5th birthday *is* a prescribed day starts that day
    (s8(2)(a)). The end is the school leaving date (last Friday in June) of the school year in which the
    child turns 16: a child turning 16 between 1 September and that Friday is 16 when they leave, and a
    child turning 16 after it in July or August still leaves on that Friday, aged 15 (s8(3)(a)). The child
    remains of compulsory school age until the *end* of the leaving date, so the leaving date is returned
    as the last day.

    Example: born 23 September 2007 -> (31 December 2012, 28 June 2024).
    """
    dob = _as_date(dob)
    fifth = _birthday_in(dob, dob.year + 5)
    first = next(
        prescribed
        for prescribed in (date(fifth.year, month, day) for month, day in PRESCRIBED_DAYS)
        if prescribed >= fifth
    )
    sixteenth = _birthday_in(dob, dob.year + 16)
    leaving_year = school_year_start(sixteenth).year + 1
    return first, last_friday_in_june(leaving_year)


def is_compulsory_school_age(dob: date, on: date) -> bool:
    """Whether a child born on ``dob`` is of compulsory school age on ``on``.

    Why: Education Act 1996 s8 -- compulsory school age begins at the *beginning* of the first day and
    ends at the *end* of the school leaving date, so both ends are inclusive.
    """
    first, last = compulsory_school_age(dob)
    return first <= _as_date(on) <= last


def year_group(dob: date, on: date) -> int:
    """National curriculum year for the school year containing ``on``.

    Why: DfE assigns year groups by age at the 31 August before the school year starts: year = that age
    minus 4. Reception is 0, Year 1 is 1, Year 11 is a child aged 15 on that 31 August, Year 13 is 13.
    Younger children get -1 (nursery) and below; there is no upper clamp. This is the *expected* year
    group: pupils taught out of their chronological year need a manual override held elsewhere.

    A child born on 31 August is the youngest in their year, one born on 1 September the oldest in the
    next year down.
    """
    start = school_year_start(on)
    return age_on(dob, date(start.year, 8, 31)) - RECEPTION_AGE


def year_group_label(n: int) -> str:
    """Plain-English name for a national curriculum year number, as staff and parents say it.

    Why: the AP Support Plan and screens show the year group, not the number. Labels:
    ``-1`` -> "Nursery" (the year before Reception, age 3 on 31 August), below that -> "Pre-school",
    ``0`` -> "Reception", ``1``..``13`` -> "Year 1".."Year 13", and above 13 -> "Year 14+" (the national
    curriculum ends at Year 13; older learners, e.g. 19-25 with an EHCP, are grouped rather than
    numbered because no setting uses "Year 15").
    """
    if n < -1:
        return "Pre-school"
    if n == -1:
        return "Nursery"
    if n == 0:
        return "Reception"
    if n <= TOP_NAMED_YEAR:
        return f"Year {n}"
    return f"Year {TOP_NAMED_YEAR + 1}+"


#: The year group in which a pupil reaches the school leaving date.
LEAVING_YEAR_GROUP = 11


def destination_planning_due(year_group: int) -> bool:
    """Whether the plan must say where the pupil goes next when compulsory schooling ends.

    Why: a pupil in Year 11 reaches the school leaving date (the last Friday in June, Education Act 1996 s8)
    during this school year, and must then stay in education or training until 18 (Education and Skills Act
    2008 Part 1). A placement that ends without a planned destination risks the pupil becoming NEET (not in
    education, employment or training), which the end-of-placement report has to rule out. Pupils above Year 11
    are already past the leaving date and need a destination just as much.
    """
    return year_group >= LEAVING_YEAR_GROUP
