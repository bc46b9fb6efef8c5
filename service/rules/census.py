"""The census items for alternative provision (AP) placements, and the one table of the codes they are exported as.

Why this module exists: a school that arranges AP returns, in the school census, each placement its pupils
attended in the census period: who the provider is (its URN, else its UKPRN, else the type of setting), the
primary reason for the placement, the entry and leaving dates and the attendance pattern (DfE, School census
guide). A local authority returns the placements *it* arranged in its own AP census, with its own reason list
(DfE, Alternative provision census guide). apdocs holds every item, so exporting them saves re-typing them.

Who returns what: a placement whose commissioning organisation is a school goes in that school's census, with a
``SchoolCensusReason``; one a local authority commissioned goes in the LA's AP census, with an ``ApCensusReason``.
The reason is recorded on the placement by the commissioner (``Placement.census_reason``): it is never derived
from the child's circumstance or from who decides, which say nothing about why the placement was commissioned.

The provider rule: the census takes *one* of URN, UKPRN or setting type. A URN (Get Information About Schools)
wins; a UKPRN is recorded only when there is no URN; the setting type only when there is neither. A provider
with neither number and no type recorded goes as "unknown", not "other unregistered provider": apdocs does not
know what it is, and a guessed type would look like a fact in DfE's data (``provider_identity``).

The codes: every value apdocs exports for a coded item is in ``CODE_TABLE``, with ``CENSUS_YEAR`` and
``CHECKED_AGAINST``. DfE's business and technical specification for the year could not be read when the table was
written, so most of the code letters are apdocs's own and say so (``Basis.APDOCS``): **a school checks them each
year** against DfE's "School census guide" and "School census business and technical specification" for the year
(GOV.UK), an LA against the "Alternative provision census guide" and its specification, and changes this table,
the only place the codes live, where DfE's list differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from service.rules.full_time import FULL_TIME_HOURS
from service.rules.hours import weekly_hours

#: The census year the table is for.
CENSUS_YEAR = "2026 to 2027"

#: What the codes in ``CODE_TABLE`` were checked against: honestly, for each kind of code.
CHECKED_AGAINST = (
    "Not checked against DfE's School census business and technical specification for 2026 to 2027, nor the "
    "Alternative provision census specification, which could not be read when this table was written. The "
    "categories (the six school census reasons, the six setting types) are DfE's, as its guides describe them. "
    "The setting type letters NFE, OOT, OTH and WBP are those of a published summary of the 2023 AP census data "
    "items (FE News, 'Data items'), not DfE's own document; every other code letter is apdocs's own (Basis.APDOCS)."
)

#: Where a school, and an LA, check the codes each year before loading a file.
WHERE_TO_CHECK = {
    "school": (
        "DfE's 'School census guide' and 'School census business and technical specification' for the year, on "
        "GOV.UK (the alternative provision placements module and its code sets)"
    ),
    "local_authority": (
        "DfE's 'Alternative provision census guide' and 'Alternative provision census business and technical "
        "specification' for the year, on GOV.UK (the placement module and its code sets)"
    ),
}


class CensusItem(StrEnum):
    """The coded items apdocs exports (the others are numbers, dates and names)."""

    SCHOOL_CENSUS_REASON = "school_census_reason"
    AP_CENSUS_REASON = "ap_census_reason"
    SETTING_TYPE = "setting_type"
    ATTENDANCE_PATTERN = "attendance_pattern"


class SettingType(StrEnum):
    """The census 'AP setting type' (DfE's six), recorded on the provider and exported only for a provider with no
    URN and no UKPRN. The values are what apdocs stores (NFE, OOT, OTH and WBP are on providers already); the codes
    exported are in ``CODE_TABLE``."""

    REGISTERED_WITH_UKPRN = "REG"
    NON_MAINTAINED_FE = "NFE"
    ONE_TO_ONE_TUITION = "OOT"
    OTHER_UNREGISTERED = "OTH"
    WORK_BASED_PLACEMENT = "WBP"
    UNKNOWN = "UNK"

    @property
    def label(self) -> str:
        return {
            "REG": "Registered provider with a UKPRN",
            "NFE": "Non-maintained further education college",
            "OOT": "One to one tuition",
            "OTH": "Other unregistered provider",
            "WBP": "Work-based placement",
            "UNK": "Unknown",
        }[self.value]


class SchoolCensusReason(StrEnum):
    """DfE's six reasons for a placement a *school* arranged (the school census AP module), as the commissioner
    records them on the placement. The codes exported for each are in ``CODE_TABLE``."""

    MEDICAL_MENTAL_HEALTH = "medical_mental_health"
    MEDICAL_PHYSICAL_HEALTH = "medical_physical_health"
    BEHAVIOUR = "behaviour"
    SUSPENSION = "suspension"
    PERMANENT_EXCLUSION = "permanent_exclusion"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "medical_mental_health": "Medical: mental health need",
            "medical_physical_health": "Medical: physical health need",
            "behaviour": "Off-site placement for behavioural support",
            "suspension": "Suspension",
            "permanent_exclusion": "Permanent exclusion (still in the review process)",
            "other": "Other",
        }[self.value]


class ApCensusReason(StrEnum):
    """The reason for a placement a *local authority* arranged, for the LA's own AP census (not the school
    census). The codes exported for each are in ``CODE_TABLE``."""

    PERMANENTLY_EXCLUDED = "permanently_excluded"
    MEDICAL = "medical"
    NO_SCHOOL_PLACE = "no_school_place"
    SEN = "sen"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "permanently_excluded": "Permanently excluded",
            "medical": "Unable to attend school because of health needs",
            "no_school_place": "Without a school place",
            "sen": "Special educational needs provision",
            "other": "Other",
        }[self.value]


class AttendancePattern(StrEnum):
    """Full or part time at the AP setting (``attendance_pattern``)."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"

    @property
    def label(self) -> str:
        return {"full_time": "Full time", "part_time": "Part time"}[self.value]


