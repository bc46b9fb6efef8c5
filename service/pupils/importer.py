"""Import pupils from a school MIS CSV export: all or nothing, updating by UPN.

The columns, the accepted values and how to run an import are in ``docs/pupil-import.md``. Every
row is checked before anything is written; if any row is wrong, every problem is reported with its
line number (the header is line 1) and nothing is imported. A good file is added to the current
transaction in one go: the caller (the import screen or ``apdocs import-pupils``) commits it.

Messages name columns and line numbers, never the values in the file: they are shown on screen and
printed by the command line, and the values are children's personal data.

Why in batches: a local authority's caseload is tens of thousands of pupils. The organisation's pupils and
their parents are read once (two queries, plain rows rather than ORM objects), and the file is written with
multi-row statements a batch at a time: new pupils with one INSERT, changed ones with one UPDATE each batch,
and the parents of each batch deleted and inserted together. The audit event is one ``import`` event with
the counts, as it always was (the values are personal data and are not audited).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from service import csv_files
from service.audit import services as audit
from service.auth.models import User
from service.csv_files import RowError
from service.db import utcnow
from service.extensions import db
from service.organisations.models import Organisation
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from service.pupils.services import PARENT_FIELDS, PUPIL_FIELDS, ParentDetails, PupilDetails, normalised, parent_values
from service.rules.organisations import OrganisationKind
from service.rules.upn import is_valid_upn

#: The most pupils one file may have: a large local authority's caseload in one go, and still a bounded request.
MAX_ROWS = 50_000
#: Pupils written per batch of statements.
BATCH = 2_000
MAX_PARENTS_IN_FILE = 2

REQUIRED_COLUMNS = ("upn", "legal_first_name", "legal_last_name", "date_of_birth")
PUPIL_COLUMNS = (
    "upn",
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "sen_status",
    "looked_after",
    "fsm_eligible",
    "year_group_override",
)
PARENT_SUFFIXES = ("name", "relationship", "phone", "email", "parental_responsibility")
PARENT_COLUMNS = tuple(f"parent{n}_{s}" for n in range(1, MAX_PARENTS_IN_FILE + 1) for s in PARENT_SUFFIXES)
#: Every column the importer knows, in the order of the downloadable template.
COLUMNS = PUPIL_COLUMNS + PARENT_COLUMNS

#: Longest value accepted per column (the database's limits).
MAX_LENGTHS = {
    "legal_first_name": 100,
    "legal_last_name": 100,
    "preferred_name": 100,
    "name": 200,
    "relationship": 100,
    "phone": 40,
    "email": 254,
}

SEN_VALUES = {
    "n": SenStatus.NONE,
    "none": SenStatus.NONE,
    "k": SenStatus.SEN_SUPPORT,
    "sen_support": SenStatus.SEN_SUPPORT,
    "e": SenStatus.EHCP,
    "ehcp": SenStatus.EHCP,
}
TRUE_VALUES = {"y", "yes", "true"}
YES_NO_HELP = "must be Y or N (or yes, no, true, false, or blank for no)"
FALSE_VALUES = {"", "n", "no", "false"}
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,40}$")

#: One obviously fictional row for the downloadable template (LA 999 does not exist; 01632 960 is Ofcom's
#: drama range; example.com is reserved).
EXAMPLE_ROW = {
    "upn": "V999999924001",
    "legal_first_name": "Alex",
    "legal_last_name": "Example",
    "preferred_name": "Lex",
    "date_of_birth": "2012-09-01",
    "sen_status": "K",
    "looked_after": "N",
    "fsm_eligible": "Y",
    "year_group_override": "",
    "parent1_name": "Sam Example",
    "parent1_relationship": "Parent",
    "parent1_phone": "01632 960000",
    "parent1_email": "sam.example@example.com",
    "parent1_parental_responsibility": "Y",
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    #: The problems to show (the first ``csv_files.MAX_MESSAGES``, in line order) and how many more there are.
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0


@dataclass
class _Existing:
    """A pupil already in the organisation: its stored values (``PUPIL_FIELDS`` and the rest) and its parents."""

    id: int
    values: dict[str, Any]
    parents: list[dict[str, Any]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class _Row:
    line: int
    upn: str
    details: PupilDetails


def template_csv() -> str:
    """The header row and one fictional example row, as a CSV file's text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE_ROW.get(column, "") for column in COLUMNS])
    return out.getvalue()


def import_pupils(data: bytes, organisation: Organisation, actor: User | None) -> ImportResult:
    """Check every row, then create or update the organisation's pupils; nothing is written if any row is wrong."""
    table = csv_files.read_table(data, known=COLUMNS, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS, noun="pupils")
    if not table.readable:
        return _failed(table.errors)
    existing = _existing_pupils(organisation)
    rows: list[_Row] = []
    errors = list(table.errors)
    first_line_of: dict[str, int] = {}
    for line, values in table.lines:
        row, problems = _parse_row(line, values, organisation, existing)
        errors.extend(RowError(line, problem) for problem in problems)
        if row is None:
            continue
        if row.upn in first_line_of:
            errors.append(RowError(line, f"The same UPN is already on line {first_line_of[row.upn]}"))
            continue
        first_line_of[row.upn] = line
        rows.append(row)

    if errors:
        return _failed(errors)
    return _write(rows, organisation, actor, existing)


