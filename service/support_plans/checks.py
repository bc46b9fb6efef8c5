"""One rule applied to a plan before agreement: its outcome, its reason, and the step where it is put right.

Why a module of its own: the checks come from several places (the plan's own answers, who decides, the provider's
due diligence, the LA's decision), each in its own module that returns ``Check`` rows; ``agreement.agreement_checks``
gathers them, so the check page and the agree action apply exactly the same rules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.StrEnum):
    OK = "ok"  # shown for information: the rule is met
    WARNING = "warning"  # the commissioner must read it; it does not stop agreement
    BLOCKER = "blocker"  # the plan cannot be agreed until it is resolved

    @property
    def label(self) -> str:
        return {"ok": "Met", "warning": "Check", "blocker": "Must be resolved"}[self.value]


@dataclass(frozen=True)
class Check:
    """One rule applied to this plan, with its outcome and the reason, and the step where it is fixed."""

    key: str
    title: str
    severity: Severity
    message: str
    step: str = ""
    overridable: bool = False


def blockers(checks: Iterable[Check]) -> list[Check]:
    """The checks that stop agreement."""
    return [check for check in checks if check.severity is Severity.BLOCKER]
