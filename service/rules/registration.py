"""Whether agreeing a placement would take an unregistered provider over the independent-school threshold.

Why this module exists: an institution that is not a school becomes an *independent educational
institution* that must register with the DfE as an independent school once it provides full-time
education for five or more pupils of compulsory school age, or for one such pupil who is looked after or
has an EHC plan (Education and Skills Act 2008 s92, as amended by the Children and Families Act 2014).
Conducting one unregistered is a criminal offence (s96). DfE's guidance on registering independent schools
treats education for **more than 18 hours a week** in the daytime as full time, so exactly 18 hours is not
full time and 18.5 is.

A single commissioner sees only its own pupils, so a provider can cross the line through placements made
by several schools and LAs at once. The service counts every current placement the provider holds,
including the one being agreed, and warns before the placement is agreed. The count never names a pupil,
because it spans commissioners who must not see each other's pupils.

Only pupils of compulsory school age count: a young person past the school leaving date is not part of
the threshold. Hours recorded at a provider are taken to be daytime hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from service.rules.hours import weekly_hours

_AT_PROVIDER = "Hours at the provider"  # how an error names the hours

#: DfE: more than 18 hours a week counts as full-time education (strictly more: 18 itself does not).
FULL_TIME_AT_PROVIDER_HOURS = Decimal(18)

#: Education and Skills Act 2008 s92: five or more full-time pupils of compulsory school age.
REGISTRATION_PUPILS = 5


@dataclass(frozen=True)
class PlacedPupil:
    """One current placement at the provider, reduced to the facts the threshold turns on (no identity)."""

    hours_at_provider: Decimal
    compulsory_school_age: bool
    looked_after: bool
    has_ehcp: bool

    @property
    def full_time(self) -> bool:
        """Of compulsory school age and at the provider for more than 18 hours a week."""
        return (
            self.compulsory_school_age
            and weekly_hours(self.hours_at_provider, _AT_PROVIDER) > FULL_TIME_AT_PROVIDER_HOURS
        )

    @property
    def vulnerable(self) -> bool:
        """Looked after or with an EHCP: one such full-time pupil is enough to require registration."""
        return self.looked_after or self.has_ehcp


@dataclass(frozen=True)
class RegistrationRisk:
    """Whether the provider would have to register, with counts and a message that name no pupil."""

    at_risk: bool
    full_time_pupils: int
    vulnerable_full_time_pupils: int
    message: str


def _pupils(n: int) -> str:
    return "1 pupil" if n == 1 else f"{n} pupils"


_FULL_TIME = "of compulsory school age full time (more than 18 hours a week)"


def registration_risk(provider_registered: bool, placements: Sequence[PlacedPupil]) -> RegistrationRisk:
    """Whether the provider's current placements, including the one being agreed, require it to register.

    Why: Education and Skills Act 2008 s92 and s96 (see the module docstring). A provider already registered
    with the DfE (it has a URN as an independent or other school) is a school, so the threshold does not
    apply to it; the counts are still returned.
    """
    for pupil in placements:  # validate every row, not only those that pass the age filter
        weekly_hours(pupil.hours_at_provider, _AT_PROVIDER)
    full_time = [p for p in placements if p.full_time]
    count = len(full_time)
    vulnerable = sum(1 for p in full_time if p.vulnerable)

    if provider_registered:
        return RegistrationRisk(
            at_risk=False,
            full_time_pupils=count,
            vulnerable_full_time_pupils=vulnerable,
            message="The provider is registered with the DfE, so the independent-school threshold does not apply.",
        )

    at_risk = count >= REGISTRATION_PUPILS or vulnerable >= 1
    if not at_risk:
        if count == 0:
            message = (
                f"With this placement, the provider would educate no pupils {_FULL_TIME}, so it does not need to "
                "register as an independent school."
            )
        else:
            none = "not looked after or with an EHCP" if count == 1 else "none looked after or with an EHCP"
            message = (
                f"With this placement, the provider would educate {_pupils(count)} {_FULL_TIME}, {none}: fewer "
                f"than the {REGISTRATION_PUPILS} that would require it to register as an independent school."
            )
        return RegistrationRisk(False, count, vulnerable, message)

    if vulnerable == count:
        who = "who is looked after or has an EHCP" if count == 1 else "who are all looked after or have an EHCP"
        pupils = f"{_pupils(count)} {_FULL_TIME} {who}"
    elif vulnerable:
        pupils = f"{_pupils(count)} {_FULL_TIME}, {vulnerable} of them looked after or with an EHCP"
    else:
        pupils = f"{_pupils(count)} {_FULL_TIME}"
    rule = (
        "A provider that educates even one such pupil full time"
        if count < REGISTRATION_PUPILS
        else "A provider that does this"
    )
    message = (
        f"With this placement, the provider (not registered with the DfE) would educate {pupils}. {rule} must "
        "register as an independent school; operating unregistered is an offence. Raise this with the provider "
        "and the local authority before agreeing the placement."
    )
    return RegistrationRisk(True, count, vulnerable, message)
