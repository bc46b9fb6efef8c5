"""The provider's checks as the plan's agreement checks: one per check that fails, each a senior leader may override.

Why here and not in the catalogue: whether a provider may take this pupil depends on this plan too (its planned
start, and for a provider not on the LA's list, this commissioner's desk-top review and report to the Virtual AP
Headteacher). The rule itself is :func:`service.rules.provider_checks.provider_blocks`; this module feeds it the
facts and turns its answer into ``Check`` rows for ``agreement.agreement_checks``.
"""

from __future__ import annotations

from datetime import date

from service.placements.models import Placement
from service.providers.models import ApprovedListStatus, Provider
from service.rules.provider_checks import ProviderFacts, QaResult, provider_blocks, provider_cautions
from service.support_plans.checks import Check, Severity
from service.support_plans.overrides import DesktopReview, desktop_review_of


def provider_facts(provider: Provider, review: DesktopReview | None) -> ProviderFacts:
    """The provider's record and the plan's desk-top review, reduced to what the rule needs."""
    return ProviderFacts(
        dsl_name=provider.dsl_name or "",
        dsl_trained_on=provider.dsl_training_date,
        deputy_name=provider.deputy_dsl_name or "",
        deputy_trained_on=provider.deputy_dsl_training_date,
        vetting_confirmed=bool(provider.vetting_confirmed),
        insurance_expiry=provider.insurance_expiry,
        qa_outcome=QaResult(provider.qa_outcome.value if provider.qa_outcome else QaResult.NOT_YET_ASSESSED),
        on_approved_list=provider.approved_list_status is ApprovedListStatus.APPROVED,
        desktop_review_on=review.reviewed_on if review else None,
        desktop_review_by=review.reviewed_by if review else "",
        reported_on=review.reported_on if review else None,
        reported_by=review.reported_by if review else "",
    )


def provider_checks(placement: Placement, on: date) -> list[Check]:
    """The provider's checks for this plan: a blocker per failed check (overridable), then what only warns."""
    facts = provider_facts(placement.provider, desktop_review_of(placement))
    problems = provider_blocks(facts, placement.planned_start, on)
    checks = [
        Check(problem.key.value, f"Provider: {problem.key.label.lower()}", Severity.BLOCKER, problem.message,
              overridable=True)
        for problem in problems
    ]  # fmt: skip
    cautions = provider_cautions(facts, placement.planned_start, on)
    if cautions:
        checks.append(Check("provider", "Provider checks", Severity.WARNING, " ".join(cautions)))
    elif not problems:
        checks.append(
            Check(
                "provider",
                "Provider checks",
                Severity.OK,
                "The provider has a trained safeguarding lead and deputy, confirmed staff vetting, insurance in force "
                "from the planned start and a satisfactory quality-assurance outcome"
                + (
                    "; it is on the LA's approved list."
                    if facts.on_approved_list
                    else "; the desk-top review and the report to the Virtual AP Headteacher are recorded."
                ),
            )
        )
    return checks
