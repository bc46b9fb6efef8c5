"""Import attendance marks from a provider's CSV file: all or nothing, like the pupil import, up to 50,000 rows.

The columns and the accepted values are in ``docs/attendance-import.md``. Every row is checked before
anything is written; if any row is wrong, the problems are reported with their line numbers (the header is
line 1; the first ``csv_files.MAX_MESSAGES``, then "and N more") and nothing is imported. A good file is added
to the current transaction; the caller commits.

A placement the provider cannot see (another provider's, a draft, or none at all) gets the same message as
one that does not exist, so the file reveals nothing. Messages name columns and line numbers, not values.
A file takes the codes the grid takes from a provider (``/``, ``\\``, ``L``, ``U``, ``N``): never ``#`` nor
``Y1``-``Y7``, whose messages send the provider to report a closure instead.

Why it works in batches: a provider's term for a few hundred pupils is tens of thousands of marks. Row by row
(a query to find each mark, an ORM flush and an audit row each) that took minutes; here the placements are
loaded once, the marks already recorded are found with one query per batch of rows, and the new marks, the
changed marks and their audit events are written with a few multi-row statements per batch. Each mark keeps
its own audit event, saying what ``services.record_mark`` says for a mark typed on the grid (the code, the
code it replaced, the closure it was unlinked from), plus one ``import`` event with the counts.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.dialects import postgresql

from service import csv_files
from service.attendance import services
from service.attendance.models import AttendanceMark, MarkSource
from service.audit import services as audit
from service.audit.models import AuditEvent
from service.auth.models import User
from service.csv_files import RowError
from service.db import UTCDateTime, utcnow
from service.extensions import db
from service.placements.access import visible_placements
from service.placements.models import Placement
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import CodeError, Session
from service.rules.roles import Role

#: The most rows one file may have: a large provider's term in one go, and still a bounded request.
MAX_ROWS = 50_000
#: Rows per batch: marks looked up with one query, written with a few statements (3 parameters a row in the look-up
#: keeps each statement far below SQLite's 32,766 and PostgreSQL's 65,535 parameters).
BATCH = 2_000
COLUMNS = ("placement_reference", "date", "session", "code")
_REFERENCE = re.compile(r"(?:AP-?)?([0-9]{1,9})", re.IGNORECASE)
UNKNOWN_PLACEMENT = "placement_reference is not one of your placements (use the reference shown, like AP-12)"

EXAMPLE_ROWS = (
    ("AP-12", "2026-03-02", "am", "/"),
    ("AP-12", "2026-03-02", "pm", "\\"),
    ("AP-12", "03/03/2026", "am", "N"),
)

__all__ = ["COLUMNS", "ImportResult", "RowError", "import_marks", "template_csv"]


#: What the import says when another mark for one of its sessions was saved while it ran (nothing is saved).
SAVED_MEANWHILE = (
    "Another mark for one of these sessions was saved (on the weekly register or by another import) while the file "
    "was being imported. Nothing from the file was saved: upload it again."
)


@dataclass
class ImportResult:
    recorded: int = 0
    changed: int = 0
    unchanged: int = 0
    #: The problems to show (the first ``csv_files.MAX_MESSAGES``, in line order) and how many more there are.
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0


@dataclass(slots=True)
class _Row:
    line: int
    placement_id: int  # the id, not the Placement: read 50,000 times, a plain int is cheaper than the ORM attribute
    on: date
    session: Session
    code: str


@dataclass(frozen=True)
class _Existing:
    """A mark already recorded, as much of it as the import needs (no ORM object: there may be 50,000)."""

    id: int
    code: str
    closure_id: int | None


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
        return _failed(table.errors)
    placements = _placements(user, (values["placement_reference"] for _, values in table.lines))
    by = rules.Enterer.PROVIDER  # the import is the provider's (the view lets only provider staff in)
    rows: list[_Row] = []
    errors = list(table.errors)
    first_line_of: dict[tuple[int, date, Session], int] = {}
    for line, values in table.lines:
        row, problems = _parse_row(line, values, today, placements, by)
        errors.extend(RowError(line, problem) for problem in problems)
        if row is None:
            continue
        key = (row.placement_id, row.on, row.session)
        if key in first_line_of:
            errors.append(
                RowError(line, f"The same placement, date and session is already on line {first_line_of[key]}")
            )
            continue
        first_line_of[key] = line
        rows.append(row)

    if errors:
        return _failed(errors)
    if not rows:
        return _failed([RowError(2, "The file has no marks: add a line for each session under the header")])
    existing = _existing_marks(rows)
    locked = [
        RowError(row.line, "The commissioner has decided this absence: ask them if it needs to change")
        for row in rows
        if _is_locked(existing.get((row.placement_id, row.on, row.session)), row.code)
    ]
    if locked:
        return _failed(locked)
    return _write(rows, existing, user)


def _failed(errors: list[RowError]) -> ImportResult:
    shown, more = csv_files.capped(errors)
    return ImportResult(errors=shown, more_errors=more)


def _reference(text: str) -> int | None:
    match = _REFERENCE.fullmatch(text.replace(" ", ""))
    return int(match.group(1)) if match else None


def _placements(user: User, references: Any) -> dict[int, Placement]:
    """The file's placements that this user may record, loaded once (a query per 1,000 placements named)."""
    ids = sorted({ref for ref in map(_reference, references) if ref is not None})
    found: dict[int, Placement] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        found.update((p.id, p) for p in db.session.scalars(visible_placements(user).where(Placement.id.in_(chunk))))
    return found


