"""Pupils: who can see them, finding them, creating and changing them.

Scoping lives in :func:`visible_pupils`, so every screen, search and export applies one rule: a
commissioner sees the pupils owned by their own organisation, and nobody else sees pupil records
here (providers see what a placement shares with them, through the placement). Every time someone
opens a pupil's record, that is written to the audit log.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.extensions import db
from service.organisations.models import Organisation
from service.pagination import Page, page_number
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from service.rules.organisations import OrganisationKind
from service.rules.roles import Role
from service.rules.upn import is_valid_upn

PAGE_SIZE = 50

#: Most rows a search shows; more than this and the user is asked to narrow it down.
SEARCH_LIMIT = 50

#: The pupil fields an edit can change, in the order the audit lists them.
PUPIL_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "upn",
    "school_id",
    "sen_status",
    "looked_after",
    "fsm_eligible",
    "safeguarding_status",
    "year_group_override",
)

DUPLICATE_UPN = "A pupil with this UPN already exists"

PARENT_FIELDS = ("name", "relationship_to_pupil", "phone", "email", "address", "parental_responsibility")


class _Keep(enum.Enum):
    KEEP = "keep"


#: An answer a caller does not give (the MIS import has no EHCP review date): the stored value stays.
KEEP = _Keep.KEEP


class PupilError(FieldError):
    """A problem with a pupil change that the user can fix."""


@dataclass
class ParentDetails:
    name: str
    relationship_to_pupil: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    parental_responsibility: bool = False


@dataclass
class PupilDetails:
    legal_first_name: str
    legal_last_name: str
    preferred_name: str | None
    date_of_birth: date
    upn: str | None
    school_id: int | None
    sen_status: SenStatus = SenStatus.NONE
    looked_after: bool = False
    fsm_eligible: bool = False
    safeguarding_status: SafeguardingStatus = SafeguardingStatus.NONE_KNOWN
    year_group_override: int | None = None
    #: For a pupil with an EHCP; ``KEEP`` (the import) leaves the recorded date as it is.
    ehcp_last_annual_review: date | None | _Keep = KEEP
    #: The pupil's parents and carers in order; ``None`` leaves the ones already recorded as they are.
    parents: list[ParentDetails] | None = field(default_factory=list)


def visible_pupils(user: User) -> sa.Select[tuple[Pupil]]:
    """The pupils this user may see, as a query to refine. Deny by default."""
    stmt = sa.select(Pupil)
    if user.role is Role.COMMISSIONER:
        return stmt.where(Pupil.organisation_id == user.organisation_id)
    return stmt.where(sa.false())


def get_pupil_for(user: User, pupil_id: int) -> Pupil | None:
    """One pupil if the user may see them, else None (the view answers 404). Audits the viewing."""
    stmt = visible_pupils(user).where(Pupil.id == pupil_id).options(selectinload(Pupil.parents))
    pupil = db.session.scalar(stmt)
    if pupil is not None:
        audit.record("view", "pupil", pupil.id, user)
    return pupil


def _ordered(stmt: sa.Select[tuple[Pupil]]) -> sa.Select[tuple[Pupil]]:
    return stmt.options(selectinload(Pupil.school)).order_by(
        sa.func.lower(Pupil.legal_last_name), sa.func.lower(Pupil.legal_first_name), Pupil.id
    )


def list_pupils(user: User, page: int = 1) -> Page[Pupil]:
    """A page of the user's pupils, by surname then first name."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(visible_pupils(user).subquery())) or 0
    number = page_number(page, total, PAGE_SIZE)
    stmt = _ordered(visible_pupils(user)).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    return Page(list(db.session.scalars(stmt)), number, total, PAGE_SIZE)


def search_pupils(user: User, term: str) -> tuple[list[Pupil], bool]:
    """The user's pupils matching every word of ``term`` in a name or the UPN, and whether there were more.

    The term is personal data: callers take it from a posted form, and it is never logged or audited.
    """
    words = [w for w in term.split() if w][:5]
    stmt = visible_pupils(user)
    for word in words:
        pattern = "%" + _escape_like(word.lower()) + "%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Pupil.legal_first_name).like(pattern, escape="\\"),
                sa.func.lower(Pupil.legal_last_name).like(pattern, escape="\\"),
                sa.func.lower(Pupil.preferred_name).like(pattern, escape="\\"),
                Pupil.upn == word.upper(),
            )
        )
    found = list(db.session.scalars(_ordered(stmt).limit(SEARCH_LIMIT + 1)))
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def school_options() -> list[tuple[int, str]]:
    """The schools a pupil can be on roll at, by name."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.SCHOOL)
        .order_by(Organisation.name)
    )
    return [(row.id, row.name) for row in rows]


def create_pupil(user: User, details: PupilDetails) -> Pupil:
    """Add a pupil to the commissioner's organisation."""
    _check(user.organisation_id, details, None)
    pupil = Pupil(organisation_id=user.organisation_id)
    apply_details(pupil, details)
    db.session.add(pupil)
    _flush()
    audit.record("create", "pupil", pupil.id, user, {"parents": len(pupil.parents)})
    return pupil


