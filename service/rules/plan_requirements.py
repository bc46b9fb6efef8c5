"""What the plan itself must say before it is agreed: when it ends, how long an off-site direction may run, the
joint risk assessment and the provider's health-and-safety check; and when an EHCP's annual review falls due.

Why these rules:

* **A planned end date.** DfE, *Arranging alternative provision* (February 2025) expects every placement to be
  time-limited, with clear objectives and a planned return or next step: a plan with no end drifts (Ofsted and the
  CQC found pupils left in AP for years). The end is set when the plan is agreed and is changed afterwards only by
  a review that agrees an extension, so the record shows who decided to keep the pupil there and why.
* **An off-site direction's maximum duration.** A governing body may direct a pupil off site to improve their
  behaviour (Education Act 2002 s29A; the Education (Educational Provision for Improving Behaviour) Regulations
  2010). The direction is for a period agreed at the outset, reviewed at intervals, and DfE, *Arranging
  alternative provision* (2025) says the maximum duration is agreed when it is made. The plan records that
  maximum, and its planned end must fall within it.
* **The joint risk assessment and the provider's health-and-safety check.** The Oxfordshire commissioning guidance
  asks the commissioner to carry out a risk assessment jointly with the provider before the placement starts and
  to check the provider's health-and-safety arrangements; Keeping Children Safe in Education puts the
  responsibility for a pupil placed in AP on the commissioning school. When the plan says there are risks, both
  must be recorded (date, who took part, whether a separate assessment is attached; date and outcome of the
  check), and an unsatisfactory check stops the plan.
* **The EHCP annual review.** An EHC plan must be reviewed at least every 12 months (Children and Families Act
  2014 s44; SEND Code of Practice 2015, 9.166). A placement changes the provision the plan describes, so the
  commissioner sees when the next review is due, and To do today flags it four weeks ahead.

Pure: no database, no clock; the day is passed in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from service.rules.dates import uk_date

#: The longest off-site direction the service accepts as a maximum (a school year); longer is a different route.
MAX_DIRECTION_WEEKS = 52

#: How far ahead an EHCP annual review is flagged as due soon.
EHCP_REVIEW_WARNING_DAYS = 28


class HealthSafetyOutcome(enum.StrEnum):
    """The outcome of the commissioner's check of the provider's health-and-safety arrangements."""

    SATISFACTORY = "satisfactory"
    ACTIONS_AGREED = "actions_agreed"
    UNSATISFACTORY = "unsatisfactory"

    @property
    def label(self) -> str:
        return {
            "satisfactory": "Satisfactory",
            "actions_agreed": "Satisfactory, with actions agreed",
            "unsatisfactory": "Unsatisfactory",
        }[self.value]


@dataclass(frozen=True)
class Finding:
    """A rule applied: whether the plan meets it, and why, in words a SENCO can act on."""

    ok: bool
    message: str


def planned_end_check(start: date, end: date | None) -> Finding:
    """A plan is agreed with a planned end date, on or after the planned start."""
    if end is None:
        return Finding(False, "Enter the planned end date: a placement is time-limited, with a planned next step.")
    if end < start:
        return Finding(False, f"The planned end date must be on or after the planned start ({uk_date(start)}).")
    return Finding(True, f"The placement is planned to end on {uk_date(end)}.")


def direction_latest_end(start: date, weeks: int) -> date:
    """The last day an off-site direction of ``weeks`` weeks from ``start`` covers (start counted as day one)."""
    return start + timedelta(weeks=weeks) - timedelta(days=1)


def off_site_direction_check(start: date, end: date | None, direction: bool | None, max_weeks: int | None) -> Finding:
    """An off-site direction records the maximum duration agreed when it was made, and the plan ends within it."""
    if direction is None:
        return Finding(False, "Say whether the pupil is directed off site by the governing body.")
    if not direction:
        return Finding(True, "The pupil is not directed off site.")
    if max_weeks is None:
        return Finding(
            False,
            "Enter the maximum duration agreed for the off-site direction: a direction is time-limited "
            "(the Education (Educational Provision for Improving Behaviour) Regulations 2010).",
        )
    if not 1 <= max_weeks <= MAX_DIRECTION_WEEKS:
        return Finding(False, f"The off-site direction's maximum duration must be 1 to {MAX_DIRECTION_WEEKS} weeks.")
    latest = direction_latest_end(start, max_weeks)
    if end is not None and end > latest:
        return Finding(
            False,
            f"The planned end date ({uk_date(end)}) is after the off-site direction's agreed maximum of "
            f"{max_weeks} week{'s' if max_weeks != 1 else ''} (to {uk_date(latest)}). A longer placement needs the "
            "direction reviewed and its maximum changed first.",
        )
    return Finding(
        True, f"Off-site direction for at most {max_weeks} week{'s' if max_weeks != 1 else ''}, to {uk_date(latest)}."
    )


@dataclass(frozen=True)
class RiskAnswers:
    """What the plan says about risks: whether any are identified, the joint assessment and the H&S check."""

    risks_identified: bool | None
    assessment_date: date | None = None
    participants: str = ""
    assessment_attached: bool | None = None
    health_safety_date: date | None = None
    health_safety_outcome: HealthSafetyOutcome | None = None


def risk_assessment_missing(answers: RiskAnswers) -> list[str]:
    """The answers still needed, in words ("the date of the joint risk assessment"); empty when complete.

    Nothing more is needed when the plan says no risks are identified; not saying either way is itself missing.
    """
    if answers.risks_identified is None:
        return ["whether risks are identified"]
    if not answers.risks_identified:
        return []
    missing = []
    if answers.assessment_date is None:
        missing.append("the date of the joint risk assessment")
    if not answers.participants.strip():
        missing.append("who took part in it")
    if answers.assessment_attached is None:
        missing.append("whether a separate assessment is attached")
    if answers.health_safety_date is None:
        missing.append("the date of the provider's health-and-safety check")
    if answers.health_safety_outcome is None:
        missing.append("its outcome")
    return missing


def risk_assessment_check(answers: RiskAnswers) -> Finding:
    """When risks are identified, the joint risk assessment and a health-and-safety check that is not unsatisfactory."""
    missing = risk_assessment_missing(answers)
    if missing:
        return Finding(
            False,
            "The plan identifies risks, so the joint risk assessment with the provider and the provider's "
            f"health-and-safety check must be recorded before agreement. Still needed: {_listed(missing)}."
            if answers.risks_identified
            else "Say whether the plan identifies risks (yes or no).",
        )
    if not answers.risks_identified:
        return Finding(True, "The plan says no risks are identified.")
    if answers.health_safety_outcome is HealthSafetyOutcome.UNSATISFACTORY:
        return Finding(
            False,
            f"The provider's health-and-safety check on {uk_date(answers.health_safety_date)} was unsatisfactory: "
            "the pupil cannot be placed there until a new check is satisfactory.",
        )
    return Finding(
        True,
        f"Joint risk assessment on {uk_date(answers.assessment_date)} ({answers.participants.strip()}); "
        f"health-and-safety check on {uk_date(answers.health_safety_date)}: "
        f"{answers.health_safety_outcome.label.lower() if answers.health_safety_outcome else ''}.",
    )


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- the EHCP annual review ---------------------------------------------------------------------------


class ReviewState(enum.StrEnum):
    NOT_RECORDED = "not_recorded"
    SCHEDULED = "scheduled"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class EhcpReview:
    """When the EHCP's next annual review is due, and whether it needs attention on a given day."""

    due: date | None
    state: ReviewState
    message: str

    @property
    def needs_attention(self) -> bool:
        return self.state in (ReviewState.DUE_SOON, ReviewState.OVERDUE)


