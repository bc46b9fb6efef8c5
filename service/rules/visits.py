"""When the commissioner must next visit a pupil at their provider.

Why: the DfE's guidance expects commissioners to keep checking that a placement is safe and working, and
the 2024 Ofsted/CQC review found pupils nobody visited. apdocs asks for a visit at least every half term:
the same measure as reviews (``rules.review_dates``), counted from the last visit, or from the start when
there has been none. An installation can set a fixed period instead (``APDOCS_VISIT_WORKING_DAYS``: a number of
working days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from service.rules.calendar import add_working_days
from service.rules.review_dates import HalfTerm, latest_review_date, next_review_due


@dataclass(frozen=True)
class VisitDue:
    latest: date
    overdue: bool
    explanation: str


def visit_due(
    *,
    starts_on: date,
    last_visit: date | None,
    today: date,
    half_terms: Sequence[HalfTerm],
    school_days: int | None = None,
) -> VisitDue:
    """The latest date for the next visit, and whether it has passed (the day itself is still in time)."""
    if school_days:
        since = last_visit or starts_on
        latest = add_working_days(since, school_days)
        explanation = f"{school_days} working days after the {'last visit' if last_visit else 'start'}"
    elif last_visit is not None:
        deadline = next_review_due(last_visit, half_terms)
        latest, explanation = deadline.latest, deadline.explanation.replace("the last review", "the last visit")
    else:
        deadline = latest_review_date(starts_on, half_terms)
        latest, explanation = deadline.latest, deadline.explanation
    return VisitDue(latest=latest, overdue=today > latest, explanation=explanation)
