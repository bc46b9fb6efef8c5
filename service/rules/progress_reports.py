"""Which termly progress reports a placement's provider owes, and by when.

Why this module exists: the Oxfordshire commissioning guidance says providers "will be asked to submit termly
progress reports which should be prepared as a result of a review meeting, in consultation with the pupil,
parents and relevant professionals", focused on "progress against outcomes agreed at the beginning of the
placement". The 2024 Ofsted/CQC review found commissioners who did not know how pupils were getting on.
So a report is due for every term in which the placement ran for at least part of the term, by the last
day of that term, and it is overdue the day after.

Terms come from the organisation's entered term dates, which are half-terms (``HalfTerm``): the half-terms
named Autumn, Spring or Summer (or, failing a name, starting in September to December, January to March,
April to July) are put together into one term, from the first day of the first to the last day of the
last. Where no term dates have been entered for a term, the calendar's term is used instead (autumn
1 September to 31 December, spring 1 January to 31 March, summer 1 April to 31 July, trimmed where an
entered term runs into it) and the explanation says so, so the reader knows the date is an estimate.

A placement that starts near the end of a term (fewer than ten working days of it left) still owes a report
for that term, because it ran in it, but the provider cannot hold a meaningful review meeting in a week:
that report is due ten working days after the start instead, and the explanation says why.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from service.rules.calendar import add_working_days, working_days_between
from service.rules.dates import uk_date
from service.rules.review_dates import HalfTerm

#: A placement with fewer working days than this in its first term gets this many working days from its start.
SHORT_FIRST_TERM_WORKING_DAYS = 10

_ONE_DAY = timedelta(days=1)


class Season(enum.StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


_ORDER = (Season.AUTUMN, Season.SPRING, Season.SUMMER)
#: The calendar's terms, as (start month, start day, end month, end day), used when no dates are entered.
_CALENDAR = {
    Season.AUTUMN: (9, 1, 12, 31),
    Season.SPRING: (1, 1, 3, 31),
    Season.SUMMER: (4, 1, 7, 31),
}


@dataclass(frozen=True)
class Term:
    """One school term. ``key`` ("2025-autumn") names it in URLs and the database; it holds no personal data."""

    key: str
    name: str
    starts_on: date
    ends_on: date
    from_term_dates: bool

    def overlaps(self, first: date, last: date) -> bool:
        return self.starts_on <= last and first <= self.ends_on


@dataclass(frozen=True)
class ReportDue:
    """The report owed for one term: by when, whether that has passed, and why, in words."""

    term: Term
    due_by: date
    overdue: bool
    explanation: str


def season_of(half_term: HalfTerm) -> Season:
    """The term a half-term belongs to: by its name if it says, otherwise by the month it starts in."""
    word = half_term.name.strip().split(" ")[0].lower() if half_term.name.strip() else ""
    if word in {s.value for s in Season}:
        return Season(word)
    return _season_of_month(half_term.starts_on.month)


def _season_of_month(month: int) -> Season:
    if month <= 3:
        return Season.SPRING
    if month <= 7:
        return Season.SUMMER
    return Season.AUTUMN


def _key(year: int, season: Season) -> str:
    return f"{year}-{season.value}"


def _next(year: int, season: Season) -> tuple[int, Season]:
    index = _ORDER.index(season)
    if season is Season.AUTUMN:
        return year + 1, Season.SPRING
    return year, _ORDER[index + 1] if index + 1 < len(_ORDER) else Season.AUTUMN


def _previous(year: int, season: Season) -> tuple[int, Season]:
    if season is Season.SPRING:
        return year - 1, Season.AUTUMN
    return year, _ORDER[_ORDER.index(season) - 1]


def _name(year: int, season: Season) -> str:
    return f"{season.value.capitalize()} term {year}"


def _grouped(half_terms: Sequence[HalfTerm]) -> dict[tuple[int, Season], list[HalfTerm]]:
    return _grouped_once(tuple(half_terms))


@functools.lru_cache(maxsize=64)
def _grouped_once(half_terms: tuple[HalfTerm, ...]) -> dict[tuple[int, Season], list[HalfTerm]]:
    """Kept for the same term dates: the dashboard asks once per placement, thousands of times with the same
    organisation's dates (the result is only read)."""
    entered: dict[tuple[int, Season], list[HalfTerm]] = {}
    for half in half_terms:
        entered.setdefault((half.starts_on.year, season_of(half)), []).append(half)
    return entered


#: The last list of half-terms seen and its terms: the dashboard asks for thousands of placements with the same list,
#: and hashing its half-terms each time cost more than the rest. Lists of half-terms are never changed in place.
_last_entered: tuple[Sequence[HalfTerm] | None, dict[tuple[int, Season], Term]] = (None, {})


def _entered_for(half_terms: Sequence[HalfTerm]) -> dict[tuple[int, Season], Term]:
    global _last_entered  # noqa: PLW0603 - a one-entry cache; a race between threads only costs a recomputation
    seen, entered = _last_entered
    if seen is not half_terms:
        entered = _entered_once(tuple(half_terms))
        _last_entered = (half_terms, entered)
    return entered


@functools.lru_cache(maxsize=64)
def _entered_once(half_terms: tuple[HalfTerm, ...]) -> dict[tuple[int, Season], Term]:
    """The entered terms by year and season, kept for the same term dates (Terms are frozen: only read)."""
    return {
        (year, season): _entered_term(year, season, halves)
        for (year, season), halves in _grouped_once(half_terms).items()
    }