def _failed(errors: list[RowError]) -> ImportResult:
    shown, more = csv_files.capped(errors)
    return ImportResult(errors=shown, more_errors=more)


def _existing_pupils(organisation: Organisation) -> dict[str, _Existing]:
    """The organisation's pupils with a UPN, by UPN, with their parents in order: two queries, whatever the size."""
    columns = [getattr(Pupil, name) for name in (*PUPIL_FIELDS, "ehcp_last_annual_review")]
    mine = sa.and_(Pupil.organisation_id == organisation.id, Pupil.upn.is_not(None))
    found: dict[int, _Existing] = {
        row.id: _Existing(row.id, dict(row._mapping))
        for row in db.session.execute(sa.select(Pupil.id, *columns).where(mine))
    }
    parents = sa.select(ParentCarer.pupil_id, *(getattr(ParentCarer, name) for name in PARENT_FIELDS)).where(
        ParentCarer.pupil_id.in_(sa.select(Pupil.id).where(mine))
    )
    for row in db.session.execute(parents.order_by(ParentCarer.pupil_id, ParentCarer.position, ParentCarer.id)):
        found[row.pupil_id].parents.append({name: getattr(row, name) for name in PARENT_FIELDS})
    for pupil in found.values():
        pupil.values.pop("id", None)
    return {pupil.upn.upper(): pupil for pupil in found.values() if pupil.upn}


def _parse_row(
    line: int, values: dict[str, str], organisation: Organisation, existing: dict[str, _Existing]
) -> tuple[_Row | None, list[str]]:
    problems: list[str] = []

    upn = re.sub(r"\s+", "", values["upn"]).upper()
    if not upn:
        problems.append("upn is blank: every pupil in an import needs a UPN")
    elif not is_valid_upn(upn):
        problems.append("upn is not a valid UPN (13 characters starting with a check letter, like A123456789012)")

    for column in ("legal_first_name", "legal_last_name"):
        if not values[column]:
            problems.append(f"{column} is blank")
    for column in ("legal_first_name", "legal_last_name", "preferred_name"):
        if len(values.get(column, "")) > MAX_LENGTHS[column]:
            problems.append(f"{column} is longer than {MAX_LENGTHS[column]} characters")

    dob = csv_files.parse_date(values["date_of_birth"])
    if not values["date_of_birth"]:
        problems.append("date_of_birth is blank")
    elif dob is None:
        problems.append("date_of_birth is not a real date in the form YYYY-MM-DD or DD/MM/YYYY")
    elif dob > date.today():
        problems.append("date_of_birth is in the future")

    current = existing.get(upn)

    sen_status = current.sen_status if current else SenStatus.NONE
    if "sen_status" in values:
        raw = values["sen_status"].lower()
        if raw == "":
            sen_status = SenStatus.NONE
        elif raw in SEN_VALUES:
            sen_status = SEN_VALUES[raw]
        else:
            problems.append("sen_status must be N, K or E (or none, sen_support, ehcp)")

    flags: dict[str, bool] = {}
    for column in ("looked_after", "fsm_eligible"):
        flags[column] = bool(getattr(current, column)) if current else False
        if column in values:
            parsed = _parse_bool(values[column])
            if parsed is None:
                problems.append(f"{column} {YES_NO_HELP}")
            else:
                flags[column] = parsed

    override = current.year_group_override if current else None
    if "year_group_override" in values:
        raw = values["year_group_override"].upper()
        if raw == "":
            override = None
        elif raw == "R":
            override = 0
        elif re.fullmatch(r"-?[0-9]{1,2}", raw) and -1 <= int(raw) <= 13:
            override = int(raw)
        else:
            problems.append("year_group_override must be blank, R, or a number from -1 to 13")

    parents, parent_problems = _parse_parents(values)
    problems.extend(parent_problems)

    if problems or dob is None:
        return None, problems

    if "preferred_name" in values:
        preferred = values["preferred_name"] or None
    else:
        preferred = current.preferred_name if current else None
    if organisation.kind is OrganisationKind.SCHOOL:
        school_id: int | None = organisation.id
    else:
        school_id = current.school_id if current else None
    details = PupilDetails(
        legal_first_name=values["legal_first_name"],
        legal_last_name=values["legal_last_name"],
        preferred_name=preferred,
        date_of_birth=dob,
        upn=upn,
        school_id=school_id,
        sen_status=sen_status,
        looked_after=flags["looked_after"],
        fsm_eligible=flags["fsm_eligible"],
        safeguarding_status=current.safeguarding_status if current else SafeguardingStatus.NONE_KNOWN,
        year_group_override=override,
        parents=parents,
    )
    return _Row(line=line, upn=upn, details=details), []


