"""Independent-school registration threshold (Education and Skills Act 2008 s92): counts worked out by hand.

Full time at a provider means MORE than 18 hours a week. A provider must register with 5 or more full-time pupils
of compulsory school age, or 1 who is looked after or has an EHCP.
"""

import dataclasses
from decimal import Decimal

import pytest

from service.rules.registration import (
    FULL_TIME_AT_PROVIDER_HOURS,
    REGISTRATION_PUPILS,
    PlacedPupil,
    RegistrationRisk,
    registration_risk,
)


def pupil(hours: str | int, *, csa: bool = True, looked_after: bool = False, ehcp: bool = False) -> PlacedPupil:
    return PlacedPupil(
        hours_at_provider=Decimal(hours), compulsory_school_age=csa, looked_after=looked_after, has_ehcp=ehcp
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
    risk = registration_risk(registered, placements)
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
    assert registration_risk(False, placements).message == message


def test_registered_provider_message() -> None:
    risk = registration_risk(True, [pupil(25, ehcp=True)] * 6)
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
    )
    with pytest.raises(error):
        registration_risk(False, [pupil(20), bad])


def test_thresholds() -> None:
    assert Decimal(18) == FULL_TIME_AT_PROVIDER_HOURS
    assert REGISTRATION_PUPILS == 5


def test_risk_is_frozen() -> None:
    risk = registration_risk(False, [])
    assert isinstance(risk, RegistrationRisk)
    with pytest.raises(dataclasses.FrozenInstanceError):
        risk.at_risk = True  # type: ignore[misc]
