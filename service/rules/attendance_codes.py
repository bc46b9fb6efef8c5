"""Attendance codes, who may enter which, and the DfE's attendance percentage.

Why: the School Attendance (Pupil Registration) (England) Regulations 2024 (in force 19 August 2024) set
the codes a register uses and whether each session counts as possible, present, authorised or
unauthorised absence. The DfE counts attendance as the sessions attended (present, or attending approved
education elsewhere) out of the possible sessions; sessions that were not possible (``Q``, ``Y1``–``Y7``)
and administrative codes (``D``, ``X``, ``Z``, ``#``) are left out of both. Missing 10% or more of the
possible sessions (attendance of 90% or less, exactly 90% included) is *persistent absence*; missing 50% or
more (50% or less) is *severe absence*: DfE's definitions, decided on the exact fraction. DfE counts them per
school enrolment, so a placement's own figure is a local indicator, labelled so wherever it is shown.
``H``, ``J`` and ``Y`` were removed in 2024.

Who enters what (apdocs's rule): the provider records what it saw, and only that. It marks the pupil
present (``/`` in the morning, ``\\`` in the afternoon), late before the register closed (``L``), arrived
after it closed (``U``), or absent with no reason yet (``N``). It never enters ``#``, the school's own planned
whole-school closure, nor ``Y1``–``Y7``: whether a session was possible at all is the commissioner's decision,
because the commissioner keeps the pupil's register (the School Attendance (Pupil Registration) (England)
Regulations 2024). A day the provider was closed is reported as a closure instead (``service.attendance.closures``):
each pupil's session is marked ``N`` and stays a possible session until the commissioner codes it. Why a pupil
was absent is the commissioner's decision too: it replaces an ``N`` with an authorised code (``C``, ``C1``,
``C2``, ``M``, ``J1``, ``S``, ``T``, ``R``, ``I``, ``E``) or an unauthorised one (``O``, ``G``), or, for a session
lost to a provider's closure, a not-possible code (``Y1``–``Y7``) where the regulations' conditions are met; and
it may correct any mark with any code, except that ``#`` is a school's alone: a commissioner at a local authority
has no school to close.

The register code the *school* records for a pupil at off-site AP (``D``, ``K`` or ``B``) is a different question:
:func:`off_site_register_code` answers it for the provider information pack.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from service.rules.organisations import OrganisationKind

MEANINGS = {
    "B": "B — attending an approved educational activity arranged by the school (counts as present)",
    "K": "K — attending education provision arranged by the local authority (counts as present)",
    "D": (
        "D — dual registered, attending the other school where the pupil is registered (not counted in the home "
        "school's attendance: that school's register records it)"
    ),
}


def off_site_register_code(commissioned_by: OrganisationKind, dual_registered: bool) -> str:
    """The code the *home school's* register records for the pupil's sessions at off-site AP.

    The School Attendance (Pupil Registration) (England) Regulations 2024: a pupil who is also registered at the
    provider (dual registration, at a pupil referral unit or an AP academy) is ``D`` on the home school's register,
    whoever arranged the place, because the provider's own register records the session. Otherwise the code says
    who arranged it: ``K`` for provision the local authority arranged where the pupil is not registered, ``B`` for
    an approved educational activity the school arranged. ``B`` and ``K`` count as present; ``D`` is not counted.
    """
    if dual_registered:
        return "D"
    return "K" if commissioned_by is OrganisationKind.LOCAL_AUTHORITY else "B"


class Session(enum.StrEnum):
    AM = "am"
    PM = "pm"

    @property
    def label(self) -> str:
        return "Morning" if self is Session.AM else "Afternoon"

    @property
    def ends_at(self) -> time:
        """When the session is over, in UK local time: after this an unmarked session is chased."""
        return SESSION_ENDS[self]


#: The end of each session, UK local time. A placement session that starts before midday counts as a
#: morning session; one that ends after 12:30 counts as an afternoon session (a whole day counts as both).
SESSION_ENDS = {Session.AM: time(12, 30), Session.PM: time(16, 0)}
MIDDAY = time(12, 30)


def sessions_over(local_time: time) -> list[Session]:
    """The sessions of a day that are over at this UK local time, morning first: the ones to chase."""
    return [session for session in Session if local_time >= session.ends_at]


class CodeClass(enum.StrEnum):
    PRESENT = "present"
    APPROVED_EDUCATION = "approved_education"
    AUTHORISED_ABSENCE = "authorised_absence"
    UNAUTHORISED_ABSENCE = "unauthorised_absence"
    NOT_POSSIBLE = "not_possible"
    NOT_COUNTED = "not_counted"

    @property
    def label(self) -> str:
        return {
            "present": "Present",
            "approved_education": "Approved education elsewhere",
            "authorised_absence": "Authorised absence",
            "unauthorised_absence": "Unauthorised absence",
            "not_possible": "Not a possible session",
            "not_counted": "Not counted (administrative)",
        }[self.value]

    @property
    def counts_as_present(self) -> bool:
        return self in (CodeClass.PRESENT, CodeClass.APPROVED_EDUCATION)

    @property
    def is_possible(self) -> bool:
        return self not in (CodeClass.NOT_POSSIBLE, CodeClass.NOT_COUNTED)


@dataclass(frozen=True)
class AttendanceCode:
    code: str
    code_class: CodeClass
    label: str
    provider_may_enter: bool = False  # what the provider saw: present, late, arrived late, absent (N)
    session: Session | None = None  # the only session the code belongs to (``/`` am, ``\`` pm)
    school_only: bool = False  # the school's own closure (``#``): a local authority has no school to close

    @property
    def choice_label(self) -> str:
        return f"{self.code} — {self.label}"


def _codes() -> dict[str, AttendanceCode]:
    c = CodeClass
    rows = [
        AttendanceCode("/", c.PRESENT, "Present (morning)", True, Session.AM),
        AttendanceCode("\\", c.PRESENT, "Present (afternoon)", True, Session.PM),
        AttendanceCode("L", c.PRESENT, "Late, arrived before the register closed", True),
        AttendanceCode("K", c.APPROVED_EDUCATION, "Attending education provision arranged by the local authority"),
        AttendanceCode("B", c.APPROVED_EDUCATION, "Attending another approved educational activity"),
        AttendanceCode("V", c.APPROVED_EDUCATION, "Attending an educational visit or trip"),
        AttendanceCode("P", c.APPROVED_EDUCATION, "Participating in a sporting activity"),
        AttendanceCode("W", c.APPROVED_EDUCATION, "Attending work experience"),
        AttendanceCode("C", c.AUTHORISED_ABSENCE, "Leave of absence for exceptional circumstances"),
        AttendanceCode("C1", c.AUTHORISED_ABSENCE, "Leave of absence for a regulated performance or employment"),
        AttendanceCode("C2", c.AUTHORISED_ABSENCE, "Leave of absence for a temporary reduced timetable"),
        AttendanceCode("M", c.AUTHORISED_ABSENCE, "Medical or dental appointment"),
        AttendanceCode("J1", c.AUTHORISED_ABSENCE, "Interview for employment or further education"),
        AttendanceCode("S", c.AUTHORISED_ABSENCE, "Study leave"),
        AttendanceCode("T", c.AUTHORISED_ABSENCE, "Parent travelling for occupational purposes"),
        AttendanceCode("R", c.AUTHORISED_ABSENCE, "Religious observance"),
        AttendanceCode("I", c.AUTHORISED_ABSENCE, "Illness"),
        AttendanceCode("E", c.AUTHORISED_ABSENCE, "Suspended or permanently excluded, no alternative provision"),
        AttendanceCode("G", c.UNAUTHORISED_ABSENCE, "Holiday not granted by the school"),
        AttendanceCode("N", c.UNAUTHORISED_ABSENCE, "Absent, no reason given yet", True),
        AttendanceCode("O", c.UNAUTHORISED_ABSENCE, "Absent in other or unknown circumstances"),
        AttendanceCode("U", c.UNAUTHORISED_ABSENCE, "Arrived after the register closed", True),
        AttendanceCode("Q", c.NOT_POSSIBLE, "Unable to attend: the local authority's access arrangements not made"),
        AttendanceCode("Y1", c.NOT_POSSIBLE, "Unable to attend: transport not available"),
        AttendanceCode("Y2", c.NOT_POSSIBLE, "Unable to attend: widespread travel disruption"),
        AttendanceCode("Y3", c.NOT_POSSIBLE, "Unable to attend: part of the premises closed"),
        AttendanceCode("Y4", c.NOT_POSSIBLE, "Unable to attend: whole premises closed unexpectedly"),
        AttendanceCode("Y5", c.NOT_POSSIBLE, "Unable to attend: in criminal justice detention"),
        AttendanceCode("Y6", c.NOT_POSSIBLE, "Unable to attend: public health guidance or law"),
        AttendanceCode("Y7", c.NOT_POSSIBLE, "Unable to attend: other unavoidable cause"),
        AttendanceCode("D", c.NOT_COUNTED, "Dual registered, attending the other school"),
        AttendanceCode("X", c.NOT_COUNTED, "Not of compulsory school age, not required to attend"),
        AttendanceCode("Z", c.NOT_COUNTED, "Prospective pupil not on the admission register"),
        AttendanceCode("#", c.NOT_COUNTED, "Planned whole-school closure (the school's own)", school_only=True),
    ]
    return {row.code: row for row in rows}


CODES: dict[str, AttendanceCode] = _codes()

#: Codes removed by the 2024 regulations, and what replaced them.
REMOVED_CODES = {
    "H": "H (holiday) was removed in 2024: use C for exceptional leave, or G for a holiday not granted",
    "J": "J was removed in 2024: use J1 for an interview",
    "Y": "Y was removed in 2024: use Y1 to Y7 for the reason the pupil could not attend",
}


class Enterer(enum.StrEnum):
    """Who is entering a code: the rule of who may enter what is decided by this, not by the screen."""

    PROVIDER = "provider"  # provider staff: what they saw, nothing more
    SCHOOL = "school"  # a commissioner at a school: keeps the pupil's register, may enter any code
    LOCAL_AUTHORITY = "local_authority"  # a commissioner at an LA: any code but a school's own closure (#)


def may_enter(code: str, by: Enterer) -> bool:
    """Whether this person may record this code (a known one) on the grid or in a file."""
    row = CODES[code]
    if by is Enterer.PROVIDER:
        return row.provider_may_enter
    if by is Enterer.LOCAL_AUTHORITY:
        return not row.school_only
    return True


def codes_for(by: Enterer) -> tuple[str, ...]:
    """The codes this person may enter, in the table's order (for a cell's select)."""
    return tuple(code for code in CODES if may_enter(code, by))


#: What a provider may enter on the grid or in a CSV file: ``/``, ``\``, ``L``, ``U``, ``N``.
PROVIDER_CODES = codes_for(Enterer.PROVIDER)
#: What a commissioner may choose when deciding an unexplained absence (N).
AUTHORISED_DECISIONS = tuple(code for code, row in CODES.items() if row.code_class is CodeClass.AUTHORISED_ABSENCE)
UNAUTHORISED_DECISIONS = ("O", "G")
DECISION_CODES = AUTHORISED_DECISIONS + UNAUTHORISED_DECISIONS
#: For a session lost to a provider's closure the commissioner may also record that it was not possible (Y1 to
#: Y7), where the regulations' conditions for that code are met; otherwise an absence code keeps it possible.
NOT_POSSIBLE_DECISIONS = tuple(f"Y{n}" for n in range(1, 8))
CLOSURE_DECISION_CODES = DECISION_CODES + NOT_POSSIBLE_DECISIONS

UNEXPLAINED = "N"

#: The provider's page for a day it was closed (``attendance.new_closure``), named in the messages that send there.
REPORT_A_CLOSURE = "Report a closure"


def decision_codes(*, closure: bool) -> tuple[str, ...]:
    """The codes a commissioner may choose for an ``N``: a closure's session may also be not possible (Y1-Y7)."""
    return CLOSURE_DECISION_CODES if closure else DECISION_CODES


