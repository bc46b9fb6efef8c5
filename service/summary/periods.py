"""The periods a summary covers: this school year, each term the organisation entered dates for, or all time.

Why terms and school years: governors and LA panels meet termly and report yearly. A period's ``key`` goes in
URLs and file names, so it is made of a year and a season, never anything personal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from service.attendance.services import first_day, last_day
from service.extensions import db
from service.placements.models import Placement
from service.rules.progress_reports import entered_terms
from service.rules.review_dates import HalfTerm
from service.rules.school_age import school_year_start
from service.term_dates.models import TermDate


class PeriodError(ValueError):
    """The period asked for in the URL is not one the organisation has: a message for the page."""


@dataclass(frozen=True)
class Period:
    """A stretch of time to summarise, both ends inclusive; ``None`` ends for all time. ``key`` goes in URLs
    and file names: it is made of a year and a season, never anything personal."""

    key: str
    label: str
    start: date | None
    end: date | None


ALL_TIME = Period("all", "All time", None, None)
_TERM_KEY = re.compile(r"(\d{4})-(autumn|spring|summer)")
_YEAR_KEY = re.compile(r"year-(\d{4})")


def school_year(start_year: int) -> Period:
    return Period(
        f"year-{start_year}",
        f"School year {start_year} to {start_year + 1}",
        date(start_year, 9, 1),
        date(start_year + 1, 8, 31),
    )


def terms(term_dates: Iterable[TermDate]) -> list[Period]:
    """The organisation's terms, each from its first half-term's start to its last one's end, newest first
    (grouped as progress reports group them, ``rules.progress_reports.entered_terms``).

    Why terms and not half-terms: governors and LA panels meet termly, and a half-term is too short a window
    for attendance and outcomes to mean much."""
    half_terms = [HalfTerm(row.name, row.starts_on, row.ends_on) for row in term_dates]
    return [Period(t.key, t.name, t.starts_on, t.ends_on) for t in reversed(entered_terms(half_terms))]


def period_choices(organisation_id: int, today: date) -> list[Period]:
    """This school year, the organisation's terms, and all time: the choices on the page (one query)."""
    term_dates = db.session.scalars(
        sa.select(TermDate).where(TermDate.organisation_id == organisation_id).order_by(TermDate.starts_on)
    )
    this_year = school_year(school_year_start(today).year)
    return [
        Period(this_year.key, f"This school year ({this_year.label[12:]})", this_year.start, this_year.end),
        *terms(term_dates),
        ALL_TIME,
    ]


def resolve_period(choices: Sequence[Period], key: str | None) -> Period:
    """The period a ``?term=`` key names; no key means the first choice (this school year).

    A well-formed school year key is accepted for any year (a governor may want last year's); a term must be
    one the organisation has entered dates for. Anything else raises :class:`PeriodError`.
    """
    if key is None or not key.strip():
        return choices[0]
    key = key.strip().lower()
    for period in choices:
        if period.key == key:
            return period
    year = _YEAR_KEY.fullmatch(key)
    if year and 2000 <= int(year.group(1)) <= 2100:
        return school_year(int(year.group(1)))
    if _TERM_KEY.fullmatch(key):
        raise PeriodError(
            "Your organisation has no term dates for that term. Choose a period from the list, or ask your "
            "administrator to enter the term dates."
        )
    raise PeriodError("That is not a period the summary knows. Choose a period from the list.")


def overlaps(placement: Placement, period: Period) -> bool:
    """A placement counts in a period if it ran during any of it: it started by the period's end and had not
    ended before its start. Actual dates, falling back to planned ones."""
    start, end = first_day(placement), last_day(placement)
    if period.end is not None and start > period.end:
        return False
    return not (period.start is not None and end is not None and end < period.start)


def within(day: date, period: Period) -> bool:
    """The day falls inside the period (an open end takes every day on its side)."""
    return (period.start is None or day >= period.start) and (period.end is None or day <= period.end)