def update_pupil(user: User, pupil: Pupil, details: PupilDetails) -> Pupil:
    """Change a pupil's record; the audit lists the names of the fields that changed."""
    if user.role is not Role.COMMISSIONER or pupil.organisation_id != user.organisation_id:
        raise PupilError("legal_first_name", "Only your own organisation's pupils can be changed")
    _check(pupil.organisation_id, details, pupil.id)
    changed = apply_details(pupil, details)
    _flush()
    if changed:
        audit.record("update", "pupil", pupil.id, user, {"fields": changed})
    return pupil


def _flush() -> None:
    """Write now, so that two people saving the same UPN at once get the message rather than an error page.

    After a PupilError the caller must roll the session back.
    """
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        raise PupilError("upn", DUPLICATE_UPN) from error


def apply_details(pupil: Pupil, details: PupilDetails) -> list[str]:
    """Copy the details onto the pupil and return the names of the fields that changed (no values)."""
    values = normalised(details)
    changed = [name for name in PUPIL_FIELDS if getattr(pupil, name) != values[name]]
    for name in changed:
        setattr(pupil, name, values[name])
    review = (
        pupil.ehcp_last_annual_review if details.ehcp_last_annual_review is KEEP else details.ehcp_last_annual_review
    )
    review = review if pupil.sen_status is SenStatus.EHCP else None  # the date means nothing without an EHCP
    if review != pupil.ehcp_last_annual_review:
        pupil.ehcp_last_annual_review = review
        changed.append("ehcp_last_annual_review")
    if details.parents is not None:
        new = [parent_values(p) for p in details.parents]
        old = [{name: getattr(p, name) for name in PARENT_FIELDS} for p in pupil.parents]
        if new != old:
            pupil.parents = [ParentCarer(position=i, **values) for i, values in enumerate(new)]
            changed.append("parents")
    return changed


def normalised(details: PupilDetails) -> dict[str, object]:
    """The pupil's field values as stored: trimmed names, an upper-case UPN, blanks as None."""
    return {
        "legal_first_name": details.legal_first_name.strip(),
        "legal_last_name": details.legal_last_name.strip(),
        "preferred_name": (details.preferred_name or "").strip() or None,
        "date_of_birth": details.date_of_birth,
        "upn": (details.upn or "").strip().upper() or None,
        "school_id": details.school_id,
        "sen_status": SenStatus(details.sen_status),
        "looked_after": bool(details.looked_after),
        "fsm_eligible": bool(details.fsm_eligible),
        "safeguarding_status": SafeguardingStatus(details.safeguarding_status),
        "year_group_override": details.year_group_override,
    }


def parent_values(parent: ParentDetails) -> dict[str, object]:
    """A parent's values as stored: trimmed (the pupil import writes them through this too)."""
    return {
        "name": parent.name.strip(),
        "relationship_to_pupil": parent.relationship_to_pupil.strip(),
        "phone": parent.phone.strip(),
        "email": parent.email.strip(),
        "address": parent.address.strip(),
        "parental_responsibility": bool(parent.parental_responsibility),
    }


def upn_in_use(organisation_id: int, upn: str, except_pupil_id: int | None = None) -> bool:
    stmt = sa.select(Pupil.id).where(Pupil.organisation_id == organisation_id, Pupil.upn == upn.strip().upper())
    if except_pupil_id is not None:
        stmt = stmt.where(Pupil.id != except_pupil_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _check(organisation_id: int, details: PupilDetails, pupil_id: int | None) -> None:
    if not details.legal_first_name.strip():
        raise PupilError("legal_first_name", "Enter the pupil's legal first name")
    if not details.legal_last_name.strip():
        raise PupilError("legal_last_name", "Enter the pupil's legal last name")
    if details.date_of_birth > date.today():
        raise PupilError("date_of_birth", "Date of birth must be today or in the past")
    upn = (details.upn or "").strip().upper()
    if upn:
        if not is_valid_upn(upn):
            raise PupilError("upn", "Enter a valid UPN: 13 characters starting with a check letter, like A123456789012")
        if upn_in_use(organisation_id, upn, pupil_id):
            raise PupilError("upn", DUPLICATE_UPN)
    if details.school_id is not None:
        school = db.session.get(Organisation, details.school_id)
        if school is None or school.kind is not OrganisationKind.SCHOOL:
            raise PupilError("school_id", "Select the pupil's school, or No school place")
    review = details.ehcp_last_annual_review
    if isinstance(review, date) and review > date.today():
        raise PupilError("ehcp_last_annual_review", "The date of the last EHCP annual review must be in the past")
    if details.year_group_override is not None and not -1 <= details.year_group_override <= 13:
        raise PupilError("year_group_override", "Select a year group, or Use the statutory year group")
