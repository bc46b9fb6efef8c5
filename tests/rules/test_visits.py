"""When the next visit is due: half a term after the last visit (or the start), or a fixed number of working
days when the installation sets one. Term dates as in test_review_dates.py, worked out by hand there."""

from datetime import date

import pytest

from service.rules.review_dates import HalfTerm
from service.rules.visits import visit_due

AUTUMN_1 = HalfTerm("Autumn 1", date(2025, 9, 3), date(2025, 10, 24))  # 38 school days
AUTUMN_2 = HalfTerm("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))  # 35 school days
TERMS = [AUTUMN_1, AUTUMN_2]


@pytest.mark.parametrize(
    ("starts_on", "last_visit", "today", "school_days", "latest", "overdue"),
    [
        # no visit yet: half a term after the start (as the first review: Mon 6 Oct 2025 -> Thu 4 Dec 2025)
        (date(2025, 10, 6), None, date(2025, 12, 4), None, date(2025, 12, 4), False),
        (date(2025, 10, 6), None, date(2025, 12, 5), None, date(2025, 12, 4), True),
        # a visit on the first day of Autumn 1 (37 more days in it): due on the first day of Autumn 2
        (date(2025, 9, 3), date(2025, 9, 3), date(2025, 11, 3), None, date(2025, 11, 3), False),
        (date(2025, 9, 3), date(2025, 9, 3), date(2025, 11, 4), None, date(2025, 11, 3), True),
        # a fixed 10 working days after the last visit (Mon 1 Dec 2025 -> Mon 15 Dec 2025)
        (date(2025, 9, 3), date(2025, 12, 1), date(2025, 12, 15), 10, date(2025, 12, 15), False),
        (date(2025, 9, 3), date(2025, 12, 1), date(2025, 12, 16), 10, date(2025, 12, 15), True),
        # a fixed period and no visit: counted from the start
        (date(2025, 12, 1), None, date(2025, 12, 2), 10, date(2025, 12, 15), False),
    ],
)
def test_visit_due(starts_on, last_visit, today, school_days, latest, overdue):
    due = visit_due(starts_on=starts_on, last_visit=last_visit, today=today, half_terms=TERMS, school_days=school_days)
    assert (due.latest, due.overdue) == (latest, overdue)


def test_the_explanation_names_the_visit_not_a_review():
    due = visit_due(starts_on=date(2025, 9, 3), last_visit=date(2025, 9, 10), today=date(2025, 9, 11), half_terms=TERMS)
    assert "the last visit" in due.explanation and "review" not in due.explanation


def test_without_term_dates_six_school_weeks():
    due = visit_due(starts_on=date(2026, 1, 5), last_visit=None, today=date(2026, 1, 6), half_terms=[])
    assert due.latest == date(2026, 2, 16) and "six school weeks" in due.explanation
