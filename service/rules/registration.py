"""Whether a provider that is not a registered school has crossed the line at which it must register as one.

Why this module exists: an institution that is not a school becomes an *independent educational
institution* that must register with the DfE as an independent school once it provides full-time
education for five or more pupils of compulsory school age, or for one such pupil who is looked after or
has an EHC plan (Education and Skills Act 2008 s92, as amended by the Children and Families Act 2014).
Conducting one unregistered is a criminal offence (s96). DfE's guidance on registering independent schools
treats education for **more than 18 hours a week** in the daytime as full time, so exactly 18 hours is not
full time and 18.5 is.

The Children's Wellbeing and Schools Act 2026, s43, replaces s92: once it is in force, one full-time pupil
with any special educational needs (SEN support as well as an EHC plan) is enough, like a looked-after
pupil, and regulations define "full time" (for example by hours a week). It comes into force on the day
commencement regulations say, which is not known yet, so the day and the hours are the installation's
settings (``RegistrationRule``): before the commencement day, or with none set, the current law applies;
from that day, the new one, with "full time" meaning more than the configured hours.

A single commissioner sees only its own pupils, so a provider can cross the line through placements made
by several schools and LAs at once. Callers count every current placement the provider holds (when a plan
is being agreed, including that one). The result never names a pupil, because it spans commissioners who
must not see each other's pupils.

Only pupils of compulsory school age count: a young person past the school leaving date is not part of
the threshold. Hours recorded at a provider are taken to be daytime hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from service.rules.dates import uk_date
from service.rules.hours import weekly_hours

_AT_PROVIDER = "Hours at the provider"  # how an error names the hours

#: DfE: more than 18 hours a week counts as full-time education (strictly more: 18 itself does not).
FULL_TIME_AT_PROVIDER_HOURS = Decimal(18)

#: Education and Skills Act 2008 s92: five or more full-time pupils of compulsory school age.
REGISTRATION_PUPILS = 5

#: Hours in a week: a threshold above this could never be crossed, so it can only be a mistake.
_HOURS_IN_A_WEEK = Decimal(168)


@dataclass(frozen=True)
class PlacedPupil:
    """One current placement at the provider, reduced to the facts the threshold turns on (no identity).

    ``has_sen`` is any special educational needs: SEN support or an EHC plan (a pupil with an EHC plan has
    SEN, whichever way a caller records it).
    """

    hours_at_provider: Decimal
    compulsory_school_age: bool
    looked_after: bool
    has_ehcp: bool
    has_sen: bool

    @property
    def full_time(self) -> bool:
        """Full time under the law in force before s43 commences (more than 18 hours a week)."""
        return RegistrationRule().full_time(self, date.min)

    @property
    def vulnerable(self) -> bool:
        """Counts alone under the law in force before s43 commences (looked after or with an EHCP)."""
        return RegistrationRule().counts_alone(self, date.min)


@dataclass(frozen=True)
class RegistrationRule:
    """Which law applies on a given day: the installation's commencement date for the Children's Wellbeing and
    Schools Act 2026 s43 (None until regulations set one) and the full-time hours from that day.

    Why a setting and not a constant: the commencement day and the hours are fixed by regulations not yet
    made; an installation sets them when they are, without a new release.
    """

    commencement: date | None = None
    full_time_hours: Decimal = FULL_TIME_AT_PROVIDER_HOURS

    def __post_init__(self) -> None:
        hours = weekly_hours(self.full_time_hours, "The full-time hours threshold")
        if not 0 < hours <= _HOURS_IN_A_WEEK:
            raise ValueError(f"The full-time hours threshold must be more than 0 and at most 168, not {hours}.")

    def s43_in_force(self, on: date) -> bool:
        """Whether the Children's Wellbeing and Schools Act 2026 s43 applies on ``on`` (from its first day)."""
        return self.commencement is not None and on >= self.commencement

    def full_time_threshold(self, on: date) -> Decimal:
        """Education for more than this many hours a week is full time: 18 (DfE) until s43, then the setting."""
        return self.full_time_hours if self.s43_in_force(on) else FULL_TIME_AT_PROVIDER_HOURS

    def full_time(self, pupil: PlacedPupil, on: date) -> bool:
        """Of compulsory school age and at the provider for more than the threshold (exactly it is part time)."""
        hours = weekly_hours(pupil.hours_at_provider, _AT_PROVIDER)
        return pupil.compulsory_school_age and hours > self.full_time_threshold(on)

    def counts_alone(self, pupil: PlacedPupil, on: date) -> bool:
        """Whether one such full-time pupil is enough: looked after or with an EHCP (s92); from s43, also any
        pupil with special educational needs."""
        if pupil.looked_after or pupil.has_ehcp:
            return True
        return pupil.has_sen and self.s43_in_force(on)


