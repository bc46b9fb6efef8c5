"""Independent-school registration threshold: counts worked out by hand.

Education and Skills Act 2008 s92 (the law today): full time at a provider means MORE than 18 hours a week. A
provider must register with 5 or more full-time pupils of compulsory school age, or 1 who is looked after or has
an EHCP. From the configured commencement of the Children's Wellbeing and Schools Act 2026 s43: 1 full-time pupil
with any special educational needs (SEN support too) is enough, and full time is more than the configured hours.
"""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from service.rules.registration import (
    FULL_TIME_AT_PROVIDER_HOURS,
    REGISTRATION_PUPILS,
    PlacedPupil,
    RegistrationRisk,
    RegistrationRule,
    registration_risk,
)

#: The law today: no commencement date configured.
TODAY = RegistrationRule()
ON = date(2026, 12, 5)


def pupil(
    hours: str | int, *, csa: bool = True, looked_after: bool = False, ehcp: bool = False, sen: bool = False
) -> PlacedPupil:
    return PlacedPupil(
        hours_at_provider=Decimal(hours),
        compulsory_school_age=csa,
        looked_after=looked_after,
        has_ehcp=ehcp,
        has_sen=sen or ehcp,
    )


# (registered, placements, at_risk, full_time_pupils, vulnerable_full_time_pupils)
CASES = [
    pytest.param(False, [pupil(18)] * 5, False, 0, 0, id="five-at-exactly-18-hours-not-full-time"),
    pytest.param(False, [pupil("18.5")] * 5, True, 5, 0, id="five-at-18.5-hours"),
    pytest.param(False, [pupil(25)] * 4, False, 4, 0, id="four-at-25-hours"),
    pytest.param(False, [pupil(25)] * 4 + [pupil(19)], True, 5, 0, id="the-fifth-pupil-crosses-the-line"),
    pytest.param(False, [pupil("18.5", ehcp=True)], True, 1, 1, id="one-ehcp-pupil-at-18.5"),
    pytest.param(False, [pupil(18, looked_after=True)], False, 0, 0, id="one-looked-after-at-18"),
    pytest.param(False, [pupil(19, looked_after=True)], True, 1, 1, id="one-looked-after-at-19"),
    pytest.param(False, [pupil(25, csa=False, ehcp=True)], False, 0, 0, id="ehcp-over-compulsory-age"),
    pytest.param(True, [pupil(30, ehcp=True, looked_after=True)] * 10, False, 10, 10, id="registered-ten-pupils"),
    pytest.param(False, [], False, 0, 0, id="no-placements"),
    # Mixed: 25 and 18.5 count (2); 18 and 10 are part time; the 30-hour pupil is past compulsory school age;
    # the 20-hour EHCP pupil counts and is vulnerable. 3 full time, 1 vulnerable: at risk because of the EHCP.
    pytest.param(
        False,
        [
            pupil(25),
            pupil("18.5"),
            pupil(18, ehcp=True),
            pupil(10, looked_after=True),
            pupil(30, csa=False),
            pupil(20, ehcp=True),
        ],
        True,
        3,
        1,
        id="mixed",
    ),
    # Mixed, no vulnerable pupil full time: 25, 19, 30 and 18.01 count (4); 18 and the over-age pupil do not.
    pytest.param(
        False,
        [pupil(25), pupil(19), pupil(30), pupil("18.01"), pupil(18), pupil(25, csa=False, looked_after=True)],
        False,
        4,
        0,
        id="mixed-four-full-time",
    ),
]


@pytest.mark.parametrize(("registered", "placements", "at_risk", "full_time", "vulnerable"), CASES)
def test_registration_risk(
    registered: bool, placements: list[PlacedPupil], at_risk: bool, full_time: int, vulnerable: int
) -> None:
    risk = registration_risk(registered, placements, TODAY, ON)
    assert (risk.at_risk, risk.full_time_pupils, risk.vulnerable_full_time_pupils) == (at_risk, full_time, vulnerable)


