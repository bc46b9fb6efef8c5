"""The latest date for a placement's first review, and for each review after it.

Why this module exists: DfE's *Arranging alternative provision* (2025) expects a placement to be reviewed
at least half-termly, and the 2024 Ofsted/CQC review found placements left to drift with no one checking
progress. The service therefore sets the first review no later than half a term after the start, and each
later review no later than half a term after the one before, and flags a review date set later than that.

"Half a term" is measured in the organisation's own term dates: the number of school days in the
half-term the placement starts in (or, if it starts in a holiday, the next one), counted forward in term
time so that a holiday does not use up the allowance. A school day is a working day (a weekday that is not
an England bank holiday, :mod:`service.rules.calendar`) inside an entered half-term. Where no term dates
have been entered the service falls back to six school weeks, 30 working days, and says so; where the
counting runs past the last entered half-term it carries on in working days and says that too, so the
reader knows the date is an estimate until next year's dates are entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from service.rules.calendar import add_working_days, is_working_day
from service.rules.dates import uk_date
from service.rules.school_day_index import SchoolDayIndex, index_for

#: Six school weeks of five days: used when an organisation has entered no term dates.
DEFAULT_SCHOOL_DAYS = 30

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class HalfTerm:
    """One half-term of an organisation's entered term dates, both ends inclusive."""

    name: str
    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if _as_date(self.ends_on) < _as_date(self.starts_on):
            raise ValueError(f"{self.name} ends before it starts.")

    def __contains__(self, day: date) -> bool:
        return _as_date(self.starts_on) <= day <= _as_date(self.ends_on)

    @property
    def school_days(self) -> int:
        """Working days from the first day to the last, both inclusive."""
        first, last = _as_date(self.starts_on), _as_date(self.ends_on)
        return sum(1 for i in range((last - first).days + 1) if is_working_day(first + timedelta(days=i)))


@dataclass(frozen=True)
class ReviewDeadline:
    """The latest date a review may be held, the school days counted to reach it, and why, in words."""

    latest: date
    school_days: int
    explanation: str


@dataclass(frozen=True)
class ReviewDateCheck:
    """Whether a planned review date is in time, with the latest allowed date and a message for the form."""

    ok: bool
    latest: date
    message: str


def _as_date(value: date) -> date:
    """Drop the time from a datetime, so a timestamp counts as its calendar day."""
    if isinstance(value, datetime):
        return value.date()
    return value


@dataclass(frozen=True)
class _TermDays:
    """An organisation's half-terms made ready for counting: in order, as plain dates, with each one's school days
    and the index of all of them (``service.rules.school_day_index``)."""

    terms: tuple[tuple[HalfTerm, date, date, int], ...]  # (half-term, first day, last day, school days), in order
    last_day: date
    index: SchoolDayIndex


@lru_cache(maxsize=64)
def _term_days(half_terms: tuple[HalfTerm, ...]) -> _TermDays | None:
    """Worked out once per set of term dates (the dashboard asks for thousands of deadlines of one organisation)."""
    index = index_for(half_terms)
    if index is None:
        return None
    ordered = sorted(half_terms, key=lambda t: _as_date(t.starts_on))
    spans = tuple(
        (t, _as_date(t.starts_on), _as_date(t.ends_on), index.count_between(_as_date(t.starts_on), _as_date(t.ends_on)))
        for t in ordered
    )
    return _TermDays(spans, index.last_term_day, index)