#: The apdocs values each coded item takes: the table must give a code for every one (tests/rules/test_census.py).
ITEM_VALUES: dict[CensusItem, type[StrEnum]] = {
    CensusItem.SCHOOL_CENSUS_REASON: SchoolCensusReason,
    CensusItem.AP_CENSUS_REASON: ApCensusReason,
    CensusItem.SETTING_TYPE: SettingType,
    CensusItem.ATTENDANCE_PATTERN: AttendancePattern,
}


class Basis(StrEnum):
    """Where a code's letters come from, so that nobody mistakes apdocs's own letters for DfE's."""

    #: The letters are those of a published summary of DfE's AP census items (FE News, "Data items", 2023).
    PUBLISHED_SUMMARY = "published_summary"
    #: The letters are apdocs's own: DfE's category, but the code could not be read from DfE's specification.
    APDOCS = "apdocs"


@dataclass(frozen=True)
class Code:
    code: str
    basis: Basis


_OWN, _SUMMARY = Basis.APDOCS, Basis.PUBLISHED_SUMMARY

#: THE table: every code exported for each coded item, by apdocs value. Checked against ``CHECKED_AGAINST`` for
#: ``CENSUS_YEAR``. Change a code here (and only here) when the year's specification differs.
CODE_TABLE: dict[CensusItem, dict[str, Code]] = {
    CensusItem.SCHOOL_CENSUS_REASON: {
        SchoolCensusReason.MEDICAL_MENTAL_HEALTH: Code("MMH", _OWN),
        SchoolCensusReason.MEDICAL_PHYSICAL_HEALTH: Code("MPH", _OWN),
        SchoolCensusReason.BEHAVIOUR: Code("BEH", _OWN),
        SchoolCensusReason.SUSPENSION: Code("SUS", _OWN),
        SchoolCensusReason.PERMANENT_EXCLUSION: Code("PEX", _OWN),
        SchoolCensusReason.OTHER: Code("OTH", _OWN),
    },
    CensusItem.AP_CENSUS_REASON: {
        ApCensusReason.PERMANENTLY_EXCLUDED: Code("PEX", _OWN),
        ApCensusReason.MEDICAL: Code("MED", _OWN),
        ApCensusReason.NO_SCHOOL_PLACE: Code("NSP", _OWN),
        ApCensusReason.SEN: Code("SEN", _OWN),
        ApCensusReason.OTHER: Code("OTH", _OWN),
    },
    CensusItem.SETTING_TYPE: {
        SettingType.REGISTERED_WITH_UKPRN: Code("REG", _OWN),
        SettingType.NON_MAINTAINED_FE: Code("NFE", _SUMMARY),
        SettingType.ONE_TO_ONE_TUITION: Code("OOT", _SUMMARY),
        SettingType.OTHER_UNREGISTERED: Code("OTH", _SUMMARY),
        SettingType.WORK_BASED_PLACEMENT: Code("WBP", _SUMMARY),
        SettingType.UNKNOWN: Code("UNK", _OWN),
    },
    CensusItem.ATTENDANCE_PATTERN: {
        AttendancePattern.FULL_TIME: Code("FT", _OWN),
        AttendancePattern.PART_TIME: Code("PT", _OWN),
    },
}


