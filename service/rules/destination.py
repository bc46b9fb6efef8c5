"""Whether a placement may end with the destination recorded, and what a vague or empty one still needs.

Why: a pupil in Year 11 or above reaches the school leaving date this school year and must then stay in
education or training until 18 (Education and Skills Act 2008 Part 1, the duty to participate); the local
authority must promote that participation and track the young people in its area who are not taking part
(Education and Skills Act 2008 ss10 and 12; DfE, Participation of young people in education, employment or
training, statutory guidance). The Oxfordshire commissioning guidance asks commissioners, for Year 11s, to work
with the provider "to prevent young people becoming NEET" and to record the next destination. So:

- a Year 11 (or older) pupil cannot leave without a destination; younger pupils may (they are still on a
  school's roll or the LA's list);
- "something else" says nothing unless its detail says what;
- "not in education, employment or training" is never accepted silently for anyone under 18: the commissioner
  confirms it explicitly and records what is being done about it (for example, referred to the LA's post-16
  participation team) and when, so the pupil is not lost between the school and the LA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.rules.school_age import destination_planning_due

#: The duty to participate in education or training lasts until the 18th birthday (Education and Skills Act 2008 s2).
PARTICIPATION_AGE = 18
#: The destination values the rules below name (``rules.placement_end.Destination``'s values).
OTHER = "other"
NEET = "neet"


def destination_required(year_group: int) -> bool:
    return destination_planning_due(year_group)


def must_participate(age: int) -> bool:
    """Whether the young person is under 18, and so must not be left out of education or training unremarked."""
    return age < PARTICIPATION_AGE


def destination_problem(year_group: int, destination: str | None) -> str:
    """The message for a missing destination, or "" when there is none to report."""
    if destination or not destination_required(year_group):
        return ""
    return (
        "Choose where the pupil goes next: a Year 11 pupil must not leave to nothing "
        "(they must stay in education or training until 18)"
    )


@dataclass(frozen=True)
class NeetFollowUp:
    """What the commissioner records when a pupil under 18 leaves to no education, employment or training."""

    confirmed: bool = False
    action: str = ""
    on: date | None = None


def destination_problems(
    *, year_group: int, age: int, destination: str | None, detail: str, follow_up: NeetFollowUp
) -> dict[str, str]:
    """Each problem with the destination, by the form field it belongs next to; empty when it may be recorded.

    ``destination`` is a ``Destination`` value or empty; ``age`` is the pupil's age on the placement's last day.
    The field names are the end-of-placement form's: ``destination``, ``destination_detail``, ``neet_confirmed``,
    ``neet_follow_up`` and ``neet_follow_up_on``.
    """
    missing = destination_problem(year_group, destination)
    if missing:
        return {"destination": missing}
    problems: dict[str, str] = {}
    if destination == OTHER and not detail.strip():
        problems["destination_detail"] = (
            "Say what the pupil is going on to: “something else” needs its detail (where, what, from when)"
        )
    if destination == NEET and must_participate(age):
        if not follow_up.confirmed:
            problems["neet_confirmed"] = (
                "Confirm that the pupil has no education, employment or training to go to: a young person "
                "under 18 must stay in education or training, so this is never recorded without your confirmation"
            )
        if not follow_up.action.strip():
            problems["neet_follow_up"] = (
                "Say what is being done so the pupil takes part in education or training, for example who at the "
                "local authority's post-16 participation team they were referred to"
            )
        if follow_up.on is None:
            problems["neet_follow_up_on"] = "Enter the date of the referral or of what is being done"
    return problems