MESSAGES = [
    pytest.param(
        [pupil(25)] * 5,
        "With this placement, the provider (not registered with the DfE) would educate 5 pupils of compulsory school "
        "age full time (more than 18 hours a week). A provider that does this must register as an independent "
        "school; operating unregistered is an offence. Raise this with the provider and the local authority before "
        "agreeing the placement.",
        id="five-pupils",
    ),
    pytest.param(
        [pupil("18.5", ehcp=True)],
        "With this placement, the provider (not registered with the DfE) would educate 1 pupil of compulsory school "
        "age full time (more than 18 hours a week) who is looked after or has an EHCP. A provider that educates "
        "even one such pupil full time must register as an independent school; operating unregistered is an "
        "offence. Raise this with the provider and the local authority before agreeing the placement.",
        id="one-ehcp-pupil",
    ),
    pytest.param(
        [pupil(20, looked_after=True), pupil(20, ehcp=True)],
        "With this placement, the provider (not registered with the DfE) would educate 2 pupils of compulsory school "
        "age full time (more than 18 hours a week) who are all looked after or have an EHCP. A provider that "
        "educates even one such pupil full time must register as an independent school; operating unregistered is "
        "an offence. Raise this with the provider and the local authority before agreeing the placement.",
        id="two-vulnerable-pupils",
    ),
    pytest.param(
        [pupil(20), pupil(20), pupil(20, ehcp=True)],
        "With this placement, the provider (not registered with the DfE) would educate 3 pupils of compulsory school "
        "age full time (more than 18 hours a week), 1 of them looked after or with an EHCP. A provider that "
        "educates even one such pupil full time must register as an independent school; operating unregistered is "
        "an offence. Raise this with the provider and the local authority before agreeing the placement.",
        id="three-one-vulnerable",
    ),
    pytest.param(
        [pupil(20)] * 5 + [pupil(20, looked_after=True)],
        "With this placement, the provider (not registered with the DfE) would educate 6 pupils of compulsory school "
        "age full time (more than 18 hours a week), 1 of them looked after or with an EHCP. A provider that does "
        "this must register as an independent school; operating unregistered is an offence. Raise this with the "
        "provider and the local authority before agreeing the placement.",
        id="six-one-vulnerable",
    ),
    pytest.param(
        [pupil(25)] * 4,
        "With this placement, the provider would educate 4 pupils of compulsory school age full time (more than 18 "
        "hours a week), none looked after or with an EHCP: fewer than the 5 that would require it to register as "
        "an independent school.",
        id="four-pupils",
    ),
    pytest.param(
        [pupil(25)],
        "With this placement, the provider would educate 1 pupil of compulsory school age full time (more than 18 "
        "hours a week), not looked after or with an EHCP: fewer than the 5 that would require it to register as an "
        "independent school.",
        id="one-pupil",
    ),
    pytest.param(
        [pupil(18)] * 5,
        "With this placement, the provider would educate no pupils of compulsory school age full time (more than 18 "
        "hours a week), so it does not need to register as an independent school.",
        id="none-full-time",
    ),
]


@pytest.mark.parametrize(("placements", "message"), MESSAGES)
def test_registration_message(placements: list[PlacedPupil], message: str) -> None:
    assert registration_risk(False, placements, TODAY, ON).message == message


def test_registered_provider_message() -> None:
    risk = registration_risk(True, [pupil(25, ehcp=True)] * 6, TODAY, ON)
    assert risk.message == (
        "The provider is registered with the DfE, so the independent-school threshold does not apply."
    )


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        pytest.param(Decimal(-1), ValueError, id="negative"),
        pytest.param(Decimal("NaN"), ValueError, id="nan"),
        pytest.param(18.5, TypeError, id="float-refused"),
    ],
)
def test_bad_hours_are_rejected_even_for_pupils_who_do_not_count(hours: object, error: type[Exception]) -> None:
    bad = PlacedPupil(
        hours_at_provider=hours,  # type: ignore[arg-type]
        compulsory_school_age=False,
        looked_after=False,
        has_ehcp=False,
        has_sen=False,
    )
    with pytest.raises(error):
        registration_risk(False, [pupil(20), bad], TODAY, ON)


def test_thresholds() -> None:
    assert Decimal(18) == FULL_TIME_AT_PROVIDER_HOURS
    assert REGISTRATION_PUPILS == 5


def test_risk_is_frozen() -> None:
    risk = registration_risk(False, [], TODAY, ON)
    assert isinstance(risk, RegistrationRisk)
    with pytest.raises(dataclasses.FrozenInstanceError):
        risk.at_risk = True  # type: ignore[misc]


# -- the Children's Wellbeing and Schools Act 2026 s43, from the configured commencement -----------------------