def _parse_parents(values: dict[str, str]) -> tuple[list[ParentDetails] | None, list[str]]:
    """The row's parents, or None when every parent cell is blank (the pupil's parents are kept)."""
    if not any(values.get(column) for column in PARENT_COLUMNS):
        return None, []
    parents: list[ParentDetails] = []
    problems: list[str] = []
    for n in range(1, MAX_PARENTS_IN_FILE + 1):
        cells = {suffix: values.get(f"parent{n}_{suffix}", "") for suffix in PARENT_SUFFIXES}
        if not any(cells.values()):
            continue
        prefix = f"parent{n}_"
        if not cells["name"]:
            problems.append(f"{prefix}name is blank but other parent{n} columns are filled")
        for suffix in ("name", "relationship", "phone", "email"):
            if len(cells[suffix]) > MAX_LENGTHS[suffix]:
                problems.append(f"{prefix}{suffix} is longer than {MAX_LENGTHS[suffix]} characters")
        if cells["phone"] and not _PHONE.fullmatch(cells["phone"]):
            problems.append(f"{prefix}phone is not a phone number (digits, spaces, brackets, + and - only)")
        if cells["email"]:
            try:
                validate_email(cells["email"], check_deliverability=False)
            except EmailNotValidError:
                problems.append(f"{prefix}email is not an email address in the correct format")
        responsibility = _parse_bool(cells["parental_responsibility"])
        if responsibility is None:
            problems.append(f"{prefix}parental_responsibility {YES_NO_HELP}")
        parents.append(
            ParentDetails(
                name=cells["name"],
                relationship_to_pupil=cells["relationship"],
                phone=cells["phone"],
                email=cells["email"],
                parental_responsibility=bool(responsibility),
            )
        )
    return parents, problems


def _parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    return None


def _batches(rows: list[_Row]) -> Iterator[list[_Row]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _write(
    rows: list[_Row], organisation: Organisation, actor: User | None, existing: dict[str, _Existing]
) -> ImportResult:
    """Create and update the checked rows a batch at a time, as ``services.apply_details`` would one by one."""
    result = ImportResult()
    pupils = Pupil.__table__
    parents_table = ParentCarer.__table__
    now = utcnow()
    for batch in _batches(rows):
        created: list[dict[str, Any]] = []  # new pupils' rows, in the order of the batch
        updates: list[dict[str, Any]] = []
        replaced: list[int] = []  # existing pupils whose parents the file replaces
        parents_of: list[tuple[int | str, list[dict[str, Any]]]] = []  # (pupil id, or a new pupil's UPN)
        for row in batch:
            current = existing.get(row.upn)
            values = normalised(row.details)
            parents = None if row.details.parents is None else [parent_values(p) for p in row.details.parents]
            if current is None:
                created.append(
                    {
                        "organisation_id": organisation.id,
                        **values,
                        "ehcp_last_annual_review": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                parents_of.append((values["upn"], parents or []))
                continue
            result.updated += 1
            review = current.ehcp_last_annual_review if values["sen_status"] is SenStatus.EHCP else None
            if review != current.ehcp_last_annual_review or any(
                current.values[name] != values[name] for name in PUPIL_FIELDS
            ):
                updates.append({"id": current.id, **values, "ehcp_last_annual_review": review, "updated_at": now})
            if parents is not None and parents != current.parents:
                replaced.append(current.id)
                parents_of.append((current.id, parents))
        new_ids: dict[str, int] = {}
        if created:
            # The new pupils' ids by UPN (unique in the organisation): RETURNING in any order keeps many rows per
            # statement (asking for parameter order makes SQLAlchemy fall back to a row per statement on SQLite).
            stmt = sa.insert(pupils).returning(pupils.c.id, pupils.c.upn)
            new_ids = {upn: pupil_id for pupil_id, upn in db.session.execute(stmt, created)}
            result.created += len(created)
        if updates:
            db.session.execute(sa.update(Pupil), updates)  # by primary key, one executemany
        if replaced:
            db.session.execute(sa.delete(parents_table).where(parents_table.c.pupil_id.in_(replaced)))
        parent_rows = []
        for pupil, parents in parents_of:
            owner = new_ids[pupil] if isinstance(pupil, str) else pupil
            parent_rows.extend({"pupil_id": owner, "position": n, **parent} for n, parent in enumerate(parents))
        if parent_rows:
            db.session.execute(sa.insert(parents_table), parent_rows)
    audit.record(
        "import",
        "pupil",
        None,
        actor,
        {"created": result.created, "updated": result.updated, "rows": len(rows)},
        organisation_id=organisation.id,
    )
    return result
