"""Whether a pupil's alternative provision package adds up to full-time education.

Why this module exists: the local authority and the school owe a pupil of compulsory school age a *full-time* education
(Education Act 1996 s19 for the LA; the school's duty for a pupil on its roll), and the pupil stays on the school's roll
for the whole placement. DfE's *Arranging alternative provision* (2025) and the Oxfordshire commissioning guidance
expect the whole package -- provider, school and any other setting added together -- to equal a normal school week,
which the service takes as 9:00 to 15:00 on each of five days, 30 hours. A package below that is lawful only for a
reason: a medical condition that makes full-time education inappropriate (the statutory guidance on education for
children with health needs), or a part-time AP placement with the pupil in school for the rest of the week. Ofsted and
CQC's 2024 review found part-time packages drifting with no recorded reason, so the plan cannot be agreed until a short
package says why.

Hours are ``Decimal``: timetables are in half and quarter hours, and binary floats would make 29.9 + 0.1
fall short of 30.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from service.rules.hours import weekly_hours

#: A normal school week: 9:00 to 15:00 on five days (DfE's Arranging alternative provision; the Oxfordshire
#: commissioning guidance).
FULL_TIME_HOURS = Decimal(30)

_WEEK = "30 hours, 9:00–15:00 each day"


class DeliveredBy(StrEnum):
    """Where an intervention happens: the full-time check adds up the hours in every setting. A rule, not a column
    of the plan alone: the package, the documents and the dashboard all ask which hours are the provider's."""

    PROVIDER = "provider"
    SCHOOL = "school"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"provider": "The alternative provider", "school": "The home school", "other": "Another setting"}[
            self.value
        ]


class PartTimeReason(StrEnum):
    """Why a package is below full time: the only two reasons the guidance accepts."""

    MEDICAL = "medical"
    SCHOOL_OTHER_DAYS = "school_other_days"

    @property
    def label(self) -> str:
        """Plain-English reason for forms and the plan."""
        return _REASON_LABELS[self]


_REASON_LABELS: dict[PartTimeReason, str] = {
    PartTimeReason.MEDICAL: "A medical condition makes full-time education inappropriate",
    PartTimeReason.SCHOOL_OTHER_DAYS: "Part-time AP: the pupil attends school for the rest of the week",
}

# What the detail must say for each reason, so that the plan records more than a ticked box.
_DETAIL_PROMPTS: dict[PartTimeReason, str] = {
    PartTimeReason.MEDICAL: "Add the medical advice it rests on (who gave it and when)",
    PartTimeReason.SCHOOL_OTHER_DAYS: "Add which days and times the pupil is in school",
}


@dataclass(frozen=True)
class PackageCheck:
    """The weekly total across all settings, how far short of full time it is, and whether that is acceptable."""

    total_hours: Decimal
    full_time: bool
    shortfall_hours: Decimal
    acceptable: bool
    message: str


def _format_hours(hours: Decimal) -> str:
    """Hours as a person writes them: ``21.0`` -> "21 hours", ``1`` -> "1 hour", ``29.50`` -> "29.5 hours".

    Why: the message is read by a SENCO and a parent, so no trailing zeros or exponent notation.
    """
    text = format(hours.normalize(), "f") if hours else "0"
    return f"{text} hour" if hours == 1 else f"{text} hours"


def _reason(reason: PartTimeReason | str | None) -> PartTimeReason | None:
    """The reason as an enum; a blank form value means no reason. An unknown string raises ValueError."""
    if reason is None or isinstance(reason, PartTimeReason):
        return reason
    if not reason.strip():
        return None
    return PartTimeReason(reason.strip())


def package_check(hours: Iterable[Decimal], reason: PartTimeReason | str | None, detail: str = "") -> PackageCheck:
    """Whether the package is full time and, if it is not, whether a reason has been recorded.

    ``hours`` are the weekly hours of every intervention in every setting (provider, school, other): the duty
    is to the pupil's whole week, not to one provider's share of it. ``reason`` and ``detail`` are ignored
    when the package is full time.

    Why a reason *and* detail: the guidance accepts a part-time package only when a medical condition makes
    full time inappropriate or the pupil is in school for the rest of the week. A bare tick box does not let
    a reviewer check either, so the plan must say what the medical advice is, or which days the pupil is in
    school.
    """
    total = sum((weekly_hours(h) for h in hours), Decimal(0))
    if total >= FULL_TIME_HOURS:
        return PackageCheck(
            total_hours=total,
            full_time=True,
            shortfall_hours=Decimal(0),
            acceptable=True,
            message=f"The package is {_format_hours(total)} a week across all settings, which is full time ({_WEEK}).",
        )
    shortfall = FULL_TIME_HOURS - total
    summary = (
        f"The package is {_format_hours(total)} a week across all settings, "
        f"{_format_hours(shortfall)} short of full time ({_WEEK})."
    )
    why = _reason(reason)
    if why is None:
        acceptable = False
        message = f"{summary} Record why it is below full time before the plan can be agreed."
    elif not detail.strip():
        acceptable = False
        message = f"{summary} Reason recorded: {why.label}. {_DETAIL_PROMPTS[why]} before the plan can be agreed."
    else:
        acceptable = True
        message = f"{summary} Reason recorded: {why.label}."
    return PackageCheck(
        total_hours=total, full_time=False, shortfall_hours=shortfall, acceptable=acceptable, message=message
    )
