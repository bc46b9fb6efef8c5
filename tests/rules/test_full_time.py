"""Full-time AP packages: 30 hours a week across all settings, or a recorded reason. Totals worked out by hand."""

import dataclasses
from datetime import date, time
from decimal import Decimal

import pytest

from service.rules.full_time import (
    FULL_TIME_HOURS,
    DeliveredBy,
    PackageCheck,
    ParentsConsulted,
    PartTimeReason,
    TimetableSession,
    day_check,
    hours_check,
    package_check,
)

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
        pytest.param(
            PartTimeReason.INTENSIVE,
            "intensive",
            "An intensive or one-to-one package judged equivalent to full time",
            id="intensive",
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


# -- full time, day by day ----------------------------------------------------------------------------------------

S = TimetableSession
P, SCH, OTH = DeliveredBy.PROVIDER, DeliveredBy.SCHOOL, DeliveredBy.OTHER


def _week(start: time, end: time, setting: DeliveredBy = P, days: range = range(5)) -> list[TimetableSession]:
    return [S(day, start, end, setting) for day in days]


CONSULTED = ParentsConsulted(date(2026, 1, 5), "Pat Smith (mother), with the SENCO")

# (sessions, reason, detail, consulted, gaps, full_time, acceptable)
DAY_CASES = [
    pytest.param(_week(time(9), time(15)), None, "", None, [], True, True, id="exactly-9-to-15-every-day"),
    pytest.param(_week(time(8, 30), time(15, 30)), None, "", None, [], True, True, id="longer-than-the-day"),
    pytest.param(
        _week(time(9), time(14, 59)),
        None,
        "",
        None,
        [f"{d} 14:59–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="9-to-14.59-is-a-minute-short-every-day",
    ),
    pytest.param(
        _week(time(9, 1), time(15), days=range(1)) + _week(time(9), time(15), days=range(1, 5)),
        None,
        "",
        None,
        ["Monday 09:00–09:01"],
        False,
        False,
        id="monday-starts-at-9.01",
    ),
    pytest.param(
        _week(time(9), time(12)) + _week(time(12), time(15), SCH),
        None,
        "",
        None,
        [],
        True,
        True,
        id="two-sessions-meeting-at-12-in-two-settings",
    ),
    pytest.param(
        _week(time(9), time(13)) + _week(time(11), time(15), OTH),
        None,
        "",
        None,
        [],
        True,
        True,
        id="overlapping-sessions-in-two-settings-count-once",
    ),
    pytest.param(
        _week(time(9), time(12)) + _week(time(12, 30), time(15), SCH),
        None,
        "",
        None,
        [f"{d} 12:00–12:30" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="half-an-hour-between-settings-each-day",
    ),
    pytest.param(
        _week(time(9), time(15), days=range(4)) + [S(4, time(9), time(12))],
        None,
        "",
        None,
        ["Friday 12:00–15:00"],
        False,
        False,
        id="friday-short",
    ),
    pytest.param(
        _week(time(8), time(16), days=range(4)),
        None,
        "",
        None,
        ["Friday 09:00–15:00"],
        False,
        False,
        id="32-hours-in-four-long-days-is-not-full-time",
    ),
    pytest.param(
        [S(5, time(9), time(15))] + _week(time(9), time(15), days=range(4)),
        None,
        "",
        None,
        ["Friday 09:00–15:00"],
        False,
        False,
        id="a-saturday-does-not-cover-friday",
    ),
    pytest.param(
        [],
        None,
        "",
        None,
        [f"{d} 09:00–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="no-sessions",
    ),
    # Reasons, on the Friday-short week.
    pytest.param(
        _week(time(9), time(15), days=range(4)) + [S(4, time(9), time(12))],
        PartTimeReason.MEDICAL,
        "",
        None,
        ["Friday 12:00–15:00"],
        False,
        False,
        id="medical-without-detail",
    ),
    pytest.param(
        _week(time(9), time(15), days=range(4)) + [S(4, time(9), time(12))],
        "medical",
        "Consultant's letter, 2 September 2025: afternoons off on Fridays",
        None,
        ["Friday 12:00–15:00"],
        False,
        True,
        id="medical",
    ),
    pytest.param(
        _week(time(9), time(15), days=range(4)) + [S(4, time(9), time(12))],
        PartTimeReason.SCHOOL_OTHER_DAYS,
        "In school on Friday afternoons",
        None,
        ["Friday 12:00–15:00"],
        False,
        True,
        id="school-other-days",
    ),
    pytest.param(
        _week(time(9), time(13)),
        PartTimeReason.INTENSIVE,
        "One-to-one tuition judged equivalent to full time",
        None,
        [f"{d} 13:00–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="intensive-without-the-parents-consulted",
    ),
    pytest.param(
        _week(time(9), time(13)),
        PartTimeReason.INTENSIVE,
        "One-to-one tuition judged equivalent to full time",
        ParentsConsulted(None, "Pat Smith"),
        [f"{d} 13:00–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="intensive-consulted-with-no-date",
    ),
    pytest.param(
        _week(time(9), time(13)),
        PartTimeReason.INTENSIVE,
        "One-to-one tuition judged equivalent to full time",
        ParentsConsulted(date(2026, 1, 5), "  "),
        [f"{d} 13:00–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="intensive-consulted-with-nobody-named",
    ),
    pytest.param(
        _week(time(9), time(13)),
        PartTimeReason.INTENSIVE,
        "",
        CONSULTED,
        [f"{d} 13:00–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        False,
        id="intensive-without-detail",
    ),
    pytest.param(
        _week(time(9), time(13)),
        "intensive",
        "One-to-one tuition judged equivalent to full time",
        CONSULTED,
        [f"{d} 13:00–15:00" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        False,
        True,
        id="intensive-with-the-parents-consulted",
    ),
    pytest.param(_week(time(9), time(15)), "medical", "", None, [], True, True, id="reason-ignored-when-full-time"),
    pytest.param(
        _week(time(9), time(15), days=range(4)) + [S(4, time(9), time(12))],
        "",
        "detail",
        None,
        ["Friday 12:00–15:00"],
        False,
        False,
        id="blank-reason-is-no-reason",
    ),
]


@pytest.mark.parametrize(("sessions", "reason", "detail", "consulted", "gaps", "full_time", "acceptable"), DAY_CASES)
def test_day_check(
    sessions: list[TimetableSession],
    reason: PartTimeReason | str | None,
    detail: str,
    consulted: ParentsConsulted | None,
    gaps: list[str],
    full_time: bool,
    acceptable: bool,
) -> None:
    check = day_check(sessions, reason, detail, consulted)
    assert ([g.label for g in check.gaps], check.full_time, check.acceptable) == (gaps, full_time, acceptable)
    for gap in gaps:
        assert gap in check.message


@pytest.mark.parametrize(
    ("starts", "ends", "sessions", "gaps"),
    [
        pytest.param(time(8, 45), time(15, 15), _week(time(9), time(15)), 10, id="longer-day-leaves-both-ends"),
        pytest.param(time(8, 45), time(15, 15), _week(time(8, 45), time(15, 15)), 0, id="longer-day-covered"),
        pytest.param(time(9), time(14, 30), _week(time(9), time(14, 30)), 0, id="shorter-day-covered"),
    ],
)
def test_day_check_on_an_organisations_own_school_day(
    starts: time, ends: time, sessions: list[TimetableSession], gaps: int
) -> None:
    assert len(day_check(sessions, None, day_starts=starts, day_ends=ends).gaps) == gaps


def test_the_day_check_refuses_a_day_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        day_check([], None, day_starts=time(15), day_ends=time(9))


def test_the_friday_message_names_the_time_not_covered() -> None:
    check = day_check(_week(time(9), time(15), days=range(4)) + [S(4, time(9), time(12))], None)
    assert check.message == (
        "Not covered 09:00–15:00 every school day: Friday 12:00–15:00. Record why the package is below full time."
    )


def test_the_intensive_reason_asks_for_the_parents_consultation() -> None:
    check = day_check(_week(time(9), time(13)), PartTimeReason.INTENSIVE, "One-to-one")
    assert "parents were consulted about supervision for the rest of the day" in check.message


# (sessions, interventions, reason, matches, acceptable)
HOURS_CASES = [
    pytest.param(_week(time(9), time(14)), [(P, D(25))], "", True, True, id="25-against-25"),
    pytest.param(_week(time(9), time(14)), [(P, D(20))], "", False, False, id="20-against-25-no-reason"),
    pytest.param(
        _week(time(9), time(14)),
        [(P, D(20))],
        "Five hours of the timetable are lunch and travel",
        False,
        True,
        id="20-against-25-with-a-reason",
    ),
    pytest.param(_week(time(9), time(14)), [(P, D(20))], "   ", False, False, id="blank-reason-is-no-reason"),
    pytest.param(
        _week(time(9), time(12)) + _week(time(12), time(15), SCH),
        [(P, D(10)), (P, D(5)), (SCH, D(15))],
        "",
        True,
        True,
        id="per-setting-sums-match",
    ),
    pytest.param(
        _week(time(9), time(12)) + _week(time(12), time(15), SCH),
        [(P, D(30))],
        "",
        False,
        False,
        id="right-total-wrong-setting",
    ),
    pytest.param([S(1, time(9), time(11, 45))], [(P, D("2.8"))], "", True, True, id="2h45-is-2.8-to-a-tenth"),
    pytest.param([S(1, time(9), time(11, 45))], [(P, D("2.7"))], "", False, False, id="2h45-is-not-2.7"),
    pytest.param([], [(OTH, D(3))], "", False, False, id="an-intervention-with-no-sessions"),
    pytest.param([], [], "", True, True, id="nothing-on-either"),
]


@pytest.mark.parametrize(("sessions", "interventions", "reason", "matches", "acceptable"), HOURS_CASES)
def test_hours_check(
    sessions: list[TimetableSession],
    interventions: list[tuple[DeliveredBy, Decimal]],
    reason: str,
    matches: bool,
    acceptable: bool,
) -> None:
    check = hours_check(sessions, interventions, reason)
    assert (check.matches, check.acceptable) == (matches, acceptable)


def test_the_hours_message_names_the_setting_and_both_totals() -> None:
    check = hours_check(_week(time(9), time(14)), [(P, D(20))])
    assert check.message == (
        "The interventions' hours differ from the timetable: alternative provider: interventions 20 hours, "
        "timetable 25 hours a week. Correct one of them, or record why they differ."
    )
