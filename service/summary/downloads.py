"""The summary's downloads (CSV and a workbook), the school census AP export and the LA's AP census export.

The summary downloads are aggregated, like the page. The census exports are the exception: one row per placement
with the pupil's UPN, name and date of birth, so only a commissioner may download one, and only their own
organisation's: a school's commissioners the school census AP items for the placements the school arranged, an
LA's officers the AP census for the placements the LA arranged (``CensusExport``). Every download is audited with
its period, never the pupils.

The census files read only the columns they write, in a fixed number of queries however many placements (no
placement, pupil or provider object is loaded, so nothing reloads row by row once the audit record is committed),
and are streamed to the browser a row at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from service.access import is_la_officer
from service.attendance.services import RECORDING_STATUSES, first_day, scheduled_in
from service.audit import services as audit
from service.auth.models import User
from service.extensions import db
from service.formatting import spreadsheet_cell
from service.organisations.models import Organisation
from service.placements.models import Placement
from service.providers.models import Provider
from service.pupils.models import Pupil
from service.rules import census
from service.rules.organisations import OrganisationKind
from service.rules.roles import Role
from service.summary.periods import Period
from service.summary.queries import NO_SESSIONS, placement_conditions, timetables
from service.summary.services import UseSummary


def summary_csv(user: User, summary: UseSummary) -> str:
    """Every table one after another, each under its title, with a blank line between; audited."""
    audit.record("export", "ap_summary", None, user, {"period": summary.period.key, "format": "csv"})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for table in summary.tables:
        writer.writerow([spreadsheet_cell(table.title)])
        writer.writerow([spreadsheet_cell(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([spreadsheet_cell(value) for value in row])
        writer.writerow([])
    return out.getvalue()


def summary_xlsx(user: User, summary: UseSummary) -> bytes:
    """One sheet per table, the header row bold, columns as wide as their text; audited.

    Text is stored as text: a provider named "=SUM(...)" must not become a formula (openpyxl would otherwise
    write any string starting with "=" as one)."""
    audit.record("export", "ap_summary", None, user, {"period": summary.period.key, "format": "xlsx"})
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for table in summary.tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        widths = [len(h) for h in table.headers]
        for row_cells in sheet.iter_rows(min_row=2):
            for index, cell in enumerate(row_cells):
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                widths[index] = max(widths[index], len(str(cell.value if cell.value is not None else "")))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 70)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class CensusExport(StrEnum):
    """The two census files: who downloads each, and which placements it holds.

    A school returns the placements *it* arranged in the school census; a local authority returns the placements
    *it* arranged in its own AP census. Each organisation gets only its own file: the other one does not exist
    for it (404), so an LA's placements never reach a school's census and a school's never reach the LA's."""

    SCHOOL_CENSUS = "school_census"
    AP_CENSUS = "ap_census"

    @property
    def arranged_by(self) -> OrganisationKind:
        return OrganisationKind.SCHOOL if self is CensusExport.SCHOOL_CENSUS else OrganisationKind.LOCAL_AUTHORITY

    @property
    def reason_item(self) -> census.CensusItem:
        return census.reason_item(arranged_by_school=self is CensusExport.SCHOOL_CENSUS)

    @property
    def audit_entity(self) -> str:
        """``census_ap`` (the school census AP items, the name it has always had) or ``ap_census`` (the LA's)."""
        return "census_ap" if self is CensusExport.SCHOOL_CENSUS else "ap_census"

    @property
    def coded_columns(self) -> dict[str, census.CensusItem]:
        """The columns whose values are codes, and the item of ``census.CODE_TABLE`` each one's codes come from."""
        return {
            "AP setting type": census.CensusItem.SETTING_TYPE,
            "Primary reason for placement": self.reason_item,
            "Attendance pattern": census.CensusItem.ATTENDANCE_PATTERN,
        }

    @property
    def file_prefix(self) -> str:
        return "school-census-ap" if self is CensusExport.SCHOOL_CENSUS else "ap-census"


def census_export_for(user: User) -> CensusExport | None:
    """The census file this user may download, if any: a school's commissioners the school census AP items, an
    LA's officers the AP census. Viewers never (the rows carry pupils' UPNs, names and dates of birth)."""
    if user.role is not Role.COMMISSIONER:
        return None
    if is_la_officer(user):
        return CensusExport.AP_CENSUS
    if user.organisation.kind is OrganisationKind.SCHOOL:
        return CensusExport.SCHOOL_CENSUS
    return None


#: The columns of both files, in order. The census items first, then three of apdocs's own to check them by.
CENSUS_COLUMNS = (
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "AP provider URN",
    "AP provider UKPRN",
    "AP setting type",
    "Primary reason for placement",
    "Entry date",
    "Leaving date",
    "Sessions per week",
    "Attendance pattern",
    "Provider name",
    "Reason (apdocs)",
    "apdocs reference",
)

#: What the apdocs reason column says when no reason (of this file's list) is recorded on the placement.
REASON_NOT_RECORDED = "Not recorded: record it on the placement"


def _census_conditions(user: User, period: Period, export: CensusExport) -> list[sa.ColumnElement[bool]]:
    """The placements of the user's organisation that ran in the period *and* were arranged by the kind of
    organisation this file is for: the kind is checked in SQL as well as the organisation, so a placement an LA
    arranged can never be in a school's census (nor the other way round), whatever the organisation ids say."""
    return [
        *placement_conditions(user, period, RECORDING_STATUSES),
        Placement.commissioning_organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.kind == export.arranged_by)
        ),
    ]