COMMENCES = date(2027, 9, 1)
DAY_BEFORE, DAY_OF, YEAR_AFTER = date(2027, 8, 31), COMMENCES, date(2028, 9, 1)
S43 = RegistrationRule(commencement=COMMENCES)  # the hours left at 18
S43_AT_16 = RegistrationRule(commencement=COMMENCES, full_time_hours=Decimal(16))
S43_AT_20 = RegistrationRule(commencement=COMMENCES, full_time_hours=Decimal(20))

# (rule, on, registered, placements, at_risk, full_time_pupils, vulnerable_full_time_pupils)
S43_CASES = [
    pytest.param(TODAY, YEAR_AFTER, False, [pupil(25, sen=True)], False, 1, 0, id="no-commencement-sen-support"),
    pytest.param(S43, DAY_BEFORE, False, [pupil(25, sen=True)], False, 1, 0, id="sen-support-the-day-before"),
    pytest.param(S43, DAY_OF, False, [pupil(25, sen=True)], True, 1, 1, id="sen-support-the-day-of"),
    pytest.param(S43, YEAR_AFTER, False, [pupil(25, sen=True)], True, 1, 1, id="sen-support-a-year-after"),
    pytest.param(S43, DAY_OF, False, [pupil(18, sen=True)], False, 0, 0, id="sen-support-exactly-18"),
    pytest.param(S43, DAY_OF, False, [pupil("18.5", sen=True)], True, 1, 1, id="sen-support-18.5"),
    pytest.param(S43, DAY_OF, False, [pupil(25, sen=True, csa=False)], False, 0, 0, id="sen-support-over-age"),
    pytest.param(S43, DAY_OF, True, [pupil(25, sen=True)] * 6, False, 6, 6, id="registered-sen-support"),
    pytest.param(S43, DAY_OF, False, [pupil(25)] * 4, False, 4, 0, id="four-without-sen"),
    pytest.param(S43, DAY_BEFORE, False, [pupil(19, looked_after=True)], True, 1, 1, id="looked-after-before"),
    pytest.param(S43, DAY_OF, False, [pupil(19, looked_after=True)], True, 1, 1, id="looked-after-from"),
    pytest.param(
        S43,
        DAY_OF,
        False,
        [PlacedPupil(Decimal(25), compulsory_school_age=True, looked_after=False, has_ehcp=True, has_sen=False)],
        True,
        1,
        1,
        id="ehcp-counts-even-without-the-sen-flag",
    ),
    # The configured hours (16) apply only from the commencement day; before it, DfE's more than 18.
    pytest.param(S43_AT_16, DAY_OF, False, [pupil(16, sen=True)], False, 0, 0, id="exactly-16-the-day-of"),
    pytest.param(S43_AT_16, DAY_OF, False, [pupil("16.5", sen=True)], True, 1, 1, id="16.5-the-day-of"),
    pytest.param(S43_AT_16, DAY_BEFORE, False, [pupil("16.5", ehcp=True)], False, 0, 0, id="16.5-the-day-before"),
    pytest.param(S43_AT_16, DAY_BEFORE, False, [pupil(17)] * 5, False, 0, 0, id="five-at-17-the-day-before"),
    pytest.param(S43_AT_16, DAY_OF, False, [pupil(17)] * 5, True, 5, 0, id="five-at-17-the-day-of"),
    # A higher threshold (20) takes a pupil at 19 hours out of full time from the commencement day.
    pytest.param(S43_AT_20, DAY_BEFORE, False, [pupil(19, ehcp=True)], True, 1, 1, id="19-under-18-rule"),
    pytest.param(S43_AT_20, DAY_OF, False, [pupil(19, ehcp=True)], False, 0, 0, id="19-under-20-rule"),
    pytest.param(S43_AT_20, DAY_OF, False, [pupil(20, ehcp=True)], False, 0, 0, id="exactly-20"),
    pytest.param(S43_AT_20, DAY_OF, False, [pupil("20.5", sen=True)], True, 1, 1, id="20.5"),
]


@pytest.mark.parametrize(("rule", "on", "registered", "placements", "at_risk", "full_time", "vulnerable"), S43_CASES)
def test_registration_risk_under_s43(
    rule: RegistrationRule,
    on: date,
    registered: bool,
    placements: list[PlacedPupil],
    at_risk: bool,
    full_time: int,
    vulnerable: int,
) -> None:
    risk = registration_risk(registered, placements, rule, on)
    assert (risk.at_risk, risk.full_time_pupils, risk.vulnerable_full_time_pupils) == (at_risk, full_time, vulnerable)


