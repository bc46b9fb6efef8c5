"""An absence with no reason yet (``N``) must be replaced within five school days.

Why this module exists: ``N`` ("reason not yet established") is a holding code. The School Attendance (Pupil
Registration) (England) Regulations 2024 and DfE, *Working together to improve school attendance* (August 2024)
require it to be replaced with the correct code within five school days of the session: a pupil whose absences stay
unexplained is the pupil nobody is following up. At an alternative provider the commissioner keeps the register
and decides each absence (:mod:`service.rules.attendance_codes`), so apdocs flags every ``N`` still undecided
after the deadline: on the commissioner's To do today and in the LA's weekly report.

How the days are counted: school days as for the sixth day of an exclusion (:mod:`service.rules.school_days`):
weekdays that are not England bank holidays, inside the commissioner's entered half-terms when it has entered any.
The session's own day is not counted; the fifth school day after it is the last day to replace the ``N``
(:func:`replace_by`), and from the day after that the ``N`` is overdue (:func:`is_overdue`). An ``N`` on Monday
2 March 2026 must be replaced by Monday 9 March, and is overdue on Tuesday 10 March.

:func:`overdue_cutoff` turns the deadline around: the latest session day whose ``N`` is overdue today, so the
database finds every overdue ``N`` of every placement with one comparison (``on <= cutoff``) instead of counting
school days mark by mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from service.rules.review_dates import HalfTerm
from service.rules.school_days import nth_school_day, nth_school_day_before

#: School days after the session within which an ``N`` must be replaced (the 2024 regulations; DfE, *Working
#: together to improve school attendance*).
REPLACE_WITHIN_SCHOOL_DAYS = 5

_ONE_DAY = timedelta(days=1)


def replace_by(session_day: date, half_terms: Sequence[HalfTerm]) -> date:
    """The last day to replace an ``N`` recorded for a session on ``session_day``: the fifth school day after it.

    Why "after": the session's own day is when the absence happened, not a day to find out why; the five school
    days that follow are the time the regulations give. A session on a day that is not a school day (a provider
    open in the half-term break) counts from the next school day in the same way.
    """
    return nth_school_day(session_day + _ONE_DAY, REPLACE_WITHIN_SCHOOL_DAYS, half_terms)


def is_overdue(session_day: date, today: date, half_terms: Sequence[HalfTerm]) -> bool:
    """Whether an ``N`` still on the register for ``session_day`` is overdue on ``today``: today is after
    :func:`replace_by`. On the fifth school day itself it is not yet overdue (it may still be replaced that day)."""
    return today > replace_by(session_day, half_terms)


def overdue_cutoff(today: date, half_terms: Sequence[HalfTerm]) -> date:
    """The latest session day whose ``N`` is overdue on ``today``: every ``N`` on or before it is overdue, every
    one after it is not (``is_overdue(d, today) == (d <= overdue_cutoff(today))`` for every day ``d``).

    Why a cut-off: computed once per organisation, it lets one query select every overdue ``N`` of all its
    placements. It is the day before the fifth school day before today: an ``N`` on that fifth school day still
    has four school days before today plus today itself, so it is not late yet. With fewer than five school days
    before today (term dates entered only from a few days ago) nothing can be overdue, and ``date.min`` is
    returned, which selects nothing.
    """
    fifth_before = nth_school_day_before(today, REPLACE_WITHIN_SCHOOL_DAYS, half_terms)
    if fifth_before is None:
        return date.min
    return fifth_before - _ONE_DAY