def _deadline(since: date, half_terms: Sequence[HalfTerm], after: str) -> ReviewDeadline:
    """Half a term after ``since``; ``after`` names the event ("the start", "the last review") in the text.

    Counted with the organisation's school-day index: the n-th school day after ``since`` is one ``bisect``, not
    a walk through the calendar a day at a time (issue 18: 1.24 million calendar checks on an LA's dashboard)."""
    since = _as_date(since)
    prepared = _term_days(tuple(half_terms))
    if prepared is None:
        return ReviewDeadline(
            add_working_days(since, DEFAULT_SCHOOL_DAYS),
            DEFAULT_SCHOOL_DAYS,
            f"six school weeks after {after} (no term dates have been entered, so weekdays less bank holidays are "
            "counted)",
        )
    last_day = prepared.last_day
    found = next((span for span in prepared.terms if span[1] <= since <= span[2]), None)
    in_holiday = found is None
    if found is None:
        found = next((span for span in prepared.terms if span[1] > since), None)
    term, n = (found[0], found[3]) if found is not None else (None, 0)
    if term is None or n == 0:
        why = (
            f"the term dates entered end on {uk_date(last_day)}" if term is None else f"{term.name} has no school days"
        )
        return ReviewDeadline(
            add_working_days(since, DEFAULT_SCHOOL_DAYS),
            DEFAULT_SCHOOL_DAYS,
            f"six school weeks after {after} ({why}, so weekdays less bank holidays are counted)",
        )

    day = prepared.index.after(since, n)  # the n-th school day after ``since``, in term time, then working days

    which = f"{after} is in a holiday, so the next half-term counts: {term.name}" if in_holiday else term.name
    explanation = f"half a term after {after}: {which} has {n} school days, counted in term time from {uk_date(since)}"
    if day > last_day:
        explanation += (
            f"; the term dates entered end on {uk_date(last_day)}, so after that weekdays less bank holidays are "
            "counted"
        )
    return ReviewDeadline(day, n, explanation)


def latest_review_date(start: date, half_terms: Sequence[HalfTerm]) -> ReviewDeadline:
    """The latest date for a placement's first review: half a term after ``start``.

    ``start`` itself is not counted. ``half_terms`` are the organisation's entered term dates, in any order.

    Why: DfE, *Arranging alternative provision* (2025): reviews at least half-termly. Counting the school days
    of the half-term the placement starts in, in term time only, gives the same allowance whether the
    placement starts on the first day of term (the review falls by the first school day of the next
    half-term) or in the middle, and a holiday in between does not eat into it.
    """
    return _deadline(start, half_terms, "the start")


def next_review_due(last_review: date, half_terms: Sequence[HalfTerm]) -> ReviewDeadline:
    """The latest date for the next review: half a term after ``last_review``, counted as for the first.

    Why: the guidance's "at least half-termly" applies to every review, not only the first.
    """
    return _deadline(last_review, half_terms, "the last review")


def check_review_date(start: date, review_date: date | None, half_terms: Sequence[HalfTerm]) -> ReviewDateCheck:
    """Whether the first review date set on the plan is present, not before the start and in time.

    Why: the AP Support Plan must record a review meeting date (the Oxfordshire commissioning guidance, Appendix A), and
    DfE's 2025 guidance expects it within half a term. A review on the start day itself is allowed.
    """
    start = _as_date(start)
    deadline = latest_review_date(start, half_terms)
    latest = deadline.latest
    if review_date is None:
        return ReviewDateCheck(
            False,
            latest,
            f"Set a review date: the first review must be by {uk_date(latest)} ({deadline.explanation}).",
        )
    review_date = _as_date(review_date)
    if review_date < start:
        return ReviewDateCheck(
            False,
            latest,
            f"The review date {uk_date(review_date)} is before the placement starts on {uk_date(start)}. Set a "
            f"date from {uk_date(start)} to {uk_date(latest)}.",
        )
    if review_date > latest:
        return ReviewDateCheck(
            False,
            latest,
            f"The review date {uk_date(review_date)} is too late: the first review must be by {uk_date(latest)} "
            f"({deadline.explanation}).",
        )
    return ReviewDateCheck(
        True,
        latest,
        f"The first review on {uk_date(review_date)} is in time: it must be by {uk_date(latest)} "
        f"({deadline.explanation}).",
    )