class CodeError(ValueError):
    """A code that cannot be recorded, with a message to show next to it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def code_class(code: str) -> CodeClass:
    """The class of a known code (``KeyError`` for anything else: parse user input with :func:`parse_code`)."""
    return CODES[code].code_class


def label(code: str) -> str:
    return CODES[code].label if code in CODES else code


def is_unexplained(code: str) -> bool:
    """Absent with no reason yet: the commissioner must decide it (within five school days)."""
    return code == UNEXPLAINED


def parse_code(text: str, session: Session | None = None, *, by: Enterer = Enterer.SCHOOL) -> str:
    """The register code typed or chosen, tolerant of case and surrounding spaces.

    ``/`` belongs to the morning and ``\\`` to the afternoon: a mismatch is refused rather than silently
    corrected, since it usually means the wrong cell. Only the codes ``by`` may enter (:func:`may_enter`) are
    accepted. Raises :class:`CodeError` with a message for the person who typed it, saying what to do instead.
    """
    cleaned = (text or "").strip().upper()
    if not cleaned:
        raise CodeError("Enter an attendance code")
    if cleaned in REMOVED_CODES:
        raise CodeError(REMOVED_CODES[cleaned])
    row = CODES.get(cleaned)
    if row is None:
        raise CodeError(f"{cleaned[:4]} is not an attendance code")
    if session is not None and row.session is not None and row.session is not session:
        if session is Session.AM:
            raise CodeError("\\ marks the afternoon: use / for present in the morning")
        raise CodeError("/ marks the morning: use \\ for present in the afternoon")
    if not may_enter(cleaned, by):
        raise CodeError(_refusal(row, by))
    return cleaned


def _refusal(row: AttendanceCode, by: Enterer) -> str:
    """Why this person may not enter this code, and what to do instead."""
    if by is Enterer.LOCAL_AUTHORITY:
        return (
            f"{row.code} is a school's own planned whole-school closure, and a local authority has no school to "
            "close: record why the pupil could not attend (for example Y1 to Y7) or an absence code"
        )
    if row.code == "#":
        return (
            "# is the school's own planned whole-school closure, not the provider's. If your provision was closed, "
            f"report it on the {REPORT_A_CLOSURE} page instead (linked from your placements): the commissioner codes "
            "the sessions"
        )
    if row.code in NOT_POSSIBLE_DECISIONS:
        return (
            f"{row.code} is the commissioner's decision (whether a session was possible). If your provision was "
            f"closed, report it on the {REPORT_A_CLOSURE} page instead (linked from your placements); otherwise "
            "mark N and tell the commissioner why"
        )
    return (
        f"{row.code} is set by the commissioner. A provider records present (/ or \\), L, U or N (absent, no reason "
        "yet)"
    )


ONE_DECIMAL = Decimal("0.1")


def attendance_percent(attended: int, possible: int) -> Decimal | None:
    """Attendance as a percentage to one decimal place, rounded half up; None with no possible session.

    The one rounding used everywhere a percentage is shown or written (the register, the summary, review records,
    the end-of-placement report), so that two documents never differ for the same marks. Only for display: the
    persistent and severe flags compare the exact fraction."""
    if not possible:
        return None
    return (Decimal(attended * 100) / Decimal(possible)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def is_persistent_absence(attended: int, possible: int) -> bool:
    """Missing 10% or more of possible sessions, i.e. attendance of 90% or less (exactly 90% included)."""
    return possible > 0 and attended * 10 <= possible * 9


def is_severe_absence(attended: int, possible: int) -> bool:
    """Missing 50% or more of possible sessions, i.e. attendance of 50% or less (exactly 50% included)."""
    return possible > 0 and attended * 2 <= possible


@dataclass(frozen=True)
class Summary:
    possible: int
    present: int
    authorised: int
    unauthorised: int
    percent: Decimal | None  # attendance, 1 dp half up (attendance_percent); None when no session was possible
    persistent: bool  # 90% or less of possible sessions attended (10% or more missed)
    severe: bool  # 50% or less of possible sessions attended (50% or more missed)
    by_class: dict[CodeClass, int] = field(default_factory=dict)


def attendance_summary(codes: Iterable[str]) -> Summary:
    """Attendance by the DfE's rule: present (including approved education) out of possible sessions.

    The flags compare the exact fraction, never the rounded percentage: 9 of 10 is exactly 90% and persistent
    absence; 90.04% shows as 90.0% but is not."""
    return attendance_summary_from_counts(Counter(codes))


def attendance_summary_from_counts(counts: Mapping[str, int]) -> Summary:
    """:func:`attendance_summary` of marks already counted by code (``{"/": 180, "N": 12}``): the same rule, the
    same rounding and the same exact-fraction flags.

    Why: the summary counts an organisation's marks in the database (``GROUP BY placement, code``), a few rows a
    placement instead of one a mark; expanding a million counts back into codes only to count them again would
    undo that. :func:`attendance_summary` counts its codes and comes here, so the rule is written once."""
    by_class = dict.fromkeys(CodeClass, 0)
    for code, count in counts.items():
        by_class[code_class(code)] += count
    present = by_class[CodeClass.PRESENT] + by_class[CodeClass.APPROVED_EDUCATION]
    authorised = by_class[CodeClass.AUTHORISED_ABSENCE]
    unauthorised = by_class[CodeClass.UNAUTHORISED_ABSENCE]
    possible = present + authorised + unauthorised
    return Summary(
        possible=possible,
        present=present,
        authorised=authorised,
        unauthorised=unauthorised,
        percent=attendance_percent(present, possible),
        persistent=is_persistent_absence(present, possible),
        severe=is_severe_absence(present, possible),
        by_class=by_class,
    )


@dataclass(frozen=True)
class WeekSummary:
    monday: date
    friday: date
    summary: Summary

    @property
    def iso_week(self) -> tuple[int, int]:
        iso = self.monday.isocalendar()
        return iso.year, iso.week


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_summaries(marks: Iterable[tuple[date, str]], start: date, end: date) -> list[WeekSummary]:
    """One summary per ISO week (Monday to Friday) from the week of ``start`` to the week of ``end``,
    counting only the marks between ``start`` and ``end`` inclusive: the chart's bars and table."""
    if end < start:
        return []
    by_week: dict[date, list[str]] = {}
    for on, code in marks:
        if start <= on <= end:
            by_week.setdefault(monday_of(on), []).append(code)
    weeks = []
    monday = monday_of(start)
    while monday <= end:
        weeks.append(WeekSummary(monday, monday + timedelta(days=4), attendance_summary(by_week.get(monday, []))))
        monday += timedelta(weeks=1)
    return weeks
