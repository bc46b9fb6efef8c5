"""Import attendance marks from a provider's CSV file: all or nothing, like the pupil import.

The columns and the accepted values are in ``docs/attendance-import.md``. Every row is checked before
anything is written; if any row is wrong, every problem is reported with its line number (the header is
line 1) and nothing is imported. A good file is added to the current transaction; the caller commits.

A placement the provider cannot see (another provider's, a draft, or none at all) gets the same message as
one that does not exist, so the file reveals nothing. Messages name columns and line numbers, not values.
A file takes the codes the grid takes from a provider (``/``, ``\\``, ``L``, ``U``, ``N``): never ``#`` nor
``Y1``-``Y7``, whose messages send the provider to report a closure instead.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import selectinload

from service import csv_files
from service.attendance import services
from service.attendance.models import MarkSource
from service.audit import services as audit
from service.auth.models import User
from service.csv_files import RowError
from service.extensions import db
from service.placements.access import visible_placements
from service.placements.models import Placement
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import CodeError, Session

MAX_ROWS = 5000
COLUMNS = ("placement_reference", "date", "session", "code")
_REFERENCE = re.compile(r"(?:AP-?)?([0-9]{1,9})", re.IGNORECASE)
UNKNOWN_PLACEMENT = "placement_reference is not one of your placements (use the reference shown, like AP-12)"

EXAMPLE_ROWS = (
    ("AP-12", "2026-03-02", "am", "/"),
    ("AP-12", "2026-03-02", "pm", "\\"),
    ("AP-12", "03/03/2026", "am", "N"),
)

__all__ = ["COLUMNS", "ImportResult", "RowError", "import_marks", "template_csv"]


@dataclass
class ImportResult:
    recorded: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    placement: Placement
    on: date
    session: Session
    code: str


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()


def import_marks(data: bytes, user: User, today: date) -> ImportResult:
    """Check every row, then record the marks; nothing is written if any row is wrong."""
    table = csv_files.read_table(data, known=COLUMNS, required=COLUMNS, max_rows=MAX_ROWS, noun="marks")
    if not table.readable:
        return ImportResult(errors=table.errors)
    placements: dict[int, Placement | None] = {}
    rows: list[_Row] = []
    errors = list(table.errors)
    first_line_of: dict[tuple[int, date, Session], int] = {}
    for line, values in table.lines:
        row, problems = _parse_row(line, values, user, today, placements)
        errors.extend(RowError(line, problem) for problem in problems)
        if row is None:
            continue
        key = (row.placement.id, row.on, row.session)
        if key in first_line_of:
            errors.append(
                RowError(line, f"The same placement, date and session is already on line {first_line_of[key]}")
            )
            continue
        first_line_of[key] = line
        rows.append(row)

    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: e.line))
    if not rows:
        return ImportResult(errors=[RowError(2, "The file has no marks: add a line for each session under the header")])
    return _write(rows, user)


def _placement(user: User, text: str, cache: dict[int, Placement | None]) -> Placement | None:
    match = _REFERENCE.fullmatch(text.replace(" ", ""))
    if match is None:
        return None
    placement_id = int(match.group(1))
    if placement_id not in cache:
        cache[placement_id] = db.session.scalar(
            visible_placements(user).where(Placement.id == placement_id).options(selectinload(Placement.sessions))
        )
    return cache[placement_id]


def _parse_row(
    line: int, values: dict[str, str], user: User, today: date, cache: dict[int, Placement | None]
) -> tuple[_Row | None, list[str]]:
    problems: list[str] = []
    placement = None
    if not values["placement_reference"]:
        problems.append("placement_reference is blank")
    else:
        placement = _placement(user, values["placement_reference"], cache)
        if placement is None:
            problems.append(UNKNOWN_PLACEMENT)

    on = csv_files.parse_date(values["date"])
    if not values["date"]:
        problems.append("date is blank")
    elif on is None:
        problems.append("date is not a real date in the form YYYY-MM-DD or DD/MM/YYYY")

    session = {"am": Session.AM, "pm": Session.PM}.get(values["session"].lower())
    if session is None:
        problems.append("session must be am or pm")

    code = ""
    try:
        code = rules.parse_code(values["code"], session, by=rules.Enterer.PROVIDER)
    except CodeError as error:
        problems.append(f"code: {error.message}")

    if placement is not None and on is not None:
        problem = services.date_problem(placement, on, today)
        if problem:
            problems.append(f"date: {problem}")
    if problems or placement is None or on is None or session is None:
        return None, problems
    return _Row(line, placement, on, session, code), []


def _write(rows: list[_Row], user: User) -> ImportResult:
    result = ImportResult()
    existing = {
        (m.placement_id, m.on, m.session): m.code
        for placement_id in {row.placement.id for row in rows}
        for m in services.marks_between(
            placement_id,
            min(r.on for r in rows if r.placement.id == placement_id),
            max(r.on for r in rows if r.placement.id == placement_id),
        )
    }
    for row in rows:
        previous = existing.get((row.placement.id, row.on, row.session))
        if previous is not None and previous not in rules.PROVIDER_CODES and previous != row.code:
            result.errors.append(
                RowError(row.line, "The commissioner has decided this absence: ask them if it needs to change")
            )
    if result.errors:
        return ImportResult(errors=result.errors)
    for row in rows:
        previous = existing.get((row.placement.id, row.on, row.session))
        mark = services.record_mark(user, row.placement, row.on, row.session, row.code, MarkSource.CSV)
        if mark is None:
            result.unchanged += 1
        elif previous is None:
            result.recorded += 1
        else:
            result.changed += 1
    audit.record(
        "import",
        "attendance_mark",
        None,
        user,
        {"recorded": result.recorded, "changed": result.changed, "rows": len(rows)},
    )
    return result
