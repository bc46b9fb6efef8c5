"""Provider check dates: DSL training currency (KCSIE, two years) and insurance expiry; worked out by hand."""

from datetime import date

import pytest

from service.rules.provider_checks import (
    InsuranceStatus,
    TrainingStatus,
    add_years,
    insurance_status,
    training_refresh_due,
    training_status,
)

ON = date(2025, 3, 3)  # a Monday; nothing below depends on the day of the week

TRAINING_CASES = [
    pytest.param(None, ON, TrainingStatus.MISSING, id="no-training-date"),
    pytest.param(date(2025, 3, 3), ON, TrainingStatus.CURRENT, id="trained-today"),
    pytest.param(date(2024, 3, 3), ON, TrainingStatus.CURRENT, id="trained-one-year-ago"),
    pytest.param(date(2023, 3, 4), ON, TrainingStatus.CURRENT, id="two-years-less-a-day"),
    pytest.param(date(2023, 3, 3), ON, TrainingStatus.CURRENT, id="exactly-two-years-ago-today-is-last-good-day"),
    pytest.param(date(2023, 3, 2), ON, TrainingStatus.OUT_OF_DATE, id="two-years-and-a-day"),
    pytest.param(date(2020, 9, 1), ON, TrainingStatus.OUT_OF_DATE, id="years-old"),
    pytest.param(date(2025, 3, 4), ON, TrainingStatus.MISSING, id="booked-for-tomorrow-does-not-count-yet"),
    pytest.param(date(2024, 2, 29), date(2026, 2, 28), TrainingStatus.CURRENT, id="29-feb-due-28-feb-two-years-on"),
    pytest.param(date(2024, 2, 29), date(2026, 3, 1), TrainingStatus.OUT_OF_DATE, id="29-feb-lapsed-1-march"),
]


@pytest.mark.parametrize(("trained_on", "on", "expected"), TRAINING_CASES)
def test_training_status(trained_on: date | None, on: date, expected: TrainingStatus) -> None:
    assert training_status(trained_on, on) is expected


@pytest.mark.parametrize(
    ("trained_on", "due"),
    [
        pytest.param(date(2023, 3, 3), date(2025, 3, 3), id="same-day-two-years-on"),
        pytest.param(date(2024, 2, 29), date(2026, 2, 28), id="leap-day-falls-back-to-28-feb"),
        pytest.param(date(2022, 2, 28), date(2024, 2, 28), id="28-feb-stays-28-feb-in-leap-year"),
        pytest.param(date(2023, 12, 31), date(2025, 12, 31), id="year-end"),
    ],
)
def test_training_refresh_due(trained_on: date, due: date) -> None:
    assert training_refresh_due(trained_on) == due


def test_add_years_handles_leap_day_both_ways() -> None:
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


INSURANCE_CASES = [
    pytest.param(None, InsuranceStatus.MISSING, id="no-expiry-recorded"),
    pytest.param(date(2025, 3, 2), InsuranceStatus.EXPIRED, id="expired-yesterday"),
    pytest.param(date(2024, 3, 3), InsuranceStatus.EXPIRED, id="expired-a-year-ago"),
    pytest.param(date(2025, 3, 3), InsuranceStatus.EXPIRING_SOON, id="expires-today-still-covered"),
    pytest.param(date(2025, 3, 4), InsuranceStatus.EXPIRING_SOON, id="expires-tomorrow"),
    pytest.param(date(2025, 4, 2), InsuranceStatus.EXPIRING_SOON, id="expires-in-30-days"),
    pytest.param(date(2025, 4, 3), InsuranceStatus.CURRENT, id="expires-in-31-days"),
    pytest.param(date(2026, 3, 3), InsuranceStatus.CURRENT, id="expires-next-year"),
]


@pytest.mark.parametrize(("expiry", "expected"), INSURANCE_CASES)
def test_insurance_status(expiry: date | None, expected: InsuranceStatus) -> None:
    assert insurance_status(expiry, ON) is expected


def test_insurance_window_crosses_year_end() -> None:
    on = date(2025, 12, 15)
    assert insurance_status(date(2026, 1, 14), on) is InsuranceStatus.EXPIRING_SOON  # 30 days
    assert insurance_status(date(2026, 1, 15), on) is InsuranceStatus.CURRENT  # 31 days


# -- the checks that stop a plan -----------------------------------------------------------------------------------