def _entered_term(year: int, season: Season, halves: Sequence[HalfTerm]) -> Term:
    start, end = min(h.starts_on for h in halves), max(h.ends_on for h in halves)
    return Term(_key(year, season), _name(year, season), start, end, True)


def entered_terms(half_terms: Sequence[HalfTerm]) -> list[Term]:
    """The terms the organisation's half-terms make, oldest first: the one grouping of half-terms into terms,
    so a report's "Autumn term 2026" and the summary's are the same days."""
    return sorted(
        (_entered_term(year, season, halves) for (year, season), halves in _grouped(half_terms).items()),
        key=lambda term: term.starts_on,
    )


def terms_between(first: date, last: date, half_terms: Sequence[HalfTerm]) -> list[Term]:
    """Every term that overlaps ``first``..``last`` (both inclusive), in order."""
    entered = _entered_for(half_terms)

    year, season = _previous(first.year, _season_of_month(first.month))
    end_year, end_season = _next(last.year, _season_of_month(last.month))
    keys = [(year, season)]
    while (year, season) != (end_year, end_season):
        year, season = _next(year, season)
        keys.append((year, season))

    terms: list[Term] = []
    for year, season in keys:
        found = entered.get((year, season))
        if found is not None:
            terms.append(found)
        else:
            m1, d1, m2, d2 = _CALENDAR[season]
            terms.append(Term(_key(year, season), _name(year, season), date(year, m1, d1), date(year, m2, d2), False))
    # A calendar term gives way to an entered one beside it (a spring term entered up to 3 April, say).
    for index, term in enumerate(terms):
        if term.from_term_dates:
            continue
        start, end = term.starts_on, term.ends_on
        if index > 0 and terms[index - 1].from_term_dates and terms[index - 1].ends_on >= start:
            start = terms[index - 1].ends_on + _ONE_DAY
        if index + 1 < len(terms) and terms[index + 1].from_term_dates and terms[index + 1].starts_on <= end:
            end = terms[index + 1].starts_on - _ONE_DAY
        if start != term.starts_on or end != term.ends_on:
            terms[index] = Term(term.key, term.name, start, end, False)
    return [t for t in terms if t.starts_on <= t.ends_on and t.overlaps(first, last)]


def _working_days(first: date, last: date) -> int:
    """Working days from ``first`` to ``last``, both counted (counted arithmetically, not a day at a time: the
    dashboard asks this for thousands of placements)."""
    if last < first:
        return 0
    return working_days_between(first - timedelta(days=1), last)


def report_due(term: Term, active_from: date, active_to: date | None, today: date) -> ReportDue:
    """The report owed for ``term`` by a placement running from ``active_from`` (to ``active_to``, if it ended)."""
    if term.from_term_dates:
        source = f"the last day of the {term.name} in the term dates entered"
    else:
        source = (
            f"the end of the {term.name} as the calendar has it ({uk_date(term.starts_on)} to "
            f"{uk_date(term.ends_on)}): no term dates have been entered for it, so this is an estimate"
        )
    due_by = term.ends_on
    explanation = f"Due by {uk_date(due_by)}, {source}."
    if term.starts_on <= active_from <= term.ends_on:
        days_left = _working_days(active_from, term.ends_on)
        if days_left < SHORT_FIRST_TERM_WORKING_DAYS:
            due_by = add_working_days(active_from, SHORT_FIRST_TERM_WORKING_DAYS)
            explanation = (
                f"Due by {uk_date(due_by)}: the placement started on {uk_date(active_from)} with only {days_left} "
                f"working day{'s' if days_left != 1 else ''} of the {term.name} left, so the report is due "
                f"{SHORT_FIRST_TERM_WORKING_DAYS} working days after the start instead of on {uk_date(term.ends_on)}, "
                f"{source}."
            )
    if active_to is not None and active_to < term.ends_on:
        explanation += f" The placement ended on {uk_date(active_to)}: the report covers the term up to then."
    return ReportDue(term=term, due_by=due_by, overdue=today > due_by, explanation=explanation)


def reports_due(
    active_from: date, active_to: date | None, today: date, half_terms: Sequence[HalfTerm]
) -> list[ReportDue]:
    """The reports a placement owes, one per term it ran in for at least part, up to the term running today.

    ``active_from`` is the day it started; ``active_to`` the day it ended, or None while it runs. A term that
    has not started yet owes nothing; nor does a placement that has not started.
    """
    last = min(active_to, today) if active_to is not None else today
    if last < active_from:
        return []
    return [
        _report_due_once(
            term,
            active_from if term.starts_on <= active_from <= term.ends_on else None,
            active_to if active_to is not None and active_to < term.ends_on else None,
            today,
        )
        for term in terms_between(active_from, last, half_terms)
        if term.starts_on <= today
    ]


@functools.lru_cache(maxsize=4096)
def _report_due_once(term: Term, started_in_it: date | None, ended_in_it: date | None, today: date) -> ReportDue:
    """``report_due`` for placements that started or ended inside the term (the only days it reads), kept: for
    every term a placement ran right through, thousands of placements owe the same report by the same day."""
    return report_due(term, started_in_it or term.starts_on - _ONE_DAY, ended_in_it, today)
