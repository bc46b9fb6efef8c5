"""Whether a placement may end without a recorded next destination.

Why: a pupil in Year 11 or above reaches the school leaving date this school year and must then stay in
education or training until 18 (Education and Skills Act 2008 Part 1). Ending their placement without a
destination risks them becoming NEET; the end-of-placement report must rule it out. For younger pupils a
destination is asked for but not required: they are still on a school's roll or the LA's list.
"""

from __future__ import annotations

from service.rules.school_age import destination_planning_due


def destination_required(year_group: int) -> bool:
    return destination_planning_due(year_group)


def destination_problem(year_group: int, destination: str | None) -> str:
    """The message for a missing destination, or "" when there is none to report."""
    if destination or not destination_required(year_group):
        return ""
    return (
        "Choose where the pupil goes next: a Year 11 pupil must not leave to nothing "
        "(they must stay in education or training until 18)"
    )
