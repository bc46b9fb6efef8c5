"""The sixth school day of an exclusion: who must provide full-time education from it, and whether they have.

Why this module exists: a pupil sent home from school is still owed an education. The law sets a date by which
someone must have arranged it, and the pupils most likely to be missed are the ones nobody is counting for.

Law behind it:

* **Permanent exclusion → the local authority.** Education Act 1996 s19 (the LA's duty to arrange suitable
  education for a child of compulsory school age who would not otherwise receive it), with Education and
  Inspections Act 2006 s101 and the Education (Provision of Full-Time Education for Excluded Pupils) (England)
  Regulations 2007: suitable full-time education must be provided from the sixth school day of a permanent
  exclusion. The Oxfordshire commissioning guidance: "it is for the LA to make suitable arrangements from day 6"
  (there, the Access to Learning team).
* **Suspension of more than five consecutive school days → the school.** Education and Inspections Act 2006
  s100 and the same 2007 Regulations: the governing body (or academy trust) must arrange suitable full-time
  education from the sixth school day of the suspension. A suspension of five school days or fewer carries no
  such duty (the school sets work for the pupil instead).
* The exclusion itself is decided and reviewed under the School Discipline (Pupil Exclusions and Reviews)
  (England) Regulations 2012; DfE, *Suspension and permanent exclusion from maintained schools, academies and
  pupil referral units in England, including pupil movement* (August 2024) says how the days are counted: the
  first day of the exclusion is day 1, and only school days count.

A **school day** is counted as the review deadlines count it (:mod:`service.rules.school_days`, shared with the
five-school-day deadline of an ``N``): a working day in England (:mod:`service.rules.calendar`) inside one of the
school's entered half-terms. Where the school has
entered no term dates every working day counts, and past the last entered half-term working days count too; the
explanation says so, so the reader knows the date is an estimate until the term dates are entered.

The duty is **met** when a placement is running, or agreed to start, on or before the sixth day (and has not ended
before it). Counting "days left" uses school days from ``on`` (not counted) to the deadline (counted), so on the
deadline itself 0 school days are left: the education must start that day.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from service.rules.dates import uk_date
from service.rules.review_dates import HalfTerm

# The school-day helpers moved to service.rules.school_days; still importable from here.
from service.rules.school_days import is_school_day as is_school_day
from service.rules.school_days import nth_school_day as nth_school_day
from service.rules.school_days import school_days_between as school_days_between

#: The day from which full-time education must be provided: the sixth school day of the exclusion.
DUTY_DAY = 6

#: A suspension longer than this many consecutive school days brings the school's day-6 duty.
SHORT_SUSPENSION_DAYS = DUTY_DAY - 1

#: The most school days a pupil may be suspended for in one school year (DfE's suspension guidance: 45).
MAX_SUSPENSION_DAYS = 45

#: The dashboard flags a deadline this many school days ahead, or nearer: two school weeks. A day-6 deadline is five
#: school days after the first day, so an exclusion is on the list from the day it is recorded (a first day up to a
#: week ahead included) until provision is in place.
FLAG_WITHIN_SCHOOL_DAYS = 10


class ExclusionKind(enum.StrEnum):
    """What the headteacher decided; the value is what is stored."""

    PERMANENT = "permanent"
    SUSPENSION = "suspension"

    @property
    def label(self) -> str:
        return {"permanent": "Permanent exclusion", "suspension": "Suspension"}[self.value]


class DutyHolder(enum.StrEnum):
    """Who must arrange full-time education from the sixth school day."""

    LOCAL_AUTHORITY = "local_authority"
    SCHOOL = "school"

    @property
    def label(self) -> str:
        return {"local_authority": "The local authority", "school": "The school"}[self.value]


class DutyState(enum.StrEnum):
    """Where the day-6 duty stands on a given day."""

    NO_DUTY = "no_duty"  # a suspension of five school days or fewer
    NOT_DUE_YET = "not_due_yet"  # the deadline is further off than the dashboard looks
    DUE = "due"  # the deadline is today or within FLAG_WITHIN_SCHOOL_DAYS school days, nothing arranged
    MET = "met"  # a placement runs, or is agreed to start, on or before the deadline
    LATE = "late"  # the deadline passed with nothing in place; a placement has started since
    MISSED = "missed"  # the deadline has passed and the pupil is still not in a placement


@dataclass(frozen=True)
class Provision:
    """A placement that may provide the education: its first day and, if it has ended, its last."""

    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True)
class SixthDay:
    """The sixth school day of an exclusion, and how it was counted, in words."""

    deadline: date
    explanation: str


@dataclass(frozen=True)
class DaySix:
    """The day-6 duty of one exclusion on one day: who owes it, by when, and where it stands."""

    holder: DutyHolder | None
    deadline: date | None
    state: DutyState
    school_days_left: int | None  # school days from ``on`` to the deadline; negative once passed
    provision_from: date | None  # the first day of the arranged provision that counts, if any
    explanation: str  # how the deadline was counted
    over: bool = False  # a suspension whose last day has passed: the pupil is back at school

    @property
    def flagged(self) -> bool:
        """Whether "To do today" lists it: due soon or passed, no education in place yet, and the pupil still
        excluded (a missed duty for a suspension that is over stays on the pupil's page, not on the list)."""
        return self.state in (DutyState.DUE, DutyState.MISSED) and not self.over

    @property
    def message(self) -> str:
        """One sentence for the page and the dashboard."""
        if self.holder is None or self.deadline is None:
            return "A suspension of five school days or fewer: there is no sixth-day duty. Set work for the pupil."
        # Only the school itself sees a suspension's duty, so it reads "Your school".
        who = "The local authority" if self.holder is DutyHolder.LOCAL_AUTHORITY else "Your school"
        when = uk_date(self.deadline)
        if self.state is DutyState.MET:
            return (
                f"{who} must provide full-time education from {when} (the sixth school day): a placement is in place."
            )
        if self.state is DutyState.LATE:
            return (
                f"{who} had to provide full-time education from {when} (the sixth school day): the placement starts "
                f"on {uk_date(self.provision_from)}, after it."
            )
        later = (
            f" the placement agreed starts on {uk_date(self.provision_from)}, after it"
            if self.provision_from
            else " no placement is in place"
        )
        if self.state is DutyState.MISSED:
            return f"{who} had to provide full-time education from {when} (the sixth school day):{later}."
        left = self.school_days_left or 0
        yet = "" if self.provision_from else " yet"
        due = "today" if left == 0 else ("in 1 school day" if left == 1 else f"in {left} school days")
        return f"{who} must provide full-time education from {when} (the sixth school day, due {due}):{later}{yet}."


def sixth_school_day(first_day: date, half_terms: Sequence[HalfTerm]) -> SixthDay:
    """The sixth school day of an exclusion that begins on ``first_day`` (day 1), with how it was counted."""
    deadline = nth_school_day(first_day, DUTY_DAY, half_terms)
    if not half_terms:
        how = "no term dates have been entered, so weekdays less bank holidays are counted"
    elif deadline > max(t.ends_on for t in half_terms):
        last = max(t.ends_on for t in half_terms)
        how = f"the term dates entered end on {uk_date(last)}, so after that weekdays less bank holidays are counted"
    else:
        how = "school days in the term dates entered, weekends, holidays and bank holidays left out"
    return SixthDay(deadline, f"day 1 is {uk_date(first_day)}; {how}")


def duty_holder(kind: ExclusionKind, school_days: int | None) -> DutyHolder | None:
    """Who must provide full-time education from day 6: the LA for a permanent exclusion, the school for a
    suspension of more than five school days, nobody for a shorter suspension."""
    if kind is ExclusionKind.PERMANENT:
        return DutyHolder.LOCAL_AUTHORITY
    if school_days is not None and school_days > SHORT_SUSPENSION_DAYS:
        return DutyHolder.SCHOOL
    return None


def suspension_last_day(first_day: date, school_days: int, half_terms: Sequence[HalfTerm]) -> date:
    """The last school day of a suspension of ``school_days`` days that begins on ``first_day``."""
    return nth_school_day(first_day, school_days, half_terms)


def day_six(
    *,
    kind: ExclusionKind,
    first_day: date,
    school_days: int | None,
    provisions: Iterable[Provision],
    on: date,
    half_terms: Sequence[HalfTerm],
) -> DaySix:
    """The day-6 duty of an exclusion on ``on``: who owes it, the deadline, and whether it is met.

    ``provisions`` are the pupil's placements that are agreed, running or ended (never drafts, referrals or
    cancelled ones: nothing is arranged until a placement is agreed). One running or agreed to start by the
    deadline meets the duty; with none, the duty is due until the deadline and missed after it, until a
    placement starts (late). A suspension's duty ends with the suspension (``DaySix.over``).
    """
    holder = duty_holder(kind, school_days)
    if holder is None:
        return DaySix(None, None, DutyState.NO_DUTY, None, None, "")
    sixth = sixth_school_day(first_day, half_terms)
    deadline = sixth.deadline
    left = school_days_between(on, deadline, half_terms)
    over = (
        school_days is not None
        and kind is ExclusionKind.SUSPENSION
        and on > suspension_last_day(first_day, school_days, half_terms)
    )
    arranged = [p for p in provisions if p.ends_on is None or p.ends_on >= deadline]
    in_time = [p for p in arranged if p.starts_on <= deadline]
    if in_time:
        start = min(p.starts_on for p in in_time)
        return DaySix(holder, deadline, DutyState.MET, left, start, sixth.explanation, over)
    later = min((p.starts_on for p in arranged), default=None)
    if on <= deadline:
        state = DutyState.DUE if left <= FLAG_WITHIN_SCHOOL_DAYS else DutyState.NOT_DUE_YET
    elif later is not None and later <= on:
        state = DutyState.LATE  # the pupil is in education now, later than the law wanted
    else:
        state = DutyState.MISSED
    return DaySix(holder, deadline, state, left, later, sixth.explanation, over)
