"""Whether a pupil's alternative provision package adds up to full-time education.

Why this module exists: the local authority and the school owe a pupil of compulsory school age a *full-time* education
(Education Act 1996 s19 for the LA; the school's duty for a pupil on its roll), and the pupil stays on the school's roll
for the whole placement. DfE's *Arranging alternative provision* (2025) and the Oxfordshire commissioning guidance
expect the whole package -- provider, school and any other setting added together -- to equal a normal school week,
which the service takes as 9:00 to 15:00 on each of five days, 30 hours. A package below that is lawful only for a
reason: a medical condition that makes full-time education inappropriate (the statutory guidance on education for
children with health needs), a part-time AP placement with the pupil in school for the rest of the week, or an
intensive or one-to-one package judged equivalent to full time, the parents consulted about supervision for the rest
of the day. Ofsted and CQC's 2024 review found part-time packages drifting with no recorded reason, so the plan cannot
be agreed until a short package says why.

Full time is judged per day (``day_check``): the sessions of the week in every setting together must cover the
normal school day on every school day; ``package_check`` (the weekly total of the interventions) stays for the
interventions step's prompt. ``hours_check`` holds the plan's interventions to the placement's timetable.

Hours are ``Decimal``: timetables are in half and quarter hours, and binary floats would make 29.9 + 0.1
fall short of 30.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
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
    """Why a package is below full time: the only three reasons the guidance accepts (DfE, Arranging alternative
    provision (2025), and the statutory guidance on full-time education)."""

    MEDICAL = "medical"
    SCHOOL_OTHER_DAYS = "school_other_days"
    INTENSIVE = "intensive"

    @property
    def label(self) -> str:
        """Plain-English reason for forms and the plan."""
        return _REASON_LABELS[self]


_REASON_LABELS: dict[PartTimeReason, str] = {
    PartTimeReason.MEDICAL: "A medical condition makes full-time education inappropriate",
    PartTimeReason.SCHOOL_OTHER_DAYS: "Part-time AP: the pupil attends school for the rest of the week",
    PartTimeReason.INTENSIVE: "An intensive or one-to-one package judged equivalent to full time",
}

# What the detail must say for each reason, so that the plan records more than a ticked box.
_DETAIL_PROMPTS: dict[PartTimeReason, str] = {
    PartTimeReason.MEDICAL: "Add the medical advice it rests on (who gave it and when)",
    PartTimeReason.SCHOOL_OTHER_DAYS: "Add which days and times the pupil is in school",
    PartTimeReason.INTENSIVE: "Add why the package is judged equivalent to full time",
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


# -- full time, day by day ---------------------------------------------------------------------------------------

#: The normal school day when the organisation has not set its own (DfE, Arranging alternative provision: a
#: full-time package covers the same hours as the pupil's school day).
SCHOOL_DAY_STARTS = time(9, 0)
SCHOOL_DAY_ENDS = time(15, 0)

#: The school days, Monday (0) to Friday (4), as ``date.weekday()`` numbers them.
SCHOOL_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_name(weekday: int) -> str:
    """``0`` -> "Monday": the name people read."""
    return _DAY_NAMES[weekday]


@dataclass(frozen=True)
class TimetableSession:
    """One weekly session of the pupil's week, in any setting: a day (0 = Monday), its times and where."""

    weekday: int
    starts_at: time
    ends_at: time
    setting: DeliveredBy = DeliveredBy.PROVIDER

    @property
    def minutes(self) -> int:
        return _minutes(self.ends_at) - _minutes(self.starts_at)


@dataclass(frozen=True)
class Gap:
    """Part of a school day no session in any setting covers."""

    weekday: int
    starts_at: time
    ends_at: time

    @property
    def label(self) -> str:
        """ "Friday 12:00–15:00": how the check page and the plan name it."""
        return f"{day_name(self.weekday)} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


@dataclass(frozen=True)
class ParentsConsulted:
    """The record the intensive-package reason needs: when the parents were consulted about supervising the pupil
    for the rest of the day, and who took part (for example "Pat Smith (mother), by the SENCO")."""

    on: date | None
    with_whom: str

    @property
    def recorded(self) -> bool:
        return self.on is not None and bool(self.with_whom.strip())


@dataclass(frozen=True)
class DayCheck:
    """Whether the week's sessions, in every setting together, cover the normal school day on every school day;
    the parts they miss; and whether a recorded reason makes a shorter week acceptable."""

    full_time: bool
    gaps: tuple[Gap, ...]
    acceptable: bool
    message: str


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def day_gaps(
    sessions: Iterable[TimetableSession],
    day_starts: time = SCHOOL_DAY_STARTS,
    day_ends: time = SCHOOL_DAY_ENDS,
) -> tuple[Gap, ...]:
    """The parts of each school day (Monday to Friday, ``day_starts`` to ``day_ends``) that no session covers.

    Why the union of every setting: the duty is to the pupil's whole day, so a morning at the provider and an
    afternoon in school make a full day; two sessions meeting at 12:00 leave no gap, and overlapping sessions
    count once. A session outside the school day covers nothing the rule asks about. Minutes are exact: 9:00 to
    14:59 leaves Monday 14:59–15:00.
    """
    if _minutes(day_ends) <= _minutes(day_starts):
        raise ValueError("The school day must end after it starts.")
    by_day: dict[int, list[tuple[int, int]]] = {day: [] for day in SCHOOL_DAYS}
    for session in sessions:
        start, end = _minutes(session.starts_at), _minutes(session.ends_at)
        if end <= start:
            raise ValueError(f"A session on {day_name(session.weekday)} ends before it starts.")
        if session.weekday in by_day:
            by_day[session.weekday].append((start, end))
    gaps: list[Gap] = []
    first, last = _minutes(day_starts), _minutes(day_ends)
    for day in SCHOOL_DAYS:
        covered_to = first
        for start, end in sorted(by_day[day]):
            if start > covered_to and covered_to < last:
                gaps.append(Gap(day, _time(covered_to), _time(min(start, last))))
            covered_to = max(covered_to, end)
        if covered_to < last:
            gaps.append(Gap(day, _time(covered_to), _time(last)))
    return tuple(gaps)