from service.rules.provider_checks import (  # noqa: E402
    ProblemKey,
    ProviderFacts,
    QaResult,
    provider_blocks,
    provider_cautions,
)

START = date(2025, 4, 22)  # the planned start, after ON

#: A provider that meets every check on ON for a start on START.
GOOD = ProviderFacts(
    dsl_name="Dee Lead",
    dsl_trained_on=date(2024, 1, 10),
    deputy_name="Sam Deputy",
    deputy_trained_on=date(2024, 1, 10),
    vetting_confirmed=True,
    insurance_expiry=date(2026, 3, 31),
    qa_outcome=QaResult.SATISFACTORY,
    on_approved_list=True,
)

REVIEWED = {
    "on_approved_list": False,
    "desktop_review_on": date(2025, 2, 1),
    "desktop_review_by": "Pat Reviewer",
    "reported_on": date(2025, 2, 3),
    "reported_by": "Pat Reviewer",
}

BLOCK_CASES = [
    pytest.param({}, set(), id="every-check-met"),
    pytest.param({"dsl_name": ""}, {ProblemKey.SAFEGUARDING_LEAD}, id="no-dsl"),
    pytest.param({"dsl_name": "   "}, {ProblemKey.SAFEGUARDING_LEAD}, id="dsl-name-only-spaces"),
    pytest.param({"deputy_name": ""}, {ProblemKey.DEPUTY_LEAD}, id="no-deputy"),
    pytest.param({"dsl_trained_on": None}, {ProblemKey.SAFEGUARDING_LEAD}, id="dsl-training-missing"),
    pytest.param({"deputy_trained_on": None}, {ProblemKey.DEPUTY_LEAD}, id="deputy-training-missing"),
    pytest.param({"dsl_trained_on": date(2023, 3, 3)}, set(), id="dsl-trained-exactly-two-years-ago"),
    pytest.param({"dsl_trained_on": date(2023, 3, 2)}, {ProblemKey.SAFEGUARDING_LEAD}, id="dsl-two-years-and-a-day"),
    pytest.param({"deputy_trained_on": date(2023, 3, 3)}, set(), id="deputy-exactly-two-years"),
    pytest.param({"deputy_trained_on": date(2023, 3, 2)}, {ProblemKey.DEPUTY_LEAD}, id="deputy-two-years-and-a-day"),
    pytest.param({"dsl_trained_on": date(2025, 3, 4)}, {ProblemKey.SAFEGUARDING_LEAD}, id="dsl-training-booked"),
    pytest.param({"vetting_confirmed": False}, {ProblemKey.VETTING}, id="no-vetting-confirmation"),
    pytest.param({"insurance_expiry": None}, {ProblemKey.INSURANCE}, id="no-insurance-recorded"),
    pytest.param({"insurance_expiry": date(2025, 3, 2)}, {ProblemKey.INSURANCE}, id="insurance-ended-yesterday"),
    pytest.param({"insurance_expiry": date(2025, 3, 3)}, {ProblemKey.INSURANCE}, id="ends-today-before-start"),
    pytest.param({"insurance_expiry": date(2025, 4, 21)}, {ProblemKey.INSURANCE}, id="insurance-ends-day-before-start"),
    pytest.param({"insurance_expiry": date(2025, 4, 22)}, set(), id="insurance-ends-on-start-day"),
    pytest.param({"qa_outcome": QaResult.UNSATISFACTORY}, {ProblemKey.QUALITY_ASSURANCE}, id="qa-unsatisfactory"),
    pytest.param({"qa_outcome": QaResult.ACTIONS_REQUIRED}, set(), id="qa-actions-required-only-warns"),
    pytest.param({"qa_outcome": QaResult.NOT_YET_ASSESSED}, set(), id="qa-not-assessed-only-warns"),
    pytest.param({"on_approved_list": False}, {ProblemKey.APPROVED_LIST}, id="unlisted-nothing-recorded"),
    pytest.param(REVIEWED, set(), id="unlisted-reviewed-and-reported"),
    pytest.param({**REVIEWED, "reported_on": None}, {ProblemKey.APPROVED_LIST}, id="unlisted-not-reported"),
    pytest.param({**REVIEWED, "reported_by": " "}, {ProblemKey.APPROVED_LIST}, id="unlisted-reporter-unnamed"),
    pytest.param({**REVIEWED, "desktop_review_on": None}, {ProblemKey.APPROVED_LIST}, id="unlisted-no-review"),
    pytest.param({**REVIEWED, "desktop_review_by": ""}, {ProblemKey.APPROVED_LIST}, id="unlisted-reviewer-unnamed"),
    pytest.param(
        {"desktop_review_on": None, "reported_on": None}, set(), id="listed-provider-needs-no-desktop-review"
    ),
    pytest.param(
        {"dsl_name": "", "deputy_name": "", "vetting_confirmed": False, "insurance_expiry": None,
         "qa_outcome": QaResult.UNSATISFACTORY, "on_approved_list": False},
        set(ProblemKey),
        id="everything-missing",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), BLOCK_CASES)
