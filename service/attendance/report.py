"""The weekly attendance report: one CSV row per placement of the commissioner's organisation that ran that week.

Apart from the register because it reads every visible placement at once and exports it (audited), where
the register reads one placement.

Besides the week's figures, each row carries what an LA follows up for non-engagement:

* ``unexplained_overdue``: the placement's ``N`` marks still undecided more than five school days after the session
  (the School Attendance (Pupil Registration) (England) Regulations 2024; DfE, *Working together to improve school
  attendance*; :mod:`service.rules.unexplained`), for sessions up to the week's Friday, counted **on the day the
  report is made** (today). Why today and not the week's Friday: the register keeps only each session's current
  code, so "still ``N`` on that Friday" cannot be known for an absence decided since; and what the LA must chase is
  what is late now. A report for the current week therefore counts the earlier weeks' late ``N`` too.
* ``action_taken``: the commissioner's decisions on the week's absences (the code that replaced the ``N``, its
  meaning, the session and the decision note), oldest first, joined with "; ".

Every figure comes from a fixed number of queries whatever the number of placements (tests/attendance), with the
dates filtered in SQL; the rows hold plain values, so writing the CSV after the audit record's commit reads
nothing again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.attendance.models import AttendanceMark
from service.attendance.services import RECORDING_STATUSES, first_day, last_day
from service.audit import services as audit
from service.auth.models import User
from service.extensions import db
from service.formatting import spreadsheet_cell
from service.placements.models import Placement
from service.placements.services import visible_placements
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import CodeClass, Session, Summary
from service.rules.dates import UK
from service.rules.unexplained import overdue_cutoff
from service.term_dates.services import term_dates


@dataclass(frozen=True)
class Decision:
    """The commissioner's decision on one absence of the week, as the report says it."""

    on: date
    session: Session
    code: str
    note: str

    @property
    def text(self) -> str:
        """E.g. "Mon 2 Mar am: O unauthorised (absent in other or unknown circumstances) — phoned parent, no
        answer": what was decided, for which session, and what the commissioner wrote."""
        meaning = _meaning(self.code)
        note = f" — {self.note}" if self.note else ""
        return f"{self.on:%a} {self.on.day} {self.on:%b} {self.session.value}: {self.code} {meaning}{note}"


def _meaning(code: str) -> str:
    """What the code means: "unauthorised (absent in other or unknown circumstances)" for an absence, the code's
    own label for anything else the commissioner put in place of the ``N`` ("present (morning)")."""
    found = rules.CODES.get(code)
    if found is None:
        return ""
    label = found.label[:1].lower() + found.label[1:]
    kind = {CodeClass.AUTHORISED_ABSENCE: "authorised", CodeClass.UNAUTHORISED_ABSENCE: "unauthorised"}
    if found.code_class in kind:
        return f"{kind[found.code_class]} ({label})"
    return label


@dataclass(frozen=True)
class ReportRow:
    """One placement's row, as plain values."""

    placement_id: int
    pupil: str
    provider: str
    summary: Summary
    unexplained_overdue: int = 0
    decisions: tuple[Decision, ...] = field(default=())

    @property
    def reference(self) -> str:
        return f"AP-{self.placement_id}"

    @property
    def flags(self) -> str:
        if self.summary.severe:
            return "Attendance 50% or less at this placement"
        if self.summary.persistent:
            return "Attendance 90% or less at this placement"
        return ""

    @property
    def action_taken(self) -> str:
        return "; ".join(decision.text for decision in self.decisions)


REPORT_COLUMNS = (
    "reference",
    "pupil",
    "provider",
    "sessions_possible",
    "present",
    "authorised_absence",
    "unauthorised_absence",
    "attendance_percent",
    "flags",
    "unexplained_overdue",
    "action_taken",
)

_SESSION_ORDER = {Session.AM: 0, Session.PM: 1}


def weekly_report(user: User, monday: date, today: date | None = None) -> list[ReportRow]:
    """One row per placement of the commissioner's organisation that ran during the week (Monday to Friday).

    ``today`` (default: today by the UK clock, as To do today) is the day the late ``N`` marks are counted on; the
    cut-off is worked out once from the organisation's term dates.
    """
    today = today or datetime.now(UK).date()
    friday = monday + timedelta(days=4)
    placements = [
        p
        for p in db.session.scalars(
            visible_placements(user)
            .where(Placement.status.in_(RECORDING_STATUSES))
            .options(selectinload(Placement.pupil), selectinload(Placement.provider))
            .order_by(Placement.id)
        )
        if first_day(p) <= friday and (last_day(p) is None or last_day(p) >= monday)  # type: ignore[operator]
    ]
    ids = [p.id for p in placements]
    codes: dict[int, list[str]] = {}
    decisions: dict[int, list[Decision]] = {}
    overdue: dict[int, int] = {}
    if placements:
        for placement_id, on, session, code, decided_by, note in db.session.execute(
            sa.select(
                AttendanceMark.placement_id,
                AttendanceMark.on,
                AttendanceMark.session,
                AttendanceMark.code,
                AttendanceMark.authorised_by_id,
                AttendanceMark.note,
            ).where(AttendanceMark.placement_id.in_(ids), AttendanceMark.on.between(monday, friday))
        ):
            codes.setdefault(placement_id, []).append(code)
            # authorised_by is set only when the commissioner replaced an N (services.decide_absence, or a
            # correction on the grid), and cleared if the provider changes the mark again.
            if decided_by is not None and not rules.is_unexplained(code):
                decisions.setdefault(placement_id, []).append(
                    Decision(on, session, code, " ".join((note or "").split()))
                )
        cutoff = min(overdue_cutoff(today, term_dates(user.organisation_id)), friday)
        overdue = {
            placement_id: count
            for placement_id, count in db.session.execute(
                sa.select(AttendanceMark.placement_id, sa.func.count())
                .where(
                    AttendanceMark.placement_id.in_(ids),
                    AttendanceMark.code == rules.UNEXPLAINED,
                    AttendanceMark.on <= cutoff,
                )
                .group_by(AttendanceMark.placement_id)
            )
        }
    audit.record("export", "attendance_report", None, user, {"week": monday.isoformat(), "placements": len(placements)})
    return [
        ReportRow(
            placement_id=p.id,
            pupil=p.pupil.display_name,
            provider=p.provider.name,
            summary=rules.attendance_summary(codes.get(p.id, [])),
            unexplained_overdue=overdue.get(p.id, 0),
            decisions=tuple(sorted(decisions.get(p.id, []), key=lambda d: (d.on, _SESSION_ORDER[d.session]))),
        )
        for p in placements
    ]


def report_csv(rows: Sequence[ReportRow]) -> str:
    """The CSV, every cell made safe for a spreadsheet (a note or a name is never run as a formula)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        s = row.summary
        writer.writerow(
            spreadsheet_cell(value)
            for value in (
                row.reference,
                row.pupil,
                row.provider,
                s.possible,
                s.present,
                s.authorised,
                s.unauthorised,
                "" if s.percent is None else s.percent,
                row.flags,
                row.unexplained_overdue,
                row.action_taken,
            )
        )
    return out.getvalue()
