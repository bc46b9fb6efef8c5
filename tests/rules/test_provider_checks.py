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