def _one_year_after(day: date) -> date:
    """The same day a year later; 29 February gives 28 February (the review is within 12 months, not after)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def ehcp_review_due(last_review: date) -> date:
    """The latest date of the next annual review: 12 months after the last (Children and Families Act 2014 s44)."""
    return _one_year_after(last_review)


def ehcp_review(last_review: date | None, on: date) -> EhcpReview:
    """The EHCP annual review on ``on``: due in more than four weeks, due soon, or overdue."""
    if last_review is None:
        return EhcpReview(None, ReviewState.NOT_RECORDED, "The date of the last EHCP annual review is not recorded.")
    due = ehcp_review_due(last_review)
    if on > due:
        days = (on - due).days
        return EhcpReview(
            due,
            ReviewState.OVERDUE,
            f"The EHCP annual review was due by {uk_date(due)}: {days} day{'s' if days != 1 else ''} overdue.",
        )
    if (due - on).days <= EHCP_REVIEW_WARNING_DAYS:
        return EhcpReview(due, ReviewState.DUE_SOON, f"The EHCP annual review is due by {uk_date(due)}.")
    return EhcpReview(due, ReviewState.SCHEDULED, f"The next EHCP annual review is due by {uk_date(due)}.")


def ehcp_flag_cutoff(on: date) -> date:
    """The latest last-review date that is flagged on ``on`` (due soon or overdue): for one query over many pupils.

    A last review on or before this date gives a due date within four weeks of ``on``, or before it.
    """
    horizon = on + timedelta(days=EHCP_REVIEW_WARNING_DAYS)
    try:
        cutoff = horizon.replace(year=horizon.year - 1)
    except ValueError:  # the horizon is 29 February: a year earlier has none
        cutoff = horizon.replace(year=horizon.year - 1, day=28)
    following = cutoff + timedelta(days=1)
    return following if ehcp_review_due(following) <= horizon else cutoff
