"""The agreement check that the body the law gives the decision to has decided.

Why: the Oxfordshire commissioning guidance, "Decision Making", and DfE, Arranging alternative provision (February
2025). ``service.rules.decision`` says who decides and whether they have; ``service.la_decisions`` holds the local
authority's recorded decision. This module turns that into the plan's check: it BLOCKS agreement while the LA's
decision is missing, not agreed or incomplete, or while a school's senior leadership decision names nobody. No
override: the decision is that body's, not the agreeing commissioner's.
"""

from __future__ import annotations

from service.la_decisions import services as la_decisions
from service.placements.models import Placement
from service.rules.decision import who_decides
from service.support_plans.checks import Check, Severity


def decision_checks(placement: Placement) -> list[Check]:
    """One check: who must decide, and whether they have (OK with who decided and when, else a blocker)."""
    decision = who_decides(placement.circumstance, la_decisions.has_ehcp(placement))
    status = la_decisions.status_of(placement)
    return [
        Check(
            "decision",
            "Who must decide",
            Severity.BLOCKER if status.state.blocks_agreement else Severity.OK,
            f"{decision.decision_maker.label} decides. {status.message}",
        )
    ]
