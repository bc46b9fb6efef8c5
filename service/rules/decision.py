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
from datetime import date
from enum import StrEnum

from service.rules.dates import uk_date


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


# -- whether the deciding body has decided -------------------------------------------------------------------------
#
# Who decides (above) is only half of the rule: the plan must not be agreed until that body has decided. For the
# school's senior leadership the school records who decided (the placement's ``decided_by``). For every other route
# the local authority records its decision in apdocs: agree or not, the date, the officer and, as the guidance asks,
# the date of the early or annual review of the EHCP that considered it (a pupil with an EHCP: "Alternative
# arrangements for children with EHCPs should always be consulted with [the LA's] SEN team ... an early annual review
# of the plan should be arranged", the Oxfordshire commissioning guidance; the Children and Families Act 2014) and,
# for a child with medical needs, the health input the joint decision rests on (who, when).


def local_authority_decides(decision_maker: DecisionMaker | str) -> bool:
    """Whether the local authority (alone or with health) makes this decision, so that it must record it."""
    return DecisionMaker(decision_maker) is not DecisionMaker.SCHOOL_SENIOR_LEADERSHIP


def routes_needing_local_authority() -> list[tuple[Circumstance, bool]]:
    """Every (circumstance, has an EHCP) pair on which the LA decides, read from ``who_decides`` itself, so a query
    that lists the LA's decisions never restates the rule."""
    return [
        (circumstance, has_ehcp)
        for circumstance in Circumstance
        for has_ehcp in (False, True)
        if local_authority_decides(who_decides(circumstance, has_ehcp).decision_maker)
    ]


class Commissioner(StrEnum):
    """Who commissions the placement: a school, or the local authority itself."""

    SCHOOL = "school"
    LOCAL_AUTHORITY = "local_authority"


class LaOutcome(StrEnum):
    """What the local authority decided."""

    AGREE = "agree"
    NOT_AGREE = "not_agree"

    @property
    def label(self) -> str:
        return {"agree": "Agreed", "not_agree": "Not agreed"}[self.value]


@dataclass(frozen=True)
class LaDecisionFacts:
    """What the local authority recorded, reduced to the facts the rule turns on."""

    outcome: LaOutcome | str
    decided_on: date | None
    officer: str
    ehcp_review_date: date | None = None
    health_input_by: str = ""
    health_input_on: date | None = None


class DecisionState(StrEnum):
    """Where the decision stands."""

    SCHOOL_DECIDED = "school_decided"  # not needed from the LA: the school's senior leadership decided
    WAITING = "waiting"  # the LA has recorded nothing yet
    AGREED = "agreed"
    NOT_AGREED = "not_agreed"
    INCOMPLETE = "incomplete"  # something the decision must say is missing

    @property
    def blocks_agreement(self) -> bool:
        """Only a decision made (by the school's leaders, or an LA's "agree" with all it must say) lets a plan be
        agreed. No override: the law gives the decision to that body, not to whoever agrees the plan."""
        return self not in (DecisionState.SCHOOL_DECIDED, DecisionState.AGREED)


#: The facts a decision must state, by field name, in words for the message.
MISSING_DECIDED_BY = "who in the school's senior leadership team decided"
MISSING_OUTCOME = "whether the local authority agreed"
MISSING_DECIDED_ON = "the date of the decision"
MISSING_OFFICER = "the officer who decided"
MISSING_EHCP_REVIEW = "the date of the early or annual review of the EHCP that considered it"
MISSING_HEALTH_BY = "who gave the health input"
MISSING_HEALTH_ON = "the date of the health input"


@dataclass(frozen=True)
class DecisionStatus:
    state: DecisionState
    message: str
    missing: tuple[str, ...] = ()


def needs_health_input(decision_maker: DecisionMaker | str) -> bool:
    """A medical placement is a joint decision with health: the consultant's input is part of the decision."""
    return DecisionMaker(decision_maker) is DecisionMaker.HEALTH_AND_LOCAL_AUTHORITY


def missing_facts(decision_maker: DecisionMaker | str, has_ehcp: bool, facts: LaDecisionFacts) -> tuple[str, ...]:
    """What an LA decision on this route must say and does not (in the order a reader would look for it)."""
    missing = []
    if str(facts.outcome) not in {o.value for o in LaOutcome}:
        missing.append(MISSING_OUTCOME)
    if facts.decided_on is None:
        missing.append(MISSING_DECIDED_ON)
    if not facts.officer.strip():
        missing.append(MISSING_OFFICER)
    if has_ehcp and facts.ehcp_review_date is None:
        missing.append(MISSING_EHCP_REVIEW)
    if needs_health_input(decision_maker):
        if not facts.health_input_by.strip():
            missing.append(MISSING_HEALTH_BY)
        if facts.health_input_on is None:
            missing.append(MISSING_HEALTH_ON)
    return tuple(missing)