def test_provider_blocks(changes: dict[str, object], expected: set[ProblemKey]) -> None:
    facts = ProviderFacts(**{**GOOD.__dict__, **changes})
    problems = provider_blocks(facts, START, ON)
    assert {p.key for p in problems} == expected
    assert len(problems) == len(expected)  # one problem per check, never two for the same one
    assert all(p.message.endswith(".") for p in problems)


def test_insurance_messages_give_the_dates() -> None:
    expired = provider_blocks(ProviderFacts(**{**GOOD.__dict__, "insurance_expiry": date(2025, 3, 2)}), START, ON)
    assert expired[0].message == "The provider's insurance expired on 2 March 2025."
    before = provider_blocks(ProviderFacts(**{**GOOD.__dict__, "insurance_expiry": date(2025, 4, 21)}), START, ON)
    assert before[0].message == (
        "The provider's insurance ends on 21 April 2025, before the planned start on 22 April 2025."
    )


def test_start_already_past_still_needs_insurance_today() -> None:
    """A plan agreed after its start (a late agreement): cover must be in force today, whatever the start."""
    facts = ProviderFacts(**{**GOOD.__dict__, "insurance_expiry": date(2025, 3, 2)})
    assert {p.key for p in provider_blocks(facts, date(2025, 2, 24), ON)} == {ProblemKey.INSURANCE}
    facts = ProviderFacts(**{**GOOD.__dict__, "insurance_expiry": date(2025, 3, 3)})
    assert provider_blocks(facts, date(2025, 2, 24), ON) == []


CAUTION_CASES = [
    pytest.param({}, [], id="nothing-to-say"),
    pytest.param({"insurance_expiry": date(2025, 4, 2)}, ["insurance"], id="ends-day-30-after-start"),
    pytest.param({"insurance_expiry": date(2025, 4, 22)}, [], id="ends-50-days-on-not-soon"),
    pytest.param({"insurance_expiry": date(2025, 4, 3)}, [], id="ends-31-days-on"),
    pytest.param({"insurance_expiry": date(2025, 3, 2)}, [], id="expired-is-a-block-not-a-caution"),
    pytest.param({"qa_outcome": QaResult.ACTIONS_REQUIRED}, ["actions required"], id="qa-actions-required"),
    pytest.param({"qa_outcome": QaResult.NOT_YET_ASSESSED}, ["not been quality assured"], id="qa-not-yet-assessed"),
    pytest.param({"qa_outcome": QaResult.UNSATISFACTORY}, [], id="qa-unsatisfactory-is-a-block"),
]


@pytest.mark.parametrize(("changes", "expected"), CAUTION_CASES)
def test_provider_cautions_start_soon(changes: dict[str, object], expected: list[str]) -> None:
    """With the start only a week away, insurance ending within 30 days but after the start only warns."""
    start = date(2025, 3, 10)
    facts = ProviderFacts(**{**GOOD.__dict__, **changes})
    cautions = provider_cautions(facts, start, ON)
    assert len(cautions) == len(expected)
    for caution, words in zip(cautions, expected, strict=True):
        assert words in caution


@pytest.mark.parametrize(
    ("expiry", "warns"),
    [
        pytest.param(date(2025, 3, 10), True, id="ends-on-start-day-within-30-days"),
        pytest.param(date(2025, 4, 2), True, id="ends-day-30"),
        pytest.param(date(2025, 4, 3), False, id="ends-day-31"),
        pytest.param(date(2025, 3, 9), False, id="ends-before-start-blocks-instead"),
    ],
)
def test_insurance_caution_edges(expiry: date, warns: bool) -> None:
    facts = ProviderFacts(**{**GOOD.__dict__, "insurance_expiry": expiry})
    assert bool(provider_cautions(facts, date(2025, 3, 10), ON)) is warns