def _parse_row(
    line: int, values: dict[str, str], today: date, placements: dict[int, Placement], by: rules.Enterer
) -> tuple[_Row | None, list[str]]:
    problems: list[str] = []
    placement = None
    if not values["placement_reference"]:
        problems.append("placement_reference is blank")
    else:
        reference = _reference(values["placement_reference"])
        placement = placements.get(reference) if reference is not None else None
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
        code = rules.parse_code(values["code"], session, by=by)
    except CodeError as error:
        problems.append(f"code: {error.message}")

    if placement is not None and on is not None:
        problem = services.date_problem(placement, on, today)
        if problem:
            problems.append(f"date: {problem}")
    if problems or placement is None or on is None or session is None:
        return None, problems
    return _Row(line, placement.id, on, session, code), []


def _is_locked(previous: _Existing | None, code: str) -> bool:
    """A provider may not overwrite the commissioner's decision (any code but its own), as on the grid."""
    return previous is not None and previous.code not in rules.PROVIDER_CODES and previous.code != code


def _batches(rows: list[Any]) -> Any:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _existing_marks(rows: list[_Row]) -> dict[tuple[int, date, Session], _Existing]:
    """The marks already recorded for the file's sessions: one query per batch, by (placement, date, session)."""
    marks = AttendanceMark.__table__.c
    found: dict[tuple[int, date, Session], _Existing] = {}
    postgres = _is_postgres()
    for batch in _batches(rows):
        keys = [(row.placement_id, row.on, row.session) for row in batch]
        if postgres:
            found.update(_existing_marks_postgres(keys))
            continue
        stmt = sa.select(
            marks.id, marks.placement_id, marks.on_date, marks.session, marks.code, marks.closure_id
        ).where(sa.tuple_(marks.placement_id, marks.on_date, marks.session).in_(keys))
        for mark_id, placement_id, on, session, code, closure_id in db.session.execute(stmt):
            found[(placement_id, on, session)] = _Existing(mark_id, code, closure_id)
    return found


def _write(rows: list[_Row], existing: dict[tuple[int, date, Session], _Existing], user: User) -> ImportResult:
    """Record the checked rows in batches, with the same fields and audit detail as ``services.record_mark``."""
    result = ImportResult()
    now = utcnow()
    audit_base = _audit_base(user, now)
    for batch in _batches(rows):
        new: list[_Row] = []
        changes: dict[tuple[str, bool], list[tuple[_Row, _Existing]]] = defaultdict(list)
        for row in batch:
            previous = existing.get((row.placement_id, row.on, row.session))
            if previous is None:
                new.append(row)
            elif previous.code == row.code:
                result.unchanged += 1
            else:
                changes[(row.code, _unlinks_closure(row.code, user))].append((row, previous))
        events = _insert_new(new, user, now, audit_base)
        for (code, unlink), group in changes.items():
            events.extend(_update_changed(code, unlink, group, user, now, audit_base))
        if events:
            _insert_events(events)
        result.recorded += len(new)
        result.changed += sum(len(group) for group in changes.values())
    audit.record(
        "import",
        "attendance_mark",
        None,
        user,
        {"recorded": result.recorded, "changed": result.changed, "rows": len(rows)},
    )
    return result


