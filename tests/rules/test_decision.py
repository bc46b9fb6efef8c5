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
