"""The census items: one table of codes, one provider identifier, full or part time. Table-driven."""

from decimal import Decimal

import pytest

from service.rules.census import (
    CENSUS_YEAR,
    CHECKED_AGAINST,
    CODE_TABLE,
    ITEM_VALUES,
    WHERE_TO_CHECK,
    ApCensusReason,
    AttendancePattern,
    Basis,
    CensusItem,
    ProviderIdentity,
    SchoolCensusReason,
    SettingType,
    attendance_pattern,
    census_code,
    provider_identity,
    reason_item,
    reason_label,
)

EVERY_VALUE = [(item, value) for item, enum in ITEM_VALUES.items() for value in enum]


def test_the_table_says_which_year_and_what_it_was_checked_against():
    assert CENSUS_YEAR == "2026 to 2027"
    assert "could not be read" in CHECKED_AGAINST and "apdocs's own" in CHECKED_AGAINST
    assert "School census guide" in WHERE_TO_CHECK["school"]
    assert "business and technical specification" in WHERE_TO_CHECK["school"]
    assert "Alternative provision census guide" in WHERE_TO_CHECK["local_authority"]


@pytest.mark.parametrize("item", list(CensusItem))
def test_every_item_has_a_code_for_every_value_and_no_other(item):
    assert set(CODE_TABLE[item]) == set(ITEM_VALUES[item])


@pytest.mark.parametrize("item", list(CensusItem))
def test_no_two_values_of_an_item_share_a_code(item):
    codes = [c.code for c in CODE_TABLE[item].values()]
    assert len(codes) == len(set(codes))
    assert all(code and code == code.strip() and code.isupper() for code in codes)


@pytest.mark.parametrize("item,value", EVERY_VALUE, ids=[f"{i.value}-{v.value}" for i, v in EVERY_VALUE])
def test_census_code_reads_the_table(item, value):
    assert census_code(item, value) == CODE_TABLE[item][value].code
    assert census_code(item, str(value)) == CODE_TABLE[item][value].code  # the stored string works too


@pytest.mark.parametrize(
    "item,value,code",
    [
        (CensusItem.SCHOOL_CENSUS_REASON, SchoolCensusReason.MEDICAL_MENTAL_HEALTH, "MMH"),
        (CensusItem.SCHOOL_CENSUS_REASON, SchoolCensusReason.MEDICAL_PHYSICAL_HEALTH, "MPH"),
        (CensusItem.SCHOOL_CENSUS_REASON, SchoolCensusReason.BEHAVIOUR, "BEH"),
        (CensusItem.SCHOOL_CENSUS_REASON, SchoolCensusReason.SUSPENSION, "SUS"),
        (CensusItem.SCHOOL_CENSUS_REASON, SchoolCensusReason.PERMANENT_EXCLUSION, "PEX"),
        (CensusItem.SCHOOL_CENSUS_REASON, SchoolCensusReason.OTHER, "OTH"),
        (CensusItem.AP_CENSUS_REASON, ApCensusReason.PERMANENTLY_EXCLUDED, "PEX"),
        (CensusItem.AP_CENSUS_REASON, ApCensusReason.MEDICAL, "MED"),
        (CensusItem.AP_CENSUS_REASON, ApCensusReason.NO_SCHOOL_PLACE, "NSP"),
        (CensusItem.AP_CENSUS_REASON, ApCensusReason.SEN, "SEN"),
        (CensusItem.AP_CENSUS_REASON, ApCensusReason.OTHER, "OTH"),
        (CensusItem.SETTING_TYPE, SettingType.REGISTERED_WITH_UKPRN, "REG"),
        (CensusItem.SETTING_TYPE, SettingType.NON_MAINTAINED_FE, "NFE"),
        (CensusItem.SETTING_TYPE, SettingType.ONE_TO_ONE_TUITION, "OOT"),
        (CensusItem.SETTING_TYPE, SettingType.OTHER_UNREGISTERED, "OTH"),
        (CensusItem.SETTING_TYPE, SettingType.WORK_BASED_PLACEMENT, "WBP"),
        (CensusItem.SETTING_TYPE, SettingType.UNKNOWN, "UNK"),
        (CensusItem.ATTENDANCE_PATTERN, AttendancePattern.FULL_TIME, "FT"),
        (CensusItem.ATTENDANCE_PATTERN, AttendancePattern.PART_TIME, "PT"),
    ],
)
def test_the_codes_as_documented(item, value, code):
    """docs/census-export.md lists these: a change to the table must change the docs too."""
    assert census_code(item, value) == code


def test_only_the_setting_types_from_the_published_summary_claim_it():
    published = {
        (item, c.code)
        for item, codes in CODE_TABLE.items()
        for c in codes.values()
        if c.basis is Basis.PUBLISHED_SUMMARY
    }
    assert published == {(CensusItem.SETTING_TYPE, code) for code in ("NFE", "OOT", "OTH", "WBP")}