def decision_status(
    decision_maker: DecisionMaker | str,
    has_ehcp: bool,
    commissioner: Commissioner | str,
    decided_by: str,
    facts: LaDecisionFacts | None,
    *,
    local_authority_known: bool = True,
) -> DecisionStatus:
    """Where the decision on a placement stands, and whether the plan may be agreed.

    Why: the Oxfordshire commissioning guidance, "Decision Making" (who decides; see ``who_decides``) and DfE,
    Arranging alternative provision (February 2025): a placement is agreed only by the body the law gives the
    decision to. The school's senior leadership decides for a pupil on roll without an EHCP (the placement must name
    who); every other route is the local authority's, which records its own decision (``facts``). A decision that
    leaves out what the route needs (the EHCP review, the health input) is incomplete: it cannot be relied on.

    ``commissioner`` says who is waiting for whom: a school waits for its LA; an LA that commissions the placement
    itself records its own decision. ``local_authority_known`` is False when a school has not chosen its LA, so no
    officer can record the decision yet.
    """
    maker = DecisionMaker(decision_maker)
    by_school = Commissioner(commissioner) is Commissioner.SCHOOL
    if not local_authority_decides(maker):
        if decided_by.strip():
            return DecisionStatus(
                DecisionState.SCHOOL_DECIDED, f"Decided by the school's senior leadership team: {decided_by.strip()}."
            )
        return DecisionStatus(
            DecisionState.INCOMPLETE,
            f"{maker.label} decides: record {MISSING_DECIDED_BY}.",
            (MISSING_DECIDED_BY,),
        )
    if facts is None:
        if by_school and not local_authority_known:
            message = (
                f"{maker.label} must decide, and your school has not chosen its local authority: your admin chooses "
                "it in Organisation settings, then an officer there records the decision."
            )
        elif by_school:
            message = f"Waiting for the local authority's decision ({maker.label.lower()})."
        else:
            message = f"{maker.label} must decide: record the local authority's decision."
        return DecisionStatus(DecisionState.WAITING, message)
    missing = missing_facts(maker, has_ehcp, facts)
    if missing:
        return DecisionStatus(
            DecisionState.INCOMPLETE,
            "The local authority's decision is incomplete: it does not record " + ", ".join(missing) + ".",
            missing,
        )
    assert facts.decided_on is not None  # missing_facts checked it
    when = uk_date(facts.decided_on)
    if LaOutcome(facts.outcome) is LaOutcome.NOT_AGREE:
        return DecisionStatus(
            DecisionState.NOT_AGREED,
            f"The local authority did not agree this placement on {when} ({facts.officer.strip()}).",
        )
    return DecisionStatus(DecisionState.AGREED, f"Agreed by the local authority on {when} by {facts.officer.strip()}.")


def record_problems(
    decision_maker: DecisionMaker | str, has_ehcp: bool, facts: LaDecisionFacts, today: date
) -> dict[str, str]:
    """What is wrong with a decision an officer is about to record, by field name: each missing fact, and dates that
    cannot be right (a decision in the future; a review or health input after the decision it informed)."""
    problems: dict[str, str] = {}
    names = {
        MISSING_OUTCOME: ("outcome", "Select whether the local authority agrees"),
        MISSING_DECIDED_ON: ("decided_on", "Enter the date of the decision"),
        MISSING_OFFICER: ("officer_name", "Enter the officer who decided"),
        MISSING_EHCP_REVIEW: ("ehcp_review_date", "Enter the date of the early or annual review that considered it"),
        MISSING_HEALTH_BY: ("health_input_by", "Enter who gave the health input, for example the consultant"),
        MISSING_HEALTH_ON: ("health_input_on", "Enter the date of the health input"),
    }
    for missing in missing_facts(decision_maker, has_ehcp, facts):
        field, message = names[missing]
        problems[field] = message
    decided_on = facts.decided_on
    if decided_on is not None and decided_on > today:
        problems["decided_on"] = "The date of the decision must be today or in the past"
    if decided_on is not None and facts.ehcp_review_date is not None and facts.ehcp_review_date > decided_on:
        problems["ehcp_review_date"] = "The review must be on or before the date of the decision it informed"
    if decided_on is not None and facts.health_input_on is not None and facts.health_input_on > decided_on:
        problems["health_input_on"] = "The health input must be on or before the date of the decision"
    return problems
