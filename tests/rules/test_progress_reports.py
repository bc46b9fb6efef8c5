"""Termly progress reports: which terms owe one and by when, on the term boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from service.rules.progress_reports import report_due, reports_due, season_of, terms_between
from service.rules.review_dates import HalfTerm

AUTUMN_1 = HalfTerm("Autumn 1", date(2025, 9, 3), date(2025, 10, 24))
AUTUMN_2 = HalfTerm("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))
SPRING_1 = HalfTerm("Spring 1", date(2026, 1, 5), date(2026, 2, 13))
SPRING_2 = HalfTerm("Spring 2", date(2026, 2, 23), date(2026, 3, 27))
SUMMER_1 = HalfTerm("Summer 1", date(2026, 4, 13), date(2026, 5, 22))
SUMMER_2 = HalfTerm("Summer 2", date(2026, 6, 1), date(2026, 7, 22))
YEAR = [AUTUMN_1, AUTUMN_2, SPRING_1, SPRING_2, SUMMER_1, SUMMER_2]


@pytest.mark.parametrize(
    "active_from,active_to,today,expected",
    [
        # Started on the first day of the autumn term, still running in the spring: autumn done, spring running.
        (
            date(2025, 9, 3),
            None,
            date(2026, 1, 10),
            [("2025-autumn", date(2025, 12, 19), True), ("2026-spring", date(2026, 3, 27), False)],
        ),
        # The last day of term is still in time; the day after is overdue.
        (date(2025, 9, 3), None, date(2025, 12, 19), [("2025-autumn", date(2025, 12, 19), False)]),
        (date(2025, 9, 3), None, date(2025, 12, 20), [("2025-autumn", date(2025, 12, 19), True)]),
        # Today in the Christmas holiday: the spring term has not started, so it owes nothing yet.
        (date(2025, 11, 3), None, date(2025, 12, 30), [("2025-autumn", date(2025, 12, 19), True)]),
        # Started on the last day of a term: that term still counts, once, and is due ten working days later
        # (Christmas, Boxing Day and New Year's Day are not working days).
        (date(2025, 12, 19), None, date(2026, 1, 2), [("2025-autumn", date(2026, 1, 7), False)]),
        # Started in the last week of term (5 working days left): due ten working days after the start.
        (
            date(2025, 12, 15),
            None,
            date(2026, 1, 5),
            [("2025-autumn", date(2025, 12, 31), True), ("2026-spring", date(2026, 3, 27), False)],
        ),
        # Ten working days left is enough: due on the last day of term as usual.
        (date(2025, 12, 8), None, date(2025, 12, 10), [("2025-autumn", date(2025, 12, 19), False)]),
        # Started in the holiday between terms: the next term is the first one.
        (date(2025, 12, 22), None, date(2026, 1, 6), [("2026-spring", date(2026, 3, 27), False)]),
        # Ended in the spring term: autumn and spring owed, spring by its last day, nothing for the summer.
        (
            date(2025, 10, 1),
            date(2026, 2, 6),
            date(2026, 6, 1),
            [("2025-autumn", date(2025, 12, 19), True), ("2026-spring", date(2026, 3, 27), True)],
        ),
        # Has not started yet.
        (date(2026, 1, 5), None, date(2026, 1, 2), []),
        # A whole year: three terms.
        (
            date(2025, 9, 3),
            date(2026, 7, 22),
            date(2026, 8, 1),
            [
                ("2025-autumn", date(2025, 12, 19), True),
                ("2026-spring", date(2026, 3, 27), True),
                ("2026-summer", date(2026, 7, 22), True),
            ],
        ),
    ],
)
def test_reports_due_on_entered_term_dates(active_from, active_to, today, expected):
    due = reports_due(active_from, active_to, today, YEAR)
    assert [(d.term.key, d.due_by, d.overdue) for d in due] == expected
    assert all(d.term.from_term_dates for d in due)


@pytest.mark.parametrize(
    "active_from,today,expected",
    [
        # No term dates at all: the calendar's terms, and the explanation says it is an estimate.
        (date(2025, 9, 8), date(2026, 1, 5), [("2025-autumn", date(2025, 12, 31)), ("2026-spring", date(2026, 3, 31))]),
        (date(2026, 4, 20), date(2026, 7, 31), [("2026-summer", date(2026, 7, 31))]),
        # August is a holiday in the calendar's terms: a placement starting then owes its first for the autumn.
        (date(2026, 8, 24), date(2026, 9, 1), [("2026-autumn", date(2026, 12, 31))]),
    ],
)
def test_without_term_dates_the_calendar_terms_are_used_and_said_to_be_estimates(active_from, today, expected):
    due = reports_due(active_from, None, today, [])
    assert [(d.term.key, d.due_by) for d in due] == expected
    assert all(not d.term.from_term_dates for d in due)
    assert all("no term dates have been entered" in d.explanation for d in due)


def test_past_the_entered_dates_the_calendar_term_carries_on_without_overlapping_them():
    spring_into_april = HalfTerm("Spring 2", date(2026, 2, 23), date(2026, 4, 2))
    terms = terms_between(date(2026, 3, 1), date(2026, 5, 1), [SPRING_1, spring_into_april])
    assert [(t.key, t.starts_on, t.ends_on, t.from_term_dates) for t in terms] == [
        ("2026-spring", date(2026, 1, 5), date(2026, 4, 2), True),
        ("2026-summer", date(2026, 4, 3), date(2026, 7, 31), False),
    ]


@pytest.mark.parametrize(
    "half_term,season",
    [
        (AUTUMN_2, "autumn"),
        (HalfTerm("spring 2", date(2026, 2, 23), date(2026, 3, 27)), "spring"),
        (HalfTerm("Term 5", date(2026, 4, 13), date(2026, 5, 22)), "summer"),
        (HalfTerm("Term 1", date(2025, 9, 3), date(2025, 10, 24)), "autumn"),
        (HalfTerm("Term 3", date(2026, 1, 5), date(2026, 2, 13)), "spring"),
    ],
)
def test_a_half_term_belongs_to_the_term_its_name_or_start_says(half_term, season):
    assert season_of(half_term) == season


def test_the_explanation_says_why_a_late_start_moves_the_date():
    (term,) = terms_between(date(2025, 12, 15), date(2025, 12, 15), YEAR)
    due = report_due(term, date(2025, 12, 15), None, date(2025, 12, 16))
    assert due.due_by == date(2025, 12, 31)
    assert "started on 15 December 2025 with only 5 working days" in due.explanation
    assert "instead of on 19 December 2025" in due.explanation


def test_the_explanation_says_when_the_placement_ended_mid_term():
    (term,) = terms_between(date(2026, 1, 5), date(2026, 1, 5), YEAR)
    due = report_due(term, date(2025, 9, 3), date(2026, 2, 6), date(2026, 2, 10))
    assert due.due_by == date(2026, 3, 27)
    assert "ended on 6 February 2026" in due.explanation