def test_the_six_setting_types_keep_the_stored_values():
    assert {t.value for t in SettingType} == {"NFE", "OOT", "OTH", "WBP", "REG", "UNK"}
    assert [t.label for t in SettingType] == [
        "Registered provider with a UKPRN",
        "Non-maintained further education college",
        "One to one tuition",
        "Other unregistered provider",
        "Work-based placement",
        "Unknown",
    ]


@pytest.mark.parametrize(
    "item,value",
    [
        (CensusItem.SCHOOL_CENSUS_REASON, "expelled"),
        (CensusItem.SCHOOL_CENSUS_REASON, "medical"),  # an AP census reason is not a school census one
        (CensusItem.AP_CENSUS_REASON, "behaviour"),  # nor the other way round
        (CensusItem.SETTING_TYPE, "XYZ"),
        (CensusItem.ATTENDANCE_PATTERN, "FT"),  # a code is not an apdocs value
        (CensusItem.SCHOOL_CENSUS_REASON, ""),
    ],
)
def test_an_unknown_value_is_an_error_not_a_guess(item, value):
    with pytest.raises(ValueError, match="No .* code for"):
        census_code(item, value)


def test_which_reason_list_a_placement_uses():
    assert reason_item(arranged_by_school=True) is CensusItem.SCHOOL_CENSUS_REASON
    assert reason_item(arranged_by_school=False) is CensusItem.AP_CENSUS_REASON


@pytest.mark.parametrize(
    "item,value,label",
    [
        (CensusItem.SCHOOL_CENSUS_REASON, "behaviour", "Off-site placement for behavioural support"),
        (CensusItem.AP_CENSUS_REASON, "no_school_place", "Without a school place"),
        (CensusItem.SCHOOL_CENSUS_REASON, None, None),
        (CensusItem.SCHOOL_CENSUS_REASON, "", None),
        (CensusItem.SCHOOL_CENSUS_REASON, "no_school_place", None),
    ],
)
def test_reason_label(item, value, label):
    assert reason_label(item, value) == label


@pytest.mark.parametrize(
    "urn,ukprn,setting,expected",
    [
        pytest.param("123456", "10012345", None, ProviderIdentity("123456", "", None), id="urn-wins-over-ukprn"),
        pytest.param("123456", None, None, ProviderIdentity("123456", "", None), id="urn-only"),
        pytest.param(None, "10012345", None, ProviderIdentity("", "10012345", None), id="ukprn-when-no-urn"),
        pytest.param("  ", "10012345", None, ProviderIdentity("", "10012345", None), id="blank-urn-is-no-urn"),
        pytest.param(None, None, None, ProviderIdentity("", "", SettingType.UNKNOWN), id="neither-is-unknown"),
        pytest.param("", " ", None, ProviderIdentity("", "", SettingType.UNKNOWN), id="blanks-are-neither"),
        pytest.param(None, None, "", ProviderIdentity("", "", SettingType.UNKNOWN), id="no-type-recorded"),
        pytest.param(None, None, "OOT", ProviderIdentity("", "", SettingType.ONE_TO_ONE_TUITION), id="recorded-type"),
        pytest.param(None, None, "REG", ProviderIdentity("", "", SettingType.REGISTERED_WITH_UKPRN), id="reg-no-no"),
        pytest.param("123456", None, "WBP", ProviderIdentity("123456", "", None), id="a-urn-wins-over-a-setting-type"),
        pytest.param(None, "10012345", "NFE", ProviderIdentity("", "10012345", None), id="so-does-a-ukprn"),
        pytest.param("123456", "10012345", "OTH", ProviderIdentity("123456", "", None), id="urn-wins-over-both"),
    ],
)
def test_provider_identity_records_exactly_one_item(urn, ukprn, setting, expected):
    identity = provider_identity(urn, ukprn, setting)
    assert identity == expected
    assert sum(1 for item in (identity.urn, identity.ukprn, identity.setting_type) if item) == 1


def test_a_setting_type_not_on_the_list_is_an_error():
    with pytest.raises(ValueError):
        provider_identity(None, None, "XYZ")


@pytest.mark.parametrize(
    "hours,pattern",
    [
        (Decimal(30), AttendancePattern.FULL_TIME),  # the boundary: 30 hours is full time
        (Decimal("30.0"), AttendancePattern.FULL_TIME),
        (Decimal("32.5"), AttendancePattern.FULL_TIME),
        (Decimal("29.99"), AttendancePattern.PART_TIME),
        (Decimal("29.9"), AttendancePattern.PART_TIME),
        (Decimal(3), AttendancePattern.PART_TIME),
        (Decimal(0), AttendancePattern.PART_TIME),
    ],
)
def test_attendance_pattern(hours, pattern):
    assert attendance_pattern(hours) is pattern
    assert census_code(CensusItem.ATTENDANCE_PATTERN, attendance_pattern(hours)) in {"FT", "PT"}


def test_attendance_pattern_refuses_a_float():
    with pytest.raises(TypeError):
        attendance_pattern(30.0)  # type: ignore[arg-type]