def day_check(
    sessions: Iterable[TimetableSession],
    reason: PartTimeReason | str | None,
    detail: str = "",
    parents_consulted: ParentsConsulted | None = None,
    day_starts: time = SCHOOL_DAY_STARTS,
    day_ends: time = SCHOOL_DAY_ENDS,
) -> DayCheck:
    """Whether the package is full time, judged day by day, and if not whether an accepted reason is recorded.

    Why per day and not only per week: 30 hours crammed into four long days, or a Friday that ends at noon, is not
    a full-time education; DfE's Arranging alternative provision (2025) and the Oxfordshire commissioning guidance
    expect the package to cover the normal school day (9:00 to 15:00 unless the organisation sets its own) on
    every school day, across the provider, the home school and any other setting.

    A shorter day is lawful only for one of three reasons, each with its detail: a medical condition (the medical
    advice), part-time AP with the pupil in school for the rest of the week (which days and times), or an
    intensive or one-to-one package judged equivalent to full time (why), for which the parents must also have
    been consulted about supervising the pupil for the rest of the day (the statutory guidance on full-time
    education): a record of when, and with whom. The message names every day and time not covered.
    """
    gaps = day_gaps(sessions, day_starts, day_ends)
    day = f"{day_starts:%H:%M}–{day_ends:%H:%M}"
    if not gaps:
        return DayCheck(
            full_time=True,
            gaps=(),
            acceptable=True,
            message=f"Every school day, Monday to Friday, is covered {day} across all settings: full time.",
        )
    summary = f"Not covered {day} every school day: {', '.join(g.label for g in gaps)}."
    why = _reason(reason)
    if why is None:
        return DayCheck(False, gaps, False, f"{summary} Record why the package is below full time.")
    if not detail.strip():
        return DayCheck(False, gaps, False, f"{summary} Reason recorded: {why.label}. {_DETAIL_PROMPTS[why]}.")
    if why is PartTimeReason.INTENSIVE and not (parents_consulted and parents_consulted.recorded):
        return DayCheck(
            False,
            gaps,
            False,
            f"{summary} Reason recorded: {why.label}. Record when the parents were consulted about supervision "
            "for the rest of the day, and with whom.",
        )
    return DayCheck(False, gaps, True, f"{summary} Reason recorded: {why.label}.")


# -- the interventions against the timetable ---------------------------------------------------------------------


@dataclass(frozen=True)
class SettingHours:
    """One setting's weekly hours on the timetable and in the plan's interventions."""

    setting: DeliveredBy
    timetable_hours: Decimal
    intervention_hours: Decimal

    @property
    def matches(self) -> bool:
        return self.timetable_hours == self.intervention_hours


@dataclass(frozen=True)
class HoursCheck:
    """Whether the plan's intervention hours add up to the placement's timetable in every setting."""

    settings: tuple[SettingHours, ...]
    matches: bool
    acceptable: bool
    message: str


def hours_check(
    sessions: Iterable[TimetableSession],
    interventions: Iterable[tuple[DeliveredBy, Decimal]],
    reason: str = "",
) -> HoursCheck:
    """Whether the interventions' hours in each setting equal the timetable's hours there, or a reason says why.

    Why: the plan's interventions are what the pupil is promised and the timetable is when it happens (and what
    the provider's register is marked against). If the provider's interventions add up to 20 hours but its
    sessions to 25, one of them is wrong, or five hours a week have no content; the commissioning guidance asks
    the plan to set out the whole package, so the two must agree, or the plan says why they differ. The timetable's
    hours are rounded to a tenth of an hour, as interventions are entered.
    """
    minutes: dict[DeliveredBy, int] = {setting: 0 for setting in DeliveredBy}
    for session in sessions:
        minutes[session.setting] += session.minutes
    planned: dict[DeliveredBy, Decimal] = {setting: Decimal(0) for setting in DeliveredBy}
    for setting, hours in interventions:
        planned[setting] += weekly_hours(hours)
    rows = tuple(
        SettingHours(
            setting,
            (Decimal(minutes[setting]) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            planned[setting],
        )
        for setting in DeliveredBy
        if minutes[setting] or planned[setting]
    )
    differ = [row for row in rows if not row.matches]
    if not differ:
        return HoursCheck(rows, True, True, "The interventions' hours add up to the timetable in every setting.")
    summary = "The interventions' hours differ from the timetable: " + "; ".join(
        f"{row.setting.label.lower().removeprefix('the ')}: interventions {_format_hours(row.intervention_hours)}, "
        f"timetable {_format_hours(row.timetable_hours)} a week"
        for row in differ
    )
    if reason.strip():
        return HoursCheck(rows, False, True, f"{summary}. Reason recorded.")
    return HoursCheck(rows, False, False, f"{summary}. Correct one of them, or record why they differ.")
