"""The checks a commissioner makes before using an alternative provision provider, and which of them stop a plan.

Why this module exists: the commissioning school stays responsible for a pupil's safety and education while the pupil is
at a provider (the Oxfordshire AP directory advice and commissioning guidance), so before placing a pupil it must know
that the provider's safeguarding leads are trained and that its insurance is in force. Both are "is this date still good
on day X?" questions. Answering them in one place, as pure functions of the dates and of ``on`` (the day we are asking
about, passed in and never read from the clock), keeps every screen, export and test in agreement and makes the edge
days testable.

Rules:

* **Safeguarding training** (Keeping Children Safe in Education, Part 2, "Training"): the designated
  safeguarding lead and any deputies "should undergo training ... updated at least every two years". Training
  done on day D is therefore current up to and including the same calendar day two years later (retraining
  on that day keeps the gap at exactly two years) and out of date from the day after.
* **Insurance**: a policy's expiry date is the last day of cover, so the provider is insured on that day
  and uninsured from the next. Renewal paperwork takes time, so a policy ending within
  :data:`INSURANCE_WARNING_DAYS` days counts as expiring soon: the commissioner should ask for the renewal
  before the placement starts rather than find a gap afterwards.
* **What stops a plan** (:func:`provider_blocks`): no trained lead or deputy, no vetting confirmation, insurance
  not in force through the planned start, an unsatisfactory QA outcome, or an unlisted provider without a recorded
  desk-top review and report to the Virtual AP Headteacher. What only warns is :func:`provider_cautions`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from service.rules.dates import uk_date

#: KCSIE: DSL and deputy training "updated at least every two years".
TRAINING_VALID_YEARS = 2

#: How far ahead an insurance expiry is flagged as "expiring soon" (inclusive).
INSURANCE_WARNING_DAYS = 30


class TrainingStatus(enum.StrEnum):
    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"
    CURRENT = "current"


class InsuranceStatus(enum.StrEnum):
    MISSING = "missing"
    EXPIRED = "expired"
    EXPIRING_SOON = "expiring_soon"
    CURRENT = "current"


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year.

    Why 28 February and not 1 March: these dates are deadlines for safeguarding checks, and when the law's
    "two years" has no exact calendar day the earlier reading is the safe one.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def training_refresh_due(trained_on: date) -> date:
    """The last day on which training done on ``trained_on`` still counts as current.

    Why: KCSIE expects DSL and deputy DSL training to be refreshed at least every two years, so training
    done on 3 March 2023 must be refreshed by 3 March 2025.
    """
    return add_years(trained_on, TRAINING_VALID_YEARS)


def training_status(trained_on: date | None, on: date) -> TrainingStatus:
    """Whether safeguarding training done on ``trained_on`` is current on day ``on``.

    Why: a DSL or deputy whose training is missing or more than two years old does not meet KCSIE, and the
    commissioner must see that before relying on them to act on a concern about a pupil. Training dated in
    the future (a booked course) does not count yet.
    """
    if trained_on is None or trained_on > on:
        return TrainingStatus.MISSING
    if on > training_refresh_due(trained_on):
        return TrainingStatus.OUT_OF_DATE
    return TrainingStatus.CURRENT


def insurance_status(expiry: date | None, on: date) -> InsuranceStatus:
    """Whether insurance ending on ``expiry`` (the last day of cover) is in force on day ``on``.

    Why: a commissioner must not place a pupil with an uninsured provider, and should chase a renewal
    that falls within the next :data:`INSURANCE_WARNING_DAYS` days (so a policy ending today or in 30 days
    is expiring soon, one ending in 31 days is current, one that ended yesterday has expired).
    """
    if expiry is None:
        return InsuranceStatus.MISSING
    if expiry < on:
        return InsuranceStatus.EXPIRED
    if expiry <= on + timedelta(days=INSURANCE_WARNING_DAYS):
        return InsuranceStatus.EXPIRING_SOON
    return InsuranceStatus.CURRENT


# -- the checks that stop a plan ---------------------------------------------------------------------------------------


class QaResult(enum.StrEnum):
    """The quality-assurance outcome, as the rule needs it (the catalogue's own enum has the same values)."""

    SATISFACTORY = "satisfactory"
    ACTIONS_REQUIRED = "actions_required"
    UNSATISFACTORY = "unsatisfactory"
    NOT_YET_ASSESSED = "not_yet_assessed"


@dataclass(frozen=True)
class ProviderFacts:
    """What the commissioner knows about a provider, and about its own review of an unlisted one.

    ``desktop_review_on``/``desktop_review_by`` and ``reported_on``/``reported_by`` are this commissioner's
    record for this plan: the desk-top review of an unlisted provider and the report of its use to the Virtual
    AP Headteacher. They matter only when ``on_approved_list`` is false.
    """

    dsl_name: str = ""
    dsl_trained_on: date | None = None
    deputy_name: str = ""
    deputy_trained_on: date | None = None
    vetting_confirmed: bool = False
    insurance_expiry: date | None = None
    qa_outcome: QaResult = QaResult.NOT_YET_ASSESSED
    on_approved_list: bool = False
    desktop_review_on: date | None = None
    desktop_review_by: str = ""
    reported_on: date | None = None
    reported_by: str = ""


class ProblemKey(enum.StrEnum):
    """Each provider check, by name: an override names the one it sets aside, and no other."""

    SAFEGUARDING_LEAD = "provider_dsl"
    DEPUTY_LEAD = "provider_deputy_dsl"
    VETTING = "provider_vetting"
    INSURANCE = "provider_insurance"
    QUALITY_ASSURANCE = "provider_qa"
    APPROVED_LIST = "provider_approved_list"

    @property
    def label(self) -> str:
        return {
            "provider_dsl": "Designated safeguarding lead",
            "provider_deputy_dsl": "Deputy designated safeguarding lead",
            "provider_vetting": "Staff vetting",
            "provider_insurance": "Insurance",
            "provider_qa": "Quality assurance",
            "provider_approved_list": "Approved list or desk-top review",
        }[self.value]


@dataclass(frozen=True)
class ProviderProblem:
    """One gap in the provider's checks: which check, and what the commissioner must put right."""

    key: ProblemKey
    message: str


def _lead_problem(key: ProblemKey, role: str, name: str, trained_on: date | None, on: date) -> ProviderProblem | None:
    if not name.strip():
        return ProviderProblem(key, f"The provider has no {role} recorded.")
    status = training_status(trained_on, on)
    if status is TrainingStatus.MISSING:
        return ProviderProblem(key, f"No safeguarding training date is recorded for the {role}, {name.strip()}.")
    if status is TrainingStatus.OUT_OF_DATE and trained_on is not None:
        return ProviderProblem(
            key,
            f"The {role}'s safeguarding training is out of date: last done on {uk_date(trained_on)}, it should have "
            f"been refreshed by {uk_date(training_refresh_due(trained_on))} (at least every two years).",
        )
    return None


def provider_blocks(facts: ProviderFacts, start: date, on: date) -> list[ProviderProblem]:
    """The provider checks that stop a plan starting on ``start`` from being agreed on day ``on``; empty when none.

    Why these stop a plan rather than warn: the commissioner stays responsible for the pupil's safety and education
    at the provider (DfE, Arranging alternative provision (February 2025); the Oxfordshire AP directory advice and
    commissioning guidance), so a pupil must not be placed where the basic safeguards are not in place:

    * a designated safeguarding lead **and** a deputy, each trained within the last two years (Keeping Children Safe
      in Education: training "updated at least every two years"; current up to and including the same day two years
      on, see :func:`training_status`);
    * written confirmation that the provider's staff are vetted (enhanced DBS checks);
    * insurance in force on ``on`` and still in force on the planned start (cover ending on the start day itself is
      enough: the expiry date is the last day of cover); no expiry recorded counts as no evidence of cover;
    * a quality-assurance outcome other than "unsatisfactory";
    * a provider not on the LA's approved list used only after a desk-top review of its processes, insurances and
      systems, and a report to the Virtual AP Headteacher, both recorded with a date and a name (the Oxfordshire
      commissioning guidance).

    A senior leader may override a check, with a reason; that is the caller's business, not this rule's.
    """
    problems: list[ProviderProblem] = []
    for key, role, name, trained_on in (
        (ProblemKey.SAFEGUARDING_LEAD, "designated safeguarding lead", facts.dsl_name, facts.dsl_trained_on),
        (ProblemKey.DEPUTY_LEAD, "deputy designated safeguarding lead", facts.deputy_name, facts.deputy_trained_on),
    ):
        problem = _lead_problem(key, role, name, trained_on, on)
        if problem is not None:
            problems.append(problem)

    if not facts.vetting_confirmed:
        problems.append(
            ProviderProblem(
                ProblemKey.VETTING, "There is no written confirmation that the provider's staff have been vetted."
            )
        )

    expiry = facts.insurance_expiry
    if expiry is None:
        problems.append(ProviderProblem(ProblemKey.INSURANCE, "No insurance expiry date is recorded for the provider."))
    elif expiry < on:
        message = f"The provider's insurance expired on {uk_date(expiry)}."
        problems.append(ProviderProblem(ProblemKey.INSURANCE, message))
    elif expiry < start:
        problems.append(
            ProviderProblem(
                ProblemKey.INSURANCE,
                f"The provider's insurance ends on {uk_date(expiry)}, before the planned start on {uk_date(start)}.",
            )
        )

    if facts.qa_outcome is QaResult.UNSATISFACTORY:
        problems.append(
            ProviderProblem(ProblemKey.QUALITY_ASSURANCE, "The provider's quality-assurance outcome is unsatisfactory.")
        )

    if not facts.on_approved_list:
        missing = []
        if facts.desktop_review_on is None or not facts.desktop_review_by.strip():
            missing.append("the desk-top review (date and who did it)")
        if facts.reported_on is None or not facts.reported_by.strip():
            missing.append("the report to the Virtual AP Headteacher (date and who reported)")
        if missing:
            problems.append(
                ProviderProblem(
                    ProblemKey.APPROVED_LIST,
                    "The provider is not on the LA's approved list: record " + " and ".join(missing) + ".",
                )
            )
    return problems


def provider_cautions(facts: ProviderFacts, start: date, on: date) -> list[str]:
    """What the commissioner should read but that does not stop the plan: a renewal to chase, QA still to come.

    Why warnings only: cover that ends soon but after the start is in force when the pupil arrives (chase the
    renewal, :data:`INSURANCE_WARNING_DAYS`); "actions required" and "not yet assessed" are QA in progress, not a
    finding that the provider is unsafe.
    """
    cautions: list[str] = []
    expiry = facts.insurance_expiry
    soon = expiry is not None and insurance_status(expiry, on) is InsuranceStatus.EXPIRING_SOON
    if expiry is not None and soon and expiry >= max(on, start):
        when = "today" if expiry == on else f"on {uk_date(expiry)}"
        cautions.append(
            f"The provider's insurance ends {when}, within {INSURANCE_WARNING_DAYS} days: ask for the renewal."
        )
    if facts.qa_outcome is QaResult.ACTIONS_REQUIRED:
        cautions.append("The provider's quality assurance found actions required: check they are being met.")
    elif facts.qa_outcome is QaResult.NOT_YET_ASSESSED:
        cautions.append("The provider has not been quality assured yet.")
    return cautions
