"""Import pupils from a school MIS CSV export: all or nothing, updating by UPN.

The columns, the accepted values and how to run an import are in ``docs/pupil-import.md``. Every
row is checked before anything is written; if any row is wrong, every problem is reported with its
line number (the header is line 1) and nothing is imported. A good file is added to the current
transaction in one go: the caller (the import screen or ``apdocs import-pupils``) commits it.

Messages name columns and line numbers, never the values in the file: they are shown on screen and
printed by the command line, and the values are children's personal data.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import selectinload

from service import csv_files
from service.audit import services as audit
from service.auth.models import User
from service.csv_files import RowError
from service.extensions import db
from service.organisations.models import Organisation
from service.pupils.models import Pupil, SafeguardingStatus, SenStatus
from service.pupils.services import ParentDetails, PupilDetails, apply_details
from service.rules.organisations import OrganisationKind
from service.rules.upn import is_valid_upn

MAX_ROWS = 5000
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
    errors: list[RowError] = field(default_factory=list)


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
        return ImportResult(errors=table.errors)
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
        return ImportResult(errors=sorted(errors, key=lambda e: e.line))
    return _write(rows, organisation, actor, existing)


def _existing_pupils(organisation: Organisation) -> dict[str, Pupil]:
    stmt = (
        sa.select(Pupil)
        .where(Pupil.organisation_id == organisation.id, Pupil.upn.is_not(None))
        .options(selectinload(Pupil.parents))
    )
    return {pupil.upn.upper(): pupil for pupil in db.session.scalars(stmt) if pupil.upn}


def _parse_row(
    line: int, values: dict[str, str], organisation: Organisation, existing: dict[str, Pupil]
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


def _write(
    rows: list[_Row], organisation: Organisation, actor: User | None, existing: dict[str, Pupil]
) -> ImportResult:
    result = ImportResult()
    for row in rows:
        pupil = existing.get(row.upn)
        if pupil is None:
            pupil = Pupil(organisation_id=organisation.id)
            if row.details.parents is None:
                row.details.parents = []
            apply_details(pupil, row.details)
            db.session.add(pupil)
            result.created += 1
        else:
            apply_details(pupil, row.details)
            result.updated += 1
    db.session.flush()
    audit.record(
        "import",
        "pupil",
        None,
        actor,
        {"created": result.created, "updated": result.updated, "rows": len(rows)},
        organisation_id=organisation.id,
    )
    return result
