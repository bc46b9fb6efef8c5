"""The placement lifecycle: every one of the 7 x 7 (current, new) pairs against an explicit table."""

import pytest

from service.rules.placement_status import (
    PlacementStatus,
    TransitionNotAllowed,
    allowed_transitions,
    can_transition,
    check_transition,
)

# Rows are the current status, columns the new one; "Y" = allowed, "." = not allowed.
MATRIX = """
                draft  referred  agreed  active  under_review  ended  cancelled
draft             .       Y        .       .          .          .        Y
referred          Y       .        Y       .          .          .        Y
agreed            .       .        .       Y          .          .        Y
active            .       .        .       .          Y          Y        .
under_review      .       .        .       Y          .          Y        .
ended             .       .        .       .          .          .        .
cancelled         .       .        .       .          .          .        .
"""


def _parse_matrix(text: str) -> list[tuple[str, str, bool]]:
    header, *rows = [line.split() for line in text.strip().splitlines()]
    cases: list[tuple[str, str, bool]] = []
    for current, *cells in rows:
        assert len(cells) == len(header)
        cases.extend((current, new, cell == "Y") for new, cell in zip(header, cells, strict=True))
    return cases


CASES = _parse_matrix(MATRIX)
PAIRS = [pytest.param(current, new, allowed, id=f"{current}->{new}") for current, new, allowed in CASES]


def test_matrix_covers_every_pair() -> None:
    assert len(CASES) == 49
    assert len({(current, new) for current, new, _ in CASES}) == 49
    assert sum(allowed for _, _, allowed in CASES) == 11


@pytest.mark.parametrize(("current", "new", "allowed"), PAIRS)
def test_can_transition(current: str, new: str, allowed: bool) -> None:
    assert can_transition(PlacementStatus(current), PlacementStatus(new)) is allowed


@pytest.mark.parametrize(("current", "new", "allowed"), PAIRS)
def test_can_transition_accepts_stored_strings(current: str, new: str, allowed: bool) -> None:
    assert can_transition(current, new) is allowed


@pytest.mark.parametrize(("current", "new", "allowed"), PAIRS)
def test_check_transition(current: str, new: str, allowed: bool) -> None:
    if allowed:
        check_transition(PlacementStatus(current), PlacementStatus(new))  # must not raise
    else:
        with pytest.raises(TransitionNotAllowed) as raised:
            check_transition(PlacementStatus(current), PlacementStatus(new))
        assert raised.value.current is PlacementStatus(current)
        assert raised.value.new is PlacementStatus(new)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param("draft", {"referred", "cancelled"}, id="draft"),
        pytest.param("referred", {"agreed", "draft", "cancelled"}, id="referred"),
        pytest.param("agreed", {"active", "cancelled"}, id="agreed"),
        pytest.param("active", {"under_review", "ended"}, id="active"),
        pytest.param("under_review", {"active", "ended"}, id="under_review"),
        pytest.param("ended", set(), id="ended"),
        pytest.param("cancelled", set(), id="cancelled"),
    ],
)
def test_allowed_transitions(status: str, expected: set[str]) -> None:
    result = allowed_transitions(PlacementStatus(status))
    assert isinstance(result, frozenset)
    assert {s.value for s in result} == expected


@pytest.mark.parametrize(
    ("member", "value", "label", "is_final"),
    [
        pytest.param(PlacementStatus.DRAFT, "draft", "Draft", False, id="draft"),
        pytest.param(PlacementStatus.REFERRED, "referred", "Referred", False, id="referred"),
        pytest.param(PlacementStatus.AGREED, "agreed", "Agreed", False, id="agreed"),
        pytest.param(PlacementStatus.ACTIVE, "active", "Active", False, id="active"),
        pytest.param(PlacementStatus.UNDER_REVIEW, "under_review", "Under review", False, id="under_review"),
        pytest.param(PlacementStatus.ENDED, "ended", "Ended", True, id="ended"),
        pytest.param(PlacementStatus.CANCELLED, "cancelled", "Cancelled", True, id="cancelled"),
    ],
)
def test_values_and_labels(member: PlacementStatus, value: str, label: str, is_final: bool) -> None:
    assert member.value == value
    assert member == value  # a str enum compares equal to its stored value
    assert str(member) == value
    assert f"{member}" == value
    assert member.label == label
    assert member.is_final is is_final


def test_exactly_seven_statuses() -> None:
    assert [s.value for s in PlacementStatus] == [
        "draft",
        "referred",
        "agreed",
        "active",
        "under_review",
        "ended",
        "cancelled",
    ]


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        pytest.param("ended", "active", "A placement that is Ended cannot be moved to Active.", id="ended-active"),
        pytest.param(
            "draft", "active", "A placement that is Draft cannot be moved to Active.", id="draft-skips-agreement"
        ),
        pytest.param(
            "active",
            "cancelled",
            "A placement that is Active cannot be moved to Cancelled.",
            id="active-cannot-be-cancelled",
        ),
        pytest.param(
            "under_review",
            "under_review",
            "A placement that is Under review cannot be moved to Under review.",
            id="same-status",
        ),
    ],
)
def test_message_names_both_statuses(current: str, new: str, message: str) -> None:
    with pytest.raises(TransitionNotAllowed) as raised:
        check_transition(current, new)
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_unknown_status_string_raises_value_error() -> None:
    with pytest.raises(ValueError):
        can_transition("draft", "approved")
