"""The weekly attendance report: one CSV row per placement of the commissioner's organisation that ran that week.

Apart from the register because it reads every visible placement at once and exports it (audited), where
the register reads one placement.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

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
from service.rules.attendance_codes import Summary


@dataclass
class ReportRow:
    placement: Placement
    summary: Summary

    @property
    def flags(self) -> str:
        if self.summary.severe:
            return "Attendance 50% or less at this placement"
        if self.summary.persistent:
            return "Attendance 90% or less at this placement"
        return ""


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
)


def weekly_report(user: User, monday: date) -> list[ReportRow]:
    """One row per placement of the commissioner's organisation that ran during the week (Monday to Friday)."""
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
    marks: dict[int, list[str]] = {}
    if placements:
        for placement_id, code in db.session.execute(
            sa.select(AttendanceMark.placement_id, AttendanceMark.code).where(
                AttendanceMark.placement_id.in_([p.id for p in placements]),
                AttendanceMark.on.between(monday, friday),
            )
        ):
            marks.setdefault(placement_id, []).append(code)
    audit.record("export", "attendance_report", None, user, {"week": monday.isoformat(), "placements": len(placements)})
    return [ReportRow(p, rules.attendance_summary(marks.get(p.id, []))) for p in placements]


def report_csv(rows: Sequence[ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        s = row.summary
        writer.writerow(
            spreadsheet_cell(value)
            for value in (
                f"AP-{row.placement.id}",
                row.placement.pupil.display_name,
                row.placement.provider.name,
                s.possible,
                s.present,
                s.authorised,
                s.unauthorised,
                "" if s.percent is None else s.percent,
                row.flags,
            )
        )
    return out.getvalue()
