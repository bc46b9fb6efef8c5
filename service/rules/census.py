"""The school census alternative provision (AP) placement items, as codes a school's MIS can take.

Why this module exists: a school that arranges AP returns, for each placement in the census period, who the
provider is (its URN, else its UKPRN, else the type of setting), the primary reason for the placement, the
entry and leaving dates and the attendance pattern (the DfE school census guide's AP module). apdocs already
holds every one of them, so exporting them saves a school re-typing them into the census.

The provider rule (DfE's census guidance, as summarised in the sources listed in docs/census-export.md):
record *one* of URN, UKPRN or setting type. A URN (Get Information About Schools) wins; a UKPRN is recorded
only when there is no URN; the setting type only when there is neither. The setting type codes are NFE
(non-maintained further education), OOT (one-to-one tuition), OTH (other unregistered provider) and WBP
(work-based placement). The provider's record holds its type of setting; a provider with neither number
and no type recorded is exported as OTH, for the school to change where another type fits.

The placement reason: apdocs records where the child stands (``Circumstance``), which is the first thing the
decision turns on, not the finer reason the census asks for. The mapping below is apdocs's own, written
without the current year's code list to hand (it could not be confirmed against DfE's published list when
this was written): **check every code against the current year's school census guide before submitting**,
and change this table, which is the only place the codes live, when DfE's list differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from service.rules.decision import Circumstance
from service.rules.full_time import FULL_TIME_HOURS
from service.rules.hours import weekly_hours


class SettingType(StrEnum):
    """The census 'AP setting type', recorded only for a provider with no URN and no UKPRN."""

    NON_MAINTAINED_FE = "NFE"
    ONE_TO_ONE_TUITION = "OOT"
    OTHER_UNREGISTERED = "OTH"
    WORK_BASED_PLACEMENT = "WBP"

    @property
    def label(self) -> str:
        return {
            "NFE": "Non-maintained further education",
            "OOT": "One-to-one tuition",
            "OTH": "Other unregistered provider",
            "WBP": "Work-based placement",
        }[self.value]


#: apdocs's circumstance -> the census primary reason for placement. To check each year (module docstring).
PLACEMENT_REASON_CODES: dict[Circumstance, str] = {
    Circumstance.PERMANENTLY_EXCLUDED: "PEX",
    Circumstance.MEDICAL: "MED",
    # apdocs does not record why a school arranged AP for a pupil on its roll (behaviour, an off-site
    # direction, a suspension...), nor why a child has no school place: both go as "other" for the school to
    # refine in its MIS.
    Circumstance.ON_ROLL: "OTH",
    Circumstance.NO_SCHOOL_PLACE: "OTH",
}

#: The census attendance pattern: full time (FT) or part time (PT) at the AP setting.
FULL_TIME, PART_TIME = "FT", "PT"


@dataclass(frozen=True)
class ProviderIdentity:
    """The one provider item the census wants; the other two are blank."""

    urn: str
    ukprn: str
    setting_type: str


def placement_reason_code(circumstance: Circumstance | str) -> str:
    """The census primary reason code for a placement made in this circumstance (see the module docstring)."""
    return PLACEMENT_REASON_CODES[Circumstance(circumstance)]


def provider_identity(urn: str | None, ukprn: str | None, setting_type: str | None = None) -> ProviderIdentity:
    """URN if there is one, else UKPRN, else the provider's setting type (OTH when none is recorded): the
    census takes exactly one of them."""
    urn, ukprn = (urn or "").strip(), (ukprn or "").strip()
    if urn:
        return ProviderIdentity(urn=urn, ukprn="", setting_type="")
    if ukprn:
        return ProviderIdentity(urn="", ukprn=ukprn, setting_type="")
    kind = SettingType(setting_type) if setting_type else SettingType.OTHER_UNREGISTERED
    return ProviderIdentity(urn="", ukprn="", setting_type=kind.value)


def attendance_pattern(hours_per_week: Decimal) -> str:
    """FT when the timetable at the provider is a normal school week (30 hours, service.rules.full_time), else PT.

    Why the provider's hours alone: the census item describes the AP placement, not the pupil's whole package
    (the rest of which may be at school)."""
    return FULL_TIME if weekly_hours(hours_per_week) >= FULL_TIME_HOURS else PART_TIME


class SchoolCensusReason(StrEnum):
    """DfE's six reasons for a placement a *school* arranged (school census AP module), as the commissioner
    records them on the placement. The codes exported for each are in the census table below."""

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
    census)."""

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
