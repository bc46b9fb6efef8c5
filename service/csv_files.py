"""Reading an uploaded CSV file the same way for every import: pupils from a school's MIS, attendance from a
provider's register.

Why one reader: the people uploading are not data engineers. Whatever the file, every problem is reported with
its line and a sentence saying how to fix it (not UTF-8, no header, an unknown or missing column, a broken
quotation mark, a line with the wrong number of values, too many lines), and nothing is imported unless every
line is right. Each importer then checks its own values line by line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class CsvTable:
    """The data lines of a file, each as (line number, {column: value stripped}); blank lines left out.

    ``readable`` is False when the file as a whole cannot be used (not text, no header, wrong columns): then
    ``errors`` says why and there are no lines."""

    lines: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    readable: bool = True


#: The dates a spreadsheet writes: ISO (what the guides ask for) and the UK's day/month/year.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(text: str) -> date | None:
    """A date as ``2026-01-05`` or ``05/01/2026`` (never month first), or None when it is not a real date.

    Built from the digits rather than with ``strptime``, which is slow enough to matter at 50,000 lines (it
    looks up the locale on every call)."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _UK_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return parsed if parsed.year >= 1900 else None


def decode(data: bytes) -> tuple[str, RowError | None]:
    """The file's text, or the line where it stops being UTF-8 (a byte-order mark is allowed, as Excel writes)."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", RowError(
            line, "The file is not UTF-8 text. Save it from your spreadsheet as \u201cCSV UTF-8\u201d and try again"
        )


def check_header(columns: Sequence[str], known: Sequence[str], required: Sequence[str]) -> list[RowError]:
    """Every problem with the header row, all at once."""
    errors = []
    unknown = [c for c in columns if c not in known]
    if unknown:
        errors.append(RowError(1, f"Unknown column(s): {', '.join(c or '(blank)' for c in unknown)}"))
    duplicated = sorted({c for c in columns if c and list(columns).count(c) > 1})
    if duplicated:
        errors.append(RowError(1, f"Column(s) appear more than once: {', '.join(duplicated)}"))
    missing = [c for c in required if c not in columns]
    if missing:
        errors.append(RowError(1, f"Missing required column(s): {', '.join(missing)}"))
    return errors


def read_table(data: bytes, *, known: Sequence[str], required: Sequence[str], max_rows: int, noun: str) -> CsvTable:
    """The file's data lines under a checked header (column names are matched without case or spaces).

    ``noun`` names what a line is ("pupils", "marks") in the message for a file that is too long."""
    text, error = decode(data)
    if error is not None:
        return CsvTable(errors=[error], readable=False)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error:
        return CsvTable(errors=[RowError(1, "The header row could not be read as CSV")], readable=False)
    if header is None or not any(cell.strip() for cell in header):
        return CsvTable(
            errors=[RowError(1, "The file is empty: the first line must be the header row")], readable=False
        )
    columns = [cell.strip().lower() for cell in header]
    header_errors = check_header(columns, known, required)
    if header_errors:
        return CsvTable(errors=header_errors, readable=False)

    table = CsvTable()
    count = 0
    first_over: int | None = None  # the line of the first row past the limit
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error:
            if first_over is not None:
                break  # past the limit: the limit is what the person needs to hear about
            table.errors.append(RowError(line, "This line could not be read as CSV (check the quotation marks)"))
            break
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > max_rows:
            # Keep counting (cheap: the upload is bounded) so the message can say how many rows there are.
            first_over = line if first_over is None else first_over
            continue
        if len(cells) != len(columns):
            table.errors.append(
                RowError(line, f"This line has {len(cells)} values but the header has {len(columns)} columns")
            )
            continue
        table.lines.append((line, {column: cell.strip() for column, cell in zip(columns, cells, strict=True)}))
    if first_over is not None:
        # Too long to import at all: one message with the count and the limit, and nothing else to wade through.
        return CsvTable(errors=[RowError(first_over, too_many_rows(count, max_rows, noun))], readable=False)
    return table


def too_many_rows(count: int, max_rows: int, noun: str) -> str:
    """The message for a file longer than an import takes: how long it is, and the limit."""
    return f"The file has {count:,} rows: import at most {max_rows:,} {noun} at a time (split it into smaller files)"


#: How many problems are listed for one file: enough to correct a pattern, not 50,000 lines to scroll through.
MAX_MESSAGES = 100


def capped(errors: list[RowError], limit: int = MAX_MESSAGES) -> tuple[list[RowError], int]:
    """The first ``limit`` problems in line order, and how many more there are (shown as "and N more")."""
    ordered = sorted(errors, key=lambda e: e.line)
    return ordered[:limit], max(0, len(ordered) - limit)
