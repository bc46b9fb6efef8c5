"""Who decides on an AP placement (the Oxfordshire commissioning guidance, "Decision Making"): every circumstance with
and without an EHCP."""

import dataclasses

import pytest

from service.rules.decision import Circumstance, Decision, DecisionMaker, label_without_sen, who_decides

CASES = [
    pytest.param("on_roll", False, "school_senior_leadership", "senior leadership", id="on-roll-no-ehcp"),
    pytest.param("on_roll", True, "local_authority_annual_review", "annual review", id="on-roll-ehcp"),
    pytest.param("permanently_excluded", False, "local_authority_access_to_learning", "day 6", id="excluded-no-ehcp"),
    pytest.param("permanently_excluded", True, "local_authority_access_to_learning", "day 6", id="excluded-ehcp"),
    pytest.param(
        "no_school_place", False, "local_authority_access_to_learning", "Access to Learning", id="no-place-no-ehcp"
    ),
    pytest.param("no_school_place", True, "local_authority_sen_team", "SEN team", id="no-place-ehcp"),
    pytest.param("medical", False, "health_and_local_authority", "hospital school", id="medical-no-ehcp"),
    pytest.param("medical", True, "health_and_local_authority", "hospital school", id="medical-ehcp"),
]


@pytest.mark.parametrize(("circumstance", "has_ehcp", "maker", "phrase"), CASES)
def test_who_decides(circumstance: str, has_ehcp: bool, maker: str, phrase: str) -> None:
    decision = who_decides(Circumstance(circumstance), has_ehcp)
    assert isinstance(decision, Decision)
    assert decision.decision_maker is DecisionMaker(maker)
    assert phrase in decision.explanation


@pytest.mark.parametrize(("circumstance", "has_ehcp", "maker", "phrase"), CASES)
def test_who_decides_accepts_stored_string(circumstance: str, has_ehcp: bool, maker: str, phrase: str) -> None:
    assert who_decides(circumstance, has_ehcp).decision_maker is DecisionMaker(maker)


