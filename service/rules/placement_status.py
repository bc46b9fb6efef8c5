"""The lifecycle of an alternative provision placement.

Why this module exists: DfE's "Arranging alternative provision" (2025) and the Oxfordshire commissioning guidance
expect a placement to be planned and referred, agreed by the right decision maker (see
:mod:`service.rules.decision`), started, reviewed at least half-termly, and ended with a recorded next
destination. Ofsted/CQC (2024) found placements drifting with no clear purpose or review. Enforcing one
set of transitions in one place keeps every screen and script honest: nothing can jump from a draft to
active without an agreement, and an ended or cancelled placement is a closed record (extend or restart by
creating a new placement, so the history of what was agreed stays intact).

Lifecycle::

    draft -> referred -> agreed -> active <-> under_review
      |          |          |        |             |
      +-> cancelled <-------+        +--> ended <--+
                 (referred -> draft: sent back for changes)
"""

from __future__ import annotations

import enum


class PlacementStatus(enum.StrEnum):
    """Where a placement is in its lifecycle; the value is what is stored in the database.

    A ``StrEnum`` (a subclass of both ``str`` and ``enum.Enum``), so a member equals its stored string and
    ``str()``/f-strings/templates give the value (``under_review``), not ``PlacementStatus.UNDER_REVIEW``.
    """

    DRAFT = "draft"
    REFERRED = "referred"
    AGREED = "agreed"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    ENDED = "ended"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Human text for screens and messages, e.g. "Under review"."""
        return _LABELS[self]

    @property
    def is_final(self) -> bool:
        """Whether no further change is possible (ended or cancelled)."""
        return not _ALLOWED[self]


_LABELS: dict[PlacementStatus, str] = {
    PlacementStatus.DRAFT: "Draft",
    PlacementStatus.REFERRED: "Referred",
    PlacementStatus.AGREED: "Agreed",
    PlacementStatus.ACTIVE: "Active",
    PlacementStatus.UNDER_REVIEW: "Under review",
    PlacementStatus.ENDED: "Ended",
    PlacementStatus.CANCELLED: "Cancelled",
}

_S = PlacementStatus
_ALLOWED: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    # A draft plan is either sent to the decision maker or abandoned.
    _S.DRAFT: frozenset({_S.REFERRED, _S.CANCELLED}),
    # The decision maker agrees it, sends it back for changes, or declines / withdraws it.
    _S.REFERRED: frozenset({_S.AGREED, _S.DRAFT, _S.CANCELLED}),
    # Once agreed it starts, or is called off before the pupil attends.
    _S.AGREED: frozenset({_S.ACTIVE, _S.CANCELLED}),
    # A running placement is reviewed (at least half-termly) or ends; it is never "cancelled" once started
    # because the pupil has attended and an end-of-placement report is owed.
    _S.ACTIVE: frozenset({_S.UNDER_REVIEW, _S.ENDED}),
    # A review either continues the placement or ends it.
    _S.UNDER_REVIEW: frozenset({_S.ACTIVE, _S.ENDED}),
    # Final states.
    _S.ENDED: frozenset(),
    _S.CANCELLED: frozenset(),
}
del _S


class TransitionNotAllowed(ValueError):
    """A requested status change is not in the placement lifecycle.

    Why a ValueError: the caller asked for an invalid value of the status, and the message is written to
    be shown to the user as it is.
    """

    def __init__(self, current: PlacementStatus, new: PlacementStatus) -> None:
        self.current = current
        self.new = new
        super().__init__(f"A placement that is {current.label} cannot be moved to {new.label}.")


def _coerce(status: PlacementStatus | str) -> PlacementStatus:
    """Accept a stored string value as well as the enum; an unknown value raises ValueError."""
    return status if isinstance(status, PlacementStatus) else PlacementStatus(status)


def allowed_transitions(status: PlacementStatus | str) -> frozenset[PlacementStatus]:
    """The statuses a placement in ``status`` may move to next (empty for ended and cancelled)."""
    return _ALLOWED[_coerce(status)]


def can_transition(current: PlacementStatus | str, new: PlacementStatus | str) -> bool:
    """Whether a placement may move from ``current`` to ``new``; staying in the same status is not a move."""
    return _coerce(new) in _ALLOWED[_coerce(current)]


def check_transition(current: PlacementStatus | str, new: PlacementStatus | str) -> None:
    """Raise :class:`TransitionNotAllowed` unless ``current`` -> ``new`` is an allowed move.

    Why: the service layer calls this before saving, so the rule lives in one place and the user gets a
    message naming both statuses.
    """
    current_status, new_status = _coerce(current), _coerce(new)
    if new_status not in _ALLOWED[current_status]:
        raise TransitionNotAllowed(current_status, new_status)


#: Placements whose packs and signatures are still to come or under way: a change to their provider's record
#: (its contact above all) affects them, so their commissioners must hear of it.
LIVE_STATUSES = (
    PlacementStatus.DRAFT,
    PlacementStatus.REFERRED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
    PlacementStatus.UNDER_REVIEW,
)