def census_code(item: CensusItem, value: str) -> str:
    """The code exported for this apdocs value of the item. An unknown value is an error, never a guess."""
    try:
        return CODE_TABLE[item][ITEM_VALUES[item](value)].code
    except (KeyError, ValueError) as error:
        raise ValueError(f"No {item.value} code for {value!r}") from error


def reason_item(arranged_by_school: bool) -> CensusItem:
    """Which reason list a placement's ``census_reason`` is from: the school census's for a placement a school
    arranged, the AP census's for one a local authority arranged."""
    return CensusItem.SCHOOL_CENSUS_REASON if arranged_by_school else CensusItem.AP_CENSUS_REASON


def reason_label(item: CensusItem, value: str | None) -> str | None:
    """The reason's words, or None when the value is missing or not one of this item's reasons."""
    enum = ITEM_VALUES[item]
    try:
        return enum(value).label if value else None  # type: ignore[attr-defined]
    except ValueError:
        return None


@dataclass(frozen=True)
class ProviderIdentity:
    """The one provider item the census wants; the other two are blank (None for the setting type)."""

    urn: str
    ukprn: str
    setting_type: SettingType | None


def provider_identity(urn: str | None, ukprn: str | None, setting_type: str | None = None) -> ProviderIdentity:
    """URN if there is one, else UKPRN, else the provider's setting type: the census takes exactly one of them.

    With no number and no type recorded the setting type is UNKNOWN, not OTHER_UNREGISTERED: apdocs does not know
    the provider is unregistered, and DfE's list has "unknown" for exactly this (the school records the type on the
    provider's page to replace it)."""
    urn, ukprn = (urn or "").strip(), (ukprn or "").strip()
    if urn:
        return ProviderIdentity(urn=urn, ukprn="", setting_type=None)
    if ukprn:
        return ProviderIdentity(urn="", ukprn=ukprn, setting_type=None)
    kind = SettingType(setting_type) if setting_type else SettingType.UNKNOWN
    return ProviderIdentity(urn="", ukprn="", setting_type=kind)


def attendance_pattern(hours_per_week: Decimal) -> AttendancePattern:
    """Full time when the timetable at the provider is a normal school week (30 hours, service.rules.full_time),
    else part time.

    Why the provider's hours alone: the census item describes the AP placement, not the pupil's whole package
    (the rest of which may be at school)."""
    if weekly_hours(hours_per_week) >= FULL_TIME_HOURS:
        return AttendancePattern.FULL_TIME
    return AttendancePattern.PART_TIME
