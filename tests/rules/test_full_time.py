"""Full-time AP packages: 30 hours a week across all settings, or a recorded reason. Totals worked out by hand."""

import dataclasses
from decimal import Decimal

import pytest

from service.rules.full_time import FULL_TIME_HOURS, PackageCheck, PartTimeReason, package_check

D = Decimal

# (hours, reason, detail, total, full_time, shortfall, acceptable)
CASES = [
    pytest.param([D(30)], None, "", D(30), True, D(0), True, id="exactly-30-is-full-time"),
    pytest.param([D("30.5")], None, "", D("30.5"), True, D(0), True, id="30.5-is-full-time-no-negative-shortfall"),
    pytest.param([D("29.5")], None, "", D("29.5"), False, D("0.5"), False, id="29.5-is-half-an-hour-short"),
    pytest.param([D(0)], None, "", D(0), False, D(30), False, id="zero-hours"),
    pytest.param([], None, "", D(0), False, D(30), False, id="no-interventions"),
    # Provider 15 + school 12 + other 3.5 = 30.5.
    pytest.param([D(15), D(12), D("3.5")], None, "", D("30.5"), True, D(0), True, id="mixed-settings-full-time"),
    # Provider 12.5 + school 6 + other 2.5 = 21, so 30 - 21 = 9 short.
    pytest.param([D("12.5"), D(6), D("2.5")], None, "", D(21), False, D(9), False, id="mixed-settings-21-hours"),
    # 29.9 + 0.1 = 30 exactly in Decimal (a float sum would be 29.999999999999996).
    pytest.param([D("29.9"), D("0.1")], None, "", D(30), True, D(0), True, id="decimal-sum-is-exact"),
    pytest.param([D(20)], PartTimeReason.MEDICAL, "", D(20), False, D(10), False, id="medical-without-detail"),
    pytest.param([D(20)], PartTimeReason.MEDICAL, "   ", D(20), False, D(10), False, id="medical-blank-detail"),
    pytest.param(
        [D(20)], PartTimeReason.MEDICAL, "Consultant letter 2 Sep 2025", D(20), False, D(10), True, id="medical"
    ),
    pytest.param([D(15)], "school_other_days", "", D(15), False, D(15), False, id="school-other-days-no-detail"),
    pytest.param(
        [D(15), D(12)], "school_other_days", "In school Wed and Thu", D(27), False, D(3), True, id="school-other-days"
    ),
    pytest.param([D(15)], "", "some detail", D(15), False, D(15), False, id="blank-reason-string-is-no-reason"),
    pytest.param([D(32)], "medical", "", D(32), True, D(0), True, id="reason-ignored-when-full-time"),
    pytest.param([1, 29], None, "", D(30), True, D(0), True, id="whole-number-ints-accepted"),
]


@pytest.mark.parametrize(("hours", "reason", "detail", "total", "full_time", "shortfall", "acceptable"), CASES)
def test_package_check(
    hours: list[Decimal],
    reason: PartTimeReason | str | None,
    detail: str,
    total: Decimal,
    full_time: bool,
    shortfall: Decimal,
    acceptable: bool,
) -> None:
    check = package_check(hours, reason, detail)
    assert (check.total_hours, check.full_time, check.shortfall_hours, check.acceptable) == (
        total,
        full_time,
        shortfall,
        acceptable,
    )
    assert isinstance(check.total_hours, Decimal)
    assert isinstance(check.shortfall_hours, Decimal)