def _census_placements(user: User, period: Period, export: CensusExport) -> list[sa.Row[tuple[object, ...]]]:
    """The file's placements as the columns it writes, by pupil's surname, forename, then placement (one query)."""
    stmt = (
        sa.select(
            Placement.id,
            Pupil.upn,
            Pupil.legal_last_name,
            Pupil.legal_first_name,
            Pupil.date_of_birth,
            Provider.urn,
            Provider.ukprn,
            Provider.setting_type,
            Provider.name,
            Placement.census_reason,
            Placement.planned_start,
            Placement.actual_start,
            Placement.actual_end,
        )
        .join(Pupil, Pupil.id == Placement.pupil_id)
        .join(Provider, Provider.id == Placement.provider_id)
        .where(*_census_conditions(user, period, export))
    )
    rows = db.session.execute(stmt).all()
    rows.sort(key=lambda r: (r.legal_last_name.lower(), r.legal_first_name.lower(), r.id))
    return rows


def reasons_missing(user: User, period: Period, export: CensusExport) -> int:
    """How many of the file's placements have no census reason of the file's list recorded: the summary page says
    so before anyone downloads a file with blank reasons (one query)."""
    valid = [str(value) for value in census.ITEM_VALUES[export.reason_item]]
    stmt = (
        sa.select(sa.func.count())
        .select_from(Placement)
        .where(
            *_census_conditions(user, period, export),
            sa.or_(Placement.census_reason.is_(None), Placement.census_reason.not_in(valid)),
        )
    )
    return db.session.scalar(stmt) or 0


def _reason_cells(export: CensusExport, recorded: str | None) -> tuple[str, str]:
    """The reason's code and apdocs's words for it; an empty code and "Not recorded..." when the placement has no
    reason of this file's list (an older placement, or one recorded before the LA or school took it over)."""
    label = census.reason_label(export.reason_item, recorded)
    if label is None or recorded is None:
        return "", REASON_NOT_RECORDED
    return census.census_code(export.reason_item, recorded), label


def census_rows(user: User, period: Period, export: CensusExport) -> list[tuple[str, ...]]:
    """One row per placement of the user's organisation, arranged by it, that ran (active, under review or ended)
    in the period: the census AP placement items, coded from ``census.CODE_TABLE``.

    Only for the organisation whose file it is (``census_export_for``): the rows carry the pupil's UPN, legal name
    and date of birth. Audited with the period and the number of rows, never the pupils.

    Two queries whatever the caseload: the placements' columns, and their timetables at the provider (the sessions
    a week and the attendance pattern are worked out from these by the same code as for a loaded placement). The
    rows are plain text, so the caller may commit the audit record and then stream them."""
    if census_export_for(user) is not export:
        raise PermissionError("This census file is not this user's to download")
    placements = _census_placements(user, period, export)
    audit.record("export", export.audit_entity, None, user, {"period": period.key, "placements": len(placements)})
    sessions = timetables(sa.select(Placement.id).where(*_census_conditions(user, period, export)).scalar_subquery())
    rows = []
    for p in placements:
        timetable = sessions.get(p.id, NO_SESSIONS)
        identity = census.provider_identity(p.urn, p.ukprn, p.setting_type)
        setting = (
            census.census_code(census.CensusItem.SETTING_TYPE, identity.setting_type) if identity.setting_type else ""
        )
        reason_code, reason_words = _reason_cells(export, p.census_reason)
        pattern = census.census_code(
            census.CensusItem.ATTENDANCE_PATTERN, census.attendance_pattern(timetable.hours_per_week)
        )
        entry: date = first_day(p)  # type: ignore[arg-type]  # reads actual_start, else planned_start
        rows.append(
            (
                p.upn or "",
                p.legal_last_name,
                p.legal_first_name,
                p.date_of_birth.isoformat(),
                identity.urn,
                identity.ukprn,
                setting,
                reason_code,
                entry.isoformat(),
                p.actual_end.isoformat() if p.actual_end else "",
                str(len(scheduled_in(timetable.provider_sessions))),
                pattern,
                p.name,
                reason_words,
                f"AP-{p.id}",
            )
        )
    return rows


def census_csv(rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    """The header row, then the rows, each cell made safe for a spreadsheet: a line of CSV at a time, for a
    streamed response (the whole file is never one string)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CENSUS_COLUMNS)
    yield _drain(out)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
        yield _drain(out)


def _drain(out: io.StringIO) -> str:
    """What the writer has written since the last call, emptying the buffer for the next line."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def filename(prefix: str, period: Period, extension: str) -> str:
    """``ap-summary-2026-autumn.csv``: the period's key, nothing personal."""
    return f"{prefix}-{period.key}.{extension}"
