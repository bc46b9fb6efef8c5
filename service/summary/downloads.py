"""The summary's downloads (CSV and a workbook), and the school census AP export.

The summary downloads are aggregated, like the page. The census export is the exception: it is one row per
placement with the pupil's UPN, name and date of birth, so only a commissioner may download it. Every
download is audited with its period, never the pupils.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from service.attendance.services import RECORDING_STATUSES, first_day, scheduled_sessions
from service.audit import services as audit
from service.auth.models import User
from service.formatting import spreadsheet_cell
from service.rules import census
from service.rules.roles import Role
from service.summary.periods import Period, overlaps
from service.summary.queries import placements_in
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


def census_rows(user: User, period: Period) -> list[tuple[str, ...]]:
    """One row per placement that ran (active, under review or ended) in the period: the census AP items.

    Only a commissioner: the rows carry the pupil's UPN, legal name and date of birth. Audited with the period
    and the number of rows, never the pupils."""
    if user.role is not Role.COMMISSIONER:
        raise PermissionError("Only a commissioner may export pupils' census records")
    placements = [p for p in placements_in(user, period, RECORDING_STATUSES) if overlaps(p, period)]
    placements.sort(key=lambda p: (p.pupil.legal_last_name.lower(), p.pupil.legal_first_name.lower(), p.id))
    audit.record("export", "census_ap", None, user, {"period": period.key, "placements": len(placements)})
    rows = []
    for p in placements:
        identity = census.provider_identity(p.provider.urn, p.provider.ukprn, p.provider.setting_type)
        rows.append(
            (
                p.pupil.upn or "",
                p.pupil.legal_last_name,
                p.pupil.legal_first_name,
                p.pupil.date_of_birth.isoformat(),
                identity.urn,
                identity.ukprn,
                identity.setting_type,
                census.placement_reason_code(p.circumstance),
                first_day(p).isoformat(),
                p.actual_end.isoformat() if p.actual_end else "",
                str(len(scheduled_sessions(p))),
                census.attendance_pattern(p.hours_per_week),
                p.provider.name,
                p.circumstance.label,
                f"AP-{p.id}",
            )
        )
    return rows


def census_csv(rows: Sequence[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CENSUS_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return out.getvalue()


def filename(prefix: str, period: Period, extension: str) -> str:
    """``ap-summary-2026-autumn.csv``: the period's key, nothing personal."""
    return f"{prefix}-{period.key}.{extension}"