@dataclass(frozen=True)
class RegistrationRisk:
    """Whether the provider would have to register, with counts and messages that name no pupil.

    ``message`` is for the commissioner agreeing a placement ("With this placement, …"); ``summary`` is for a
    list of providers (a dashboard), where no placement is being agreed.
    """

    at_risk: bool
    full_time_pupils: int
    vulnerable_full_time_pupils: int
    message: str
    summary: str = ""


def _pupils(n: int) -> str:
    return "1 pupil" if n == 1 else f"{n} pupils"


def _hours(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


@dataclass(frozen=True)
class _Words:
    """How the messages name full time and the pupils who count alone, under the law in force on the day."""

    full_time: str  # "of compulsory school age full time (more than 18 hours a week)"
    with_needs: str  # "looked after or with an EHCP"
    is_one: str  # "who is looked after or has an EHCP"
    are_all: str  # "who are all looked after or have an EHCP"
    since: str  # "" or " (the Children's Wellbeing and Schools Act 2026 s43, in force since …)"


def _words(rule: RegistrationRule, on: date) -> _Words:
    full_time = f"of compulsory school age full time (more than {_hours(rule.full_time_threshold(on))} hours a week)"
    if rule.s43_in_force(on):
        assert rule.commencement is not None
        needs = "special educational needs"
        since = f" (the Children's Wellbeing and Schools Act 2026 s43, in force since {uk_date(rule.commencement)})"
    else:
        needs, since = "an EHCP", ""
    return _Words(
        full_time=full_time,
        with_needs=f"looked after or with {needs}",
        is_one=f"who is looked after or has {needs}",
        are_all=f"who are all looked after or have {needs}",
        since=since,
    )


def registration_risk(
    provider_registered: bool, placements: Sequence[PlacedPupil], rule: RegistrationRule, on: date
) -> RegistrationRisk:
    """Whether the provider's current placements require it to register, under the law in force on ``on``.

    Why: Education and Skills Act 2008 s92 and s96, or from its commencement the Children's Wellbeing and
    Schools Act 2026 s43 (see the module docstring). A provider already registered with the DfE (it has a URN
    as an independent or other school) is a school, so the threshold does not apply to it; the counts are
    still returned.
    """
    for pupil in placements:  # validate every row, not only those that pass the age filter
        weekly_hours(pupil.hours_at_provider, _AT_PROVIDER)
    full_time = [p for p in placements if rule.full_time(p, on)]
    count = len(full_time)
    vulnerable = sum(1 for p in full_time if rule.counts_alone(p, on))
    words = _words(rule, on)

    if provider_registered:
        return RegistrationRisk(
            at_risk=False,
            full_time_pupils=count,
            vulnerable_full_time_pupils=vulnerable,
            message="The provider is registered with the DfE, so the independent-school threshold does not apply.",
            summary="Registered with the DfE: the independent-school threshold does not apply.",
        )

    at_risk = count >= REGISTRATION_PUPILS or vulnerable >= 1
    if not at_risk:
        if count == 0:
            pupils = f"no pupils {words.full_time}"
            message = f"With this placement, the provider would educate {pupils}, so it does not need to register "
            message += "as an independent school."
        else:
            none = f"not {words.with_needs}" if count == 1 else f"none {words.with_needs}"
            pupils = f"{_pupils(count)} {words.full_time}, {none}"
            message = (
                f"With this placement, the provider would educate {pupils}: fewer than the {REGISTRATION_PUPILS} "
                "that would require it to register as an independent school."
            )
        summary = f"Educates {pupils}, counting every commissioner's placements: it need not register as a school."
        return RegistrationRisk(False, count, vulnerable, message, summary)

    if vulnerable == count:
        pupils = f"{_pupils(count)} {words.full_time} {words.is_one if count == 1 else words.are_all}"
    elif vulnerable:
        pupils = f"{_pupils(count)} {words.full_time}, {vulnerable} of them {words.with_needs}"
    else:
        pupils = f"{_pupils(count)} {words.full_time}"
    rule_text = (
        "A provider that educates even one such pupil full time"
        if count < REGISTRATION_PUPILS
        else "A provider that does this"
    )
    message = (
        f"With this placement, the provider (not registered with the DfE) would educate {pupils}. {rule_text} must "
        f"register as an independent school{words.since}; operating unregistered is an offence. Raise this with the "
        "provider and the local authority before agreeing the placement."
    )
    summary = (
        f"Not registered with the DfE, and educating {pupils}, counting every commissioner's placements: it must "
        f"register as an independent school{words.since}."
    )
    return RegistrationRisk(True, count, vulnerable, message, summary)