MESSAGES = [
    pytest.param(
        [D(30)],
        None,
        "",
        "The package is 30 hours a week across all settings, which is full time (30 hours, 9:00–15:00 each day).",
        id="full-time",
    ),
    pytest.param(
        [D("12.5"), D(6), D("2.5")],
        None,
        "",
        "The package is 21 hours a week across all settings, 9 hours short of full time (30 hours, 9:00–15:00 each "
        "day). Record why it is below full time before the plan can be agreed.",
        id="no-reason",
    ),
    pytest.param(
        [D("29.50")],
        None,
        "",
        "The package is 29.5 hours a week across all settings, 0.5 hours short of full time (30 hours, 9:00–15:00 "
        "each day). Record why it is below full time before the plan can be agreed.",
        id="no-trailing-zeros",
    ),
    pytest.param(
        [D(29)],
        "medical",
        "Consultant letter",
        "The package is 29 hours a week across all settings, 1 hour short of full time (30 hours, 9:00–15:00 each "
        "day). Reason recorded: A medical condition makes full-time education inappropriate.",
        id="medical-one-hour-singular",
    ),
    pytest.param(
        [D(0)],
        None,
        "",
        "The package is 0 hours a week across all settings, 30 hours short of full time (30 hours, 9:00–15:00 each "
        "day). Record why it is below full time before the plan can be agreed.",
        id="zero",
    ),
    pytest.param(
        [D(18)],
        "medical",
        "",
        "The package is 18 hours a week across all settings, 12 hours short of full time (30 hours, 9:00–15:00 each "
        "day). Reason recorded: A medical condition makes full-time education inappropriate. Add the medical advice "
        "it rests on (who gave it and when) before the plan can be agreed.",
        id="medical-missing-detail",
    ),
    pytest.param(
        [D(18)],
        "school_other_days",
        "",
        "The package is 18 hours a week across all settings, 12 hours short of full time (30 hours, 9:00–15:00 each "
        "day). Reason recorded: Part-time AP: the pupil attends school for the rest of the week. Add which days and "
        "times the pupil is in school before the plan can be agreed.",
        id="school-other-days-missing-detail",
    ),
    pytest.param(
        [D(18)],
        "school_other_days",
        "Mon and Tue at school",
        "The package is 18 hours a week across all settings, 12 hours short of full time (30 hours, 9:00–15:00 each "
        "day). Reason recorded: Part-time AP: the pupil attends school for the rest of the week.",
        id="school-other-days-does-not-echo-detail",
    ),
]


@pytest.mark.parametrize(("hours", "reason", "detail", "message"), MESSAGES)
def test_package_check_message(hours: list[Decimal], reason: str | None, detail: str, message: str) -> None:
    assert package_check(hours, reason, detail).message == message


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        pytest.param([D(20), D(-1)], ValueError, id="negative"),
        pytest.param([D("-0.5")], ValueError, id="negative-half-hour"),
        pytest.param([D("NaN")], ValueError, id="nan"),
        pytest.param([D("Infinity")], ValueError, id="infinity"),
        pytest.param([29.5], TypeError, id="float-refused"),
        pytest.param([None], TypeError, id="none"),
        pytest.param([True], TypeError, id="bool"),
    ],
)
def test_package_check_rejects_bad_hours(hours: list[object], error: type[Exception]) -> None:
    with pytest.raises(error):
        package_check(hours, None)  # type: ignore[arg-type]


def test_unknown_reason_is_rejected() -> None:
    with pytest.raises(ValueError):
        package_check([D(10)], "holiday", "detail")


@pytest.mark.parametrize(
    ("reason", "value", "label"),
    [
        pytest.param(
            PartTimeReason.MEDICAL,
            "medical",
            "A medical condition makes full-time education inappropriate",
            id="medical",
        ),
        pytest.param(
            PartTimeReason.SCHOOL_OTHER_DAYS,
            "school_other_days",
            "Part-time AP: the pupil attends school for the rest of the week",
            id="school-other-days",
        ),
    ],
)
def test_reason_values_and_labels(reason: PartTimeReason, value: str, label: str) -> None:
    assert reason == value
    assert PartTimeReason(value) is reason
    assert reason.label == label


def test_full_time_hours_is_a_normal_school_week() -> None:
    assert D(30) == FULL_TIME_HOURS  # 9:00-15:00 is 6 hours, five days a week


def test_package_check_is_frozen() -> None:
    check = package_check([D(30)], None)
    assert isinstance(check, PackageCheck)
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.acceptable = False  # type: ignore[misc]