def _unlinks_closure(code: str, user: User) -> bool:
    """``services.record_mark``'s rule: a present mark, or the provider's own correction, was not lost to a closure."""
    return rules.code_class(code).counts_as_present or user.role is Role.PROVIDER_STAFF


def _authorisation(user: User, previous_code: str | None, now: datetime) -> dict[str, Any]:
    """``services.record_mark``'s rule: a commissioner replacing an ``N`` decides it; anyone else's mark is
    undecided; a commissioner's other change keeps the decision as it was."""
    if user.role is Role.COMMISSIONER and previous_code == rules.UNEXPLAINED:
        return {"authorised_by_id": user.id, "authorised_at": now}
    if user.role is not Role.COMMISSIONER:
        return {"authorised_by_id": None, "authorised_at": None}
    return {}


def _insert_new(rows: list[_Row], user: User, now: datetime, audit_base: dict[str, Any]) -> list[dict[str, Any]]:
    """Insert the batch's new marks in one multi-row statement (ids returned in order); their audit events."""
    if not rows:
        return []
    marks = AttendanceMark.__table__
    values = [
        {
            "placement_id": row.placement_id,
            "on_date": row.on,
            "session": row.session,
            "code": row.code,
            "source": MarkSource.CSV,
            "closure_id": None,
            "recorded_by_id": user.id,
            "recorded_at": now,
            "note": "",
            **_authorisation(user, None, now),
        }
        for row in rows
    ]
    # Each new mark's id, by its session (unique): RETURNING in any order lets SQLite and PostgreSQL write many rows
    # per statement (asking for parameter order makes SQLAlchemy fall back to a row per statement on SQLite).
    if _is_postgres():
        ids = _insert_marks_postgres(values, user, now)
    else:
        stmt = sa.insert(marks).returning(marks.c.id, marks.c.placement_id, marks.c.on_date, marks.c.session)
        ids = {(p, on, s): mark_id for mark_id, p, on, s in db.session.execute(stmt, values)}
    return [
        _mark_event(
            audit_base,
            "record",
            ids[(row.placement_id, row.on, row.session)],
            row,
            previous=None,
            previous_closure=None,
            closure_id=None,
        )
        for row in rows
    ]


def _update_changed(
    code: str,
    unlink: bool,
    group: list[tuple[_Row, _Existing]],
    user: User,
    now: datetime,
    audit_base: dict[str, Any],
) -> list[dict[str, Any]]:
    """Change marks that take the same new values with one UPDATE per kind of change; their audit events."""
    marks = AttendanceMark.__table__
    common: dict[str, Any] = {"code": code, "source": MarkSource.CSV, "recorded_by_id": user.id, "recorded_at": now}
    if unlink:
        common["closure_id"] = None
    by_authorisation: dict[bool, list[int]] = defaultdict(list)
    for _row, previous in group:
        by_authorisation[previous.code == rules.UNEXPLAINED].append(previous.id)
    for was_unexplained, ids in by_authorisation.items():
        values = {**common, **_authorisation(user, rules.UNEXPLAINED if was_unexplained else None, now)}
        if _is_postgres():  # an array, not one parameter per id (see below)
            chosen = marks.c.id == sa.any_(sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Integer())))
        else:
            chosen = marks.c.id.in_(ids)
        db.session.execute(sa.update(marks).where(chosen).values(**values))
    return [
        _mark_event(
            audit_base,
            "change",
            previous.id,
            row,
            previous=previous.code,
            previous_closure=previous.closure_id,
            closure_id=None if unlink else previous.closure_id,
        )
        for row, previous in group
    ]


def _audit_base(user: User, now: datetime) -> dict[str, Any]:
    """The columns every mark's audit event shares, as ``audit.record`` fills them."""
    ip = request.remote_addr or "" if has_request_context() else ""
    return {
        "at": now,
        "user_id": user.id,
        "organisation_id": user.organisation_id,
        "entity_type": "attendance_mark",
        "ip_address": ip[:45],
    }


def _mark_event(
    base: dict[str, Any],
    action: str,
    mark_id: int,
    row: _Row,
    *,
    previous: str | None,
    previous_closure: int | None,
    closure_id: int | None,
) -> dict[str, Any]:
    """The audit event ``services.record_mark`` writes for one mark, word for word."""
    detail: dict[str, Any] = {
        "placement_id": row.placement_id,
        "on": row.on.isoformat(),
        "session": row.session.value,
        "code": row.code,
        "previous_code": previous,
        "source": MarkSource.CSV.value,
    }
    if closure_id or previous_closure:
        detail["closure_id"] = closure_id or previous_closure
    if previous_closure and not closure_id:
        detail["closure_unlinked"] = True
    return {**base, "action": action, "entity_id": mark_id, "detail": detail}


