"""Who decides whether a pupil goes into alternative provision.

Why this module exists: Oxfordshire County Council's *Planning, Commissioning and Monitoring Placements with Alternative
Providers*, section "Decision Making" says the decision maker depends on where the child is on roll and on their SEN
status. A referral sent to the wrong person stalls, and for a child with an EHCP the local authority has a statutory
duty to make the final decision (Children and Families Act 2014: provision must follow the plan, changed through an
(early) annual review). The service uses this to route the referral and to say on the plan who agreed it.

The rules (the Oxfordshire commissioning guidance, with the EHCP variations it spells out):

* On a school's roll, no EHCP: the school's senior leadership team.
* On a school's roll with an EHCP: the LA, informed by an annual or early annual review of the plan.
* Permanently excluded, with or without an EHCP: the LA must arrange suitable education from the 6th
  school day of the exclusion (Education Act 1996 s19 and the exclusion regulations); delegated to the
  Access to Learning team.
* No suitable school place: the LA -- its statutory SEN team for a child with an EHCP, otherwise Access to
  Learning.
* Medical needs preventing attendance, with or without an EHCP: a joint decision of the health service
  (a consultant confirms the child cannot attend school) and the LA; provision is delivered by the
  hospital school.

The team names are Oxfordshire's; other LAs have equivalents, so labels say what the team does. The enums
are ``StrEnum`` (both ``str`` and ``Enum``): members equal, and print as, their stored values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Circumstance(StrEnum):
    """Where the child stands with respect to a school place, the first thing the guidance's rule turns on."""

    ON_ROLL = "on_roll"
    PERMANENTLY_EXCLUDED = "permanently_excluded"
    NO_SCHOOL_PLACE = "no_school_place"
    MEDICAL = "medical"

    @property
    def label(self) -> str:
        """Plain-English description for forms."""
        return _CIRCUMSTANCE_LABELS[self]


_CIRCUMSTANCE_LABELS: dict[Circumstance, str] = {
    Circumstance.ON_ROLL: "On a school's roll",
    Circumstance.PERMANENTLY_EXCLUDED: "Permanently excluded",
    Circumstance.NO_SCHOOL_PLACE: "Without a suitable school place",
    Circumstance.MEDICAL: "Unable to attend school because of medical needs",
}


class DecisionMaker(StrEnum):
    """Who agrees an alternative provision placement."""

    SCHOOL_SENIOR_LEADERSHIP = "school_senior_leadership"
    LOCAL_AUTHORITY_ANNUAL_REVIEW = "local_authority_annual_review"
    LOCAL_AUTHORITY_ACCESS_TO_LEARNING = "local_authority_access_to_learning"
    LOCAL_AUTHORITY_SEN_TEAM = "local_authority_sen_team"
    HEALTH_AND_LOCAL_AUTHORITY = "health_and_local_authority"

    @property
    def label(self) -> str:
        """Plain English a SENCO would recognise."""
        return _DECISION_MAKER_LABELS[self]


_DECISION_MAKER_LABELS: dict[DecisionMaker, str] = {
    DecisionMaker.SCHOOL_SENIOR_LEADERSHIP: "The school's senior leadership team",
    DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW: "The local authority, through an (early) annual review of the EHCP",
    DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING: "The local authority's Access to Learning team",
    DecisionMaker.LOCAL_AUTHORITY_SEN_TEAM: "The local authority's SEN team",
    DecisionMaker.HEALTH_AND_LOCAL_AUTHORITY: (
        "A health consultant and the local authority jointly (taught by the hospital school)"
    ),
}


#: Who decides, in words that do not tell whether the pupil has an EHCP.
WITHOUT_SEN_LABEL = "The local authority"


def label_without_sen(decision_maker: DecisionMaker) -> str:
    """Who decides, for a reader the commissioner keeps the pupil's SEN status from (a provider, when the pack's SEN
    section is kept out): the EHCP routes say only "the local authority", because naming the annual review of the
    EHCP or the SEN team would tell them what was kept out."""
    if decision_maker in (DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW, DecisionMaker.LOCAL_AUTHORITY_SEN_TEAM):
        return WITHOUT_SEN_LABEL
    return decision_maker.label


@dataclass(frozen=True)
class Decision:
    """Who decides, and why, in words that can be shown on the referral."""

    decision_maker: DecisionMaker
    explanation: str


def who_decides(circumstance: Circumstance | str, has_ehcp: bool) -> Decision:
    """Who makes the decision to agree an alternative provision placement.

    Why: the Oxfordshire commissioning guidance, "Decision Making". The EHCP matters only for a child on roll (the LA,
    not the school, decides, through an annual or early annual review) and for a child with no school place (SEN team
    rather than Access to Learning). For a permanently excluded child and for a child with medical needs the answer is
    the same with or without an EHCP.
    """
    circumstance = circumstance if isinstance(circumstance, Circumstance) else Circumstance(circumstance)
    if circumstance is Circumstance.ON_ROLL:
        if has_ehcp:
            return Decision(
                DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW,
                "The pupil is on a school's roll and has an EHCP: the local authority has the statutory duty to "
                "make the final decision, informed by an annual or early annual review of the plan. Consult the "
                "SEN team before making alternative arrangements.",
            )
        return Decision(
            DecisionMaker.SCHOOL_SENIOR_LEADERSHIP,
            "The pupil is on a school's roll without an EHCP: members of the school's senior leadership team decide.",
        )
    if circumstance is Circumstance.PERMANENTLY_EXCLUDED:
        return Decision(
            DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING,
            "The pupil has been permanently excluded: the local authority must arrange suitable education from "
            "day 6 of the exclusion, with or without an EHCP. The Access to Learning team does this.",
        )
    if circumstance is Circumstance.NO_SCHOOL_PLACE:
        if has_ehcp:
            return Decision(
                DecisionMaker.LOCAL_AUTHORITY_SEN_TEAM,
                "The child has no suitable school place and has an EHCP: the local authority decides on suitable "
                "education, through its statutory SEN team.",
            )
        return Decision(
            DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING,
            "The child has no suitable school place and no EHCP: the local authority decides on suitable "
            "education, through the Access to Learning team.",
        )
    return Decision(
        DecisionMaker.HEALTH_AND_LOCAL_AUTHORITY,
        "The child cannot attend school because of medical needs: a health consultant, who confirms the child "
        "cannot attend, and the local authority decide jointly, with or without an EHCP. The hospital school "
        "delivers the provision.",
    )
