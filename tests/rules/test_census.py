"""The school census AP items: one provider identifier, the reason code, full or part time. Table-driven."""

from decimal import Decimal

import pytest

from service.rules.census import (
    PLACEMENT_REASON_CODES,
    ProviderIdentity,
    attendance_pattern,
    placement_reason_code,
    provider_identity,
)
from service.rules.decision import Circumstance


@pytest.mark.parametrize(
    "circumstance,code",
    [
        (Circumstance.PERMANENTLY_EXCLUDED, "PEX"),
        (Circumstance.MEDICAL, "MED"),
        (Circumstance.ON_ROLL, "OTH"),
        (Circumstance.NO_SCHOOL_PLACE, "OTH"),
        ("medical", "MED"),  # the stored value works too
    ],
)
def test_placement_reason_code(circumstance, code):
    assert placement_reason_code(circumstance) == code


def test_every_circumstance_has_a_code():
    assert set(PLACEMENT_REASON_CODES) == set(Circumstance)


def test_an_unknown_circumstance_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        placement_reason_code("expelled")


@pytest.mark.parametrize(
    "urn,ukprn,setting,expected",
    [
        pytest.param("123456", "10012345", None, ProviderIdentity("123456", "", ""), id="urn-wins-over-ukprn"),
        pytest.param("123456", None, None, ProviderIdentity("123456", "", ""), id="urn-only"),
        pytest.param(None, "10012345", None, ProviderIdentity("", "10012345", ""), id="ukprn-when-no-urn"),
        pytest.param("  ", "10012345", None, ProviderIdentity("", "10012345", ""), id="blank-urn-is-no-urn"),
        pytest.param(None, None, None, ProviderIdentity("", "", "OTH"), id="neither-other-unregistered"),
        pytest.param("", " ", None, ProviderIdentity("", "", "OTH"), id="blanks-are-neither"),
        pytest.param(None, None, "OOT", ProviderIdentity("", "", "OOT"), id="the-recorded-setting-type"),
        pytest.param("123456", None, "WBP", ProviderIdentity("123456", "", ""), id="a-urn-wins-over-a-setting-type"),
        pytest.param(None, "10012345", "NFE", ProviderIdentity("", "10012345", ""), id="so-does-a-ukprn"),
    ],
)
def test_provider_identity_records_exactly_one_item(urn, ukprn, setting, expected):
    identity = provider_identity(urn, ukprn, setting)
    assert identity == expected
    assert sum(1 for item in (identity.urn, identity.ukprn, identity.setting_type) if item) == 1


@pytest.mark.parametrize(
    "hours,pattern",
    [
        (Decimal(30), "FT"),
        (Decimal("32.5"), "FT"),
        (Decimal("29.9"), "PT"),
        (Decimal(3), "PT"),
        (Decimal(0), "PT"),
    ],
)
def test_attendance_pattern(hours, pattern):
    assert attendance_pattern(hours) == pattern


def test_attendance_pattern_refuses_a_float():
    with pytest.raises(TypeError):
        attendance_pattern(30.0)  # type: ignore[arg-type]