# PostgreSQL: the same statements with the batch's values as one JSON document (``json_to_recordset``).
# Why: psycopg parses every placeholder of a statement on the client and escapes every element of an array, so a
# multi-row VALUES of 2,000 rows cost more than the database's own work, and a row-value IN list of 2,000 keys is
# not planned as index look-ups. One JSON parameter is written by ``json.dumps`` in C and read by the server as
# a table to join or insert from. SQLite keeps the portable statements above.


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _existing_marks_postgres(keys: list[tuple[int, date, Session]]) -> dict[tuple[int, date, Session], _Existing]:
    stmt = sa.text(
        "SELECT m.id, m.placement_id, m.on_date, m.session, m.code, m.closure_id FROM attendance_marks AS m "
        "JOIN json_to_recordset(CAST(:keys AS json)) AS k(p integer, d date, s varchar) "
        "ON m.placement_id = k.p AND m.on_date = k.d AND m.session = k.s"
    )
    keys_json = json.dumps([{"p": p, "d": on.isoformat(), "s": s.value} for p, on, s in keys])
    return {
        (placement_id, on, Session(session)): _Existing(mark_id, code, closure_id)
        for mark_id, placement_id, on, session, code, closure_id in db.session.execute(stmt, {"keys": keys_json})
    }


def _insert_marks_postgres(
    values: list[dict[str, Any]], user: User, now: datetime
) -> dict[tuple[int, date, Session], int]:
    """One ``INSERT … SELECT … RETURNING`` for the batch; every new mark shares who recorded it and when."""
    stmt = sa.text(
        "INSERT INTO attendance_marks (placement_id, on_date, session, code, source, closure_id, recorded_by_id, "
        "recorded_at, note, authorised_by_id, authorised_at) "
        "SELECT k.p, k.d, k.s, k.c, :source, NULL, :user_id, :now, '', :authorised_by_id, :authorised_at "
        "FROM json_to_recordset(CAST(:marks AS json)) AS k(p integer, d date, s varchar, c varchar) "
        "RETURNING id, placement_id, on_date, session"
    ).bindparams(
        sa.bindparam("now", type_=UTCDateTime()),
        sa.bindparam("authorised_at", type_=UTCDateTime()),
        sa.bindparam("authorised_by_id", type_=sa.Integer()),
    )
    authorised = _authorisation(user, None, now)
    params = {
        "source": MarkSource.CSV.value,
        "user_id": user.id,
        "now": now,
        "authorised_by_id": authorised.get("authorised_by_id"),
        "authorised_at": authorised.get("authorised_at"),
        "marks": json.dumps(
            [
                {"p": v["placement_id"], "d": v["on_date"].isoformat(), "s": v["session"].value, "c": v["code"]}
                for v in values
            ]
        ),
    }
    return {
        (placement_id, on, Session(session)): mark_id
        for mark_id, placement_id, on, session in db.session.execute(stmt, params)
    }


def _insert_events(events: list[dict[str, Any]]) -> None:
    """The batch's audit events: one multi-row INSERT (on PostgreSQL from one JSON document)."""
    if not _is_postgres():
        db.session.execute(sa.insert(AuditEvent.__table__), events)
        return
    base = events[0]  # who, when, where from and the entity type are the same for every event of an import
    stmt = sa.text(
        "INSERT INTO audit_events (at, user_id, organisation_id, action, entity_type, entity_id, ip_address, detail) "
        "SELECT :at, :user_id, :organisation_id, k.a, :entity_type, k.i, :ip_address, k.d "
        "FROM json_to_recordset(CAST(:events AS json)) AS k(a varchar, i integer, d json)"
    ).bindparams(
        sa.bindparam("at", type_=UTCDateTime()),
        sa.bindparam("user_id", type_=sa.Integer()),
        sa.bindparam("organisation_id", type_=sa.Integer()),
    )
    db.session.execute(
        stmt,
        {
            "at": base["at"],
            "user_id": base["user_id"],
            "organisation_id": base["organisation_id"],
            "entity_type": base["entity_type"],
            "ip_address": base["ip_address"],
            "events": json.dumps([{"a": e["action"], "i": e["entity_id"], "d": e["detail"]} for e in events]),
        },
    )