def test_decision_is_frozen() -> None:
    decision = who_decides(Circumstance.ON_ROLL, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.decision_maker = DecisionMaker.LOCAL_AUTHORITY_SEN_TEAM  # type: ignore[misc]


@pytest.mark.parametrize(
    ("member", "value", "label"),
    [
        pytest.param(
            DecisionMaker.SCHOOL_SENIOR_LEADERSHIP,
            "school_senior_leadership",
            "The school's senior leadership team",
            id="school",
        ),
        pytest.param(
            DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW,
            "local_authority_annual_review",
            "The local authority, through an (early) annual review of the EHCP",
            id="annual-review",
        ),
        pytest.param(
            DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING,
            "local_authority_access_to_learning",
            "The local authority's Access to Learning team",
            id="access-to-learning",
        ),
        pytest.param(
            DecisionMaker.LOCAL_AUTHORITY_SEN_TEAM,
            "local_authority_sen_team",
            "The local authority's SEN team",
            id="sen-team",
        ),
        pytest.param(
            DecisionMaker.HEALTH_AND_LOCAL_AUTHORITY,
            "health_and_local_authority",
            "A health consultant and the local authority jointly (taught by the hospital school)",
            id="health",
        ),
    ],
)
def test_decision_maker_values_and_labels(member: DecisionMaker, value: str, label: str) -> None:
    assert member.value == value
    assert str(member) == value
    assert member.label == label


@pytest.mark.parametrize(
    ("member", "value"),
    [
        pytest.param(Circumstance.ON_ROLL, "on_roll", id="on-roll"),
        pytest.param(Circumstance.PERMANENTLY_EXCLUDED, "permanently_excluded", id="excluded"),
        pytest.param(Circumstance.NO_SCHOOL_PLACE, "no_school_place", id="no-place"),
        pytest.param(Circumstance.MEDICAL, "medical", id="medical"),
    ],
)
def test_circumstance_values(member: Circumstance, value: str) -> None:
    assert member.value == value
    assert str(member) == value
    assert member.label  # every circumstance has a form label


def test_exactly_four_circumstances_and_five_decision_makers() -> None:
    assert len(Circumstance) == 4
    assert len(DecisionMaker) == 5


def test_unknown_circumstance_raises_value_error() -> None:
    with pytest.raises(ValueError):
        who_decides("home_educated", False)


@pytest.mark.parametrize(
    ("member", "label"),
    [
        (DecisionMaker.SCHOOL_SENIOR_LEADERSHIP, "The school's senior leadership team"),
        (DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW, "The local authority"),
        (DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING, "The local authority's Access to Learning team"),
        (DecisionMaker.LOCAL_AUTHORITY_SEN_TEAM, "The local authority"),
        (
            DecisionMaker.HEALTH_AND_LOCAL_AUTHORITY,
            "A health consultant and the local authority jointly (taught by the hospital school)",
        ),
    ],
)
def test_who_decides_without_the_sen_status(member: DecisionMaker, label: str) -> None:
    """For a reader the SEN status is kept from, no label names the EHCP or the SEN team."""
    assert label_without_sen(member) == label
    assert "EHC" not in label and "SEN" not in label


# -- whether the deciding body has decided (decision_status) -------------------------------------------------------

from datetime import date  # noqa: E402

from service.rules.decision import (  # noqa: E402
    MISSING_DECIDED_BY,
    MISSING_EHCP_REVIEW,
    MISSING_HEALTH_BY,
    MISSING_HEALTH_ON,
    Commissioner,
    DecisionState,
    LaDecisionFacts,
    decision_status,
    record_problems,
    routes_needing_local_authority,
)

DECIDED_ON = date(2026, 11, 20)
REVIEW = date(2026, 11, 12)
HEALTH_ON = date(2026, 11, 10)


def _facts(outcome: str = "agree", review: bool = True, health: bool = True) -> LaDecisionFacts:
    return LaDecisionFacts(
        outcome=outcome,
        decided_on=DECIDED_ON,
        officer="Lee Officer",
        ehcp_review_date=REVIEW if review else None,
        health_input_by="Dr A Khan, consultant paediatrician" if health else "",
        health_input_on=HEALTH_ON if health else None,
    )


CIRCUMSTANCES = ["on_roll", "permanently_excluded", "no_school_place", "medical"]
COMMISSIONERS = ["school", "local_authority"]


def _expected(circumstance: str, ehcp: bool, record: str) -> tuple[DecisionState, tuple[str, ...]]:
    """The expected state, written out from the guidance independently of the code under test."""
    school_route = circumstance == "on_roll" and not ehcp
    if school_route:
        # The LA's record is irrelevant: the school's senior leadership decides and names who did.
        if record == "decided_by_blank":
            return DecisionState.INCOMPLETE, (MISSING_DECIDED_BY,)
        return DecisionState.SCHOOL_DECIDED, ()
    if record in ("none", "decided_by_blank"):
        return DecisionState.WAITING, ()
    missing: list[str] = []
    if record == "no_review" and ehcp:
        missing.append(MISSING_EHCP_REVIEW)
    if record == "no_health" and circumstance == "medical":
        missing += [MISSING_HEALTH_BY, MISSING_HEALTH_ON]
    if missing:
        return DecisionState.INCOMPLETE, tuple(missing)
    if record == "not_agree":
        return DecisionState.NOT_AGREED, ()
    return DecisionState.AGREED, ()


RECORDS = ["none", "decided_by_blank", "agree", "not_agree", "no_review", "no_health"]

STATUS_ROWS = [
    pytest.param(c, e, k, r, *_expected(c, e, r), id=f"{c}-{'ehcp' if e else 'no-ehcp'}-{k}-{r}")
    for c in CIRCUMSTANCES
    for e in (False, True)
    for k in COMMISSIONERS
    for r in RECORDS
]


@pytest.mark.parametrize(("circumstance", "ehcp", "commissioner", "record", "state", "missing"), STATUS_ROWS)
def test_decision_status_every_circumstance_ehcp_and_commissioner(
    circumstance: str,
    ehcp: bool,
    commissioner: str,
    record: str,
    state: DecisionState,
    missing: tuple[str, ...],
) -> None:
    maker = who_decides(circumstance, ehcp).decision_maker
    facts = {
        "none": None,
        "decided_by_blank": None,
        "agree": _facts(),
        "not_agree": _facts("not_agree"),
        "no_review": _facts(review=False),
        "no_health": _facts(health=False),
    }[record]
    decided_by = "" if record == "decided_by_blank" else "Jo Patel, Deputy Headteacher"
    status = decision_status(maker, ehcp, commissioner, decided_by, facts)
    assert status.state is state, status.message
    assert status.missing == missing
    assert status.state.blocks_agreement is (state not in (DecisionState.SCHOOL_DECIDED, DecisionState.AGREED))
    if state is DecisionState.AGREED:
        assert "20 November 2026" in status.message and "Lee Officer" in status.message
    if state is DecisionState.WAITING:
        # A school waits for its LA; an LA commissioning the placement itself is told to record its own decision.
        expected = "Waiting for the local authority" if commissioner == "school" else "record the local authority"
        assert expected in status.message


def test_a_school_without_a_local_authority_is_told_to_choose_one() -> None:
    maker = who_decides("on_roll", True).decision_maker
    status = decision_status(maker, True, Commissioner.SCHOOL, "", None, local_authority_known=False)
    assert status.state is DecisionState.WAITING
    assert "Organisation settings" in status.message


def test_the_routes_the_local_authority_decides_are_read_from_who_decides() -> None:
    assert set(routes_needing_local_authority()) == {
        (Circumstance(c), e) for c in CIRCUMSTANCES for e in (False, True) if not (c == "on_roll" and not e)
    }


@pytest.mark.parametrize(
    ("circumstance", "ehcp", "changes", "today", "problems"),
    [
        pytest.param("on_roll", True, {}, DECIDED_ON, set(), id="complete-decided-today"),
        pytest.param("on_roll", True, {}, date(2026, 11, 19), {"decided_on"}, id="decided-tomorrow"),
        pytest.param("on_roll", True, {"ehcp_review_date": None}, DECIDED_ON, {"ehcp_review_date"}, id="no-review"),
        pytest.param("on_roll", True, {"ehcp_review_date": DECIDED_ON}, DECIDED_ON, set(), id="review-same-day"),
        pytest.param(
            "on_roll",
            True,
            {"ehcp_review_date": date(2026, 11, 21)},
            DECIDED_ON,
            {"ehcp_review_date"},
            id="review-after",
        ),
        pytest.param("no_school_place", False, {"ehcp_review_date": None}, DECIDED_ON, set(), id="no-ehcp-no-review"),
        pytest.param(
            "medical",
            False,
            {"health_input_by": " ", "health_input_on": None},
            DECIDED_ON,
            {"health_input_by", "health_input_on"},
            id="medical-without-health",
        ),
        pytest.param(
            "medical",
            False,
            {"health_input_on": date(2026, 11, 21)},
            DECIDED_ON,
            {"health_input_on"},
            id="health-after",
        ),
        pytest.param("medical", False, {"health_input_on": DECIDED_ON}, DECIDED_ON, set(), id="health-same-day"),
        pytest.param(
            "permanently_excluded",
            False,
            {"officer": "", "outcome": "maybe"},
            DECIDED_ON,
            {"officer_name", "outcome"},
            id="no-officer-no-outcome",
        ),
    ],
)
def test_record_problems(
    circumstance: str, ehcp: bool, changes: dict[str, object], today: date, problems: set[str]
) -> None:
    facts = dataclasses.replace(_facts(), **changes)  # type: ignore[arg-type]
    found = record_problems(who_decides(circumstance, ehcp).decision_maker, ehcp, facts, today)
    assert set(found) == problems, found