@pytest.mark.parametrize(
    ("rule", "on", "in_force", "threshold"),
    [
        pytest.param(TODAY, YEAR_AFTER, False, Decimal(18), id="no-commencement"),
        pytest.param(S43_AT_16, DAY_BEFORE, False, Decimal(18), id="the-day-before"),
        pytest.param(S43_AT_16, DAY_OF, True, Decimal(16), id="the-day-of"),
        pytest.param(S43_AT_16, YEAR_AFTER, True, Decimal(16), id="a-year-after"),
    ],
)
def test_which_law_applies(rule: RegistrationRule, on: date, in_force: bool, threshold: Decimal) -> None:
    assert (rule.s43_in_force(on), rule.full_time_threshold(on)) == (in_force, threshold)


S43_MESSAGES = [
    pytest.param(
        S43_AT_16,
        DAY_OF,
        [pupil(17, sen=True)],
        "With this placement, the provider (not registered with the DfE) would educate 1 pupil of compulsory school "
        "age full time (more than 16 hours a week) who is looked after or has special educational needs. A provider "
        "that educates even one such pupil full time must register as an independent school (the Children's "
        "Wellbeing and Schools Act 2026 s43, in force since 1 September 2027); operating unregistered is an offence. "
        "Raise this with the provider and the local authority before agreeing the placement.",
        "Not registered with the DfE, and educating 1 pupil of compulsory school age full time (more than 16 hours a "
        "week) who is looked after or has special educational needs, counting every commissioner's placements: it "
        "must register as an independent school (the Children's Wellbeing and Schools Act 2026 s43, in force since "
        "1 September 2027).",
        id="one-sen-support-pupil",
    ),
    pytest.param(
        S43,
        DAY_OF,
        [pupil(20), pupil(20)],
        "With this placement, the provider would educate 2 pupils of compulsory school age full time (more than 18 "
        "hours a week), none looked after or with special educational needs: fewer than the 5 that would require it "
        "to register as an independent school.",
        "Educates 2 pupils of compulsory school age full time (more than 18 hours a week), none looked after or with "
        "special educational needs, counting every commissioner's placements: it need not register as a school.",
        id="two-without-sen",
    ),
    pytest.param(
        S43,
        DAY_BEFORE,
        [pupil(20, sen=True)],
        "With this placement, the provider would educate 1 pupil of compulsory school age full time (more than 18 "
        "hours a week), not looked after or with an EHCP: fewer than the 5 that would require it to register as an "
        "independent school.",
        "Educates 1 pupil of compulsory school age full time (more than 18 hours a week), not looked after or with an "
        "EHCP, counting every commissioner's placements: it need not register as a school.",
        id="sen-support-the-day-before",
    ),
    pytest.param(
        TODAY,
        ON,
        [pupil(25)] * 5,
        "With this placement, the provider (not registered with the DfE) would educate 5 pupils of compulsory school "
        "age full time (more than 18 hours a week). A provider that does this must register as an independent "
        "school; operating unregistered is an offence. Raise this with the provider and the local authority before "
        "agreeing the placement.",
        "Not registered with the DfE, and educating 5 pupils of compulsory school age full time (more than 18 hours a "
        "week), counting every commissioner's placements: it must register as an independent school.",
        id="five-pupils-today",
    ),
]


@pytest.mark.parametrize(("rule", "on", "placements", "message", "summary"), S43_MESSAGES)
def test_registration_message_and_summary(
    rule: RegistrationRule, on: date, placements: list[PlacedPupil], message: str, summary: str
) -> None:
    risk = registration_risk(False, placements, rule, on)
    assert (risk.message, risk.summary) == (message, summary)


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        pytest.param(Decimal(0), ValueError, id="zero"),
        pytest.param(Decimal(-1), ValueError, id="negative"),
        pytest.param(Decimal(169), ValueError, id="more-than-a-week"),
        pytest.param(Decimal("Infinity"), ValueError, id="infinite"),
        pytest.param(18.0, TypeError, id="float-refused"),
    ],
)
def test_a_nonsense_hours_setting_is_refused(hours: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="full-time hours threshold"):
        RegistrationRule(commencement=COMMENCES, full_time_hours=hours)  # type: ignore[arg-type]


def test_the_extreme_sensible_hours_are_accepted() -> None:
    assert RegistrationRule(full_time_hours=Decimal(168)).full_time_hours == 168
    assert RegistrationRule(full_time_hours=Decimal("0.5")).full_time_hours == Decimal("0.5")
