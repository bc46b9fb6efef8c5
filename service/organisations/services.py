"""An organisation's own settings, changed by its administrator, and the school-to-LA relationship.

A school's admin chooses the school's local authority; an LA never claims a school, because the link lets the LA
see a summary of the school's placements, and only the school may decide who sees its pupils' records.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from service.audit import services as audit
from service.extensions import db
from service.organisations.models import Organisation
from service.rules.delivery import MailDelivery
from service.rules.organisations import OrganisationKind

if TYPE_CHECKING:
    from service.auth.models import User

SETTINGS_FIELDS = (
    "dsl_name",
    "dsl_phone",
    "deputy_dsl_name",
    "deputy_dsl_phone",
    "child_protection_expectations",
    "concern_procedure",
    "attendance_contact_name",
    "attendance_contact_phone",
    "attendance_contact_email",
    "pack_lead_working_days",
    "mail_delivery",
    "trusted_domains",
    "school_day_starts",
    "school_day_ends",
)
#: Only a school chooses a local authority.
SCHOOL_FIELDS = ("local_authority_id",)
#: Only a local authority has contacts for the AP its schools commission.
LA_FIELDS = ("ap_contact_name", "ap_contact_email", "sen_contact_name", "sen_contact_email")


def settings_fields(organisation: Organisation) -> tuple[str, ...]:
    """The settings this kind of organisation has."""
    if organisation.kind is OrganisationKind.SCHOOL:
        return SETTINGS_FIELDS + SCHOOL_FIELDS
    if organisation.kind is OrganisationKind.LOCAL_AUTHORITY:
        return SETTINGS_FIELDS + LA_FIELDS
    return SETTINGS_FIELDS


def local_authorities() -> list[Organisation]:
    """Every local-authority organisation a school may choose, by name."""
    stmt = sa.select(Organisation).where(Organisation.kind == OrganisationKind.LOCAL_AUTHORITY)
    return list(db.session.scalars(stmt.order_by(Organisation.name, Organisation.id)))


def local_authority_of(organisation: Organisation) -> Organisation | None:
    """The school's local authority, or None when the school has not chosen one (or is not a school)."""
    if organisation.kind is not OrganisationKind.SCHOOL:
        return None
    return organisation.local_authority


def schools_of(local_authority_id: int) -> sa.Select[tuple[int]]:
    """The ids of the schools that chose this LA, as a subquery to scope the LA's read-only views by."""
    return sa.select(Organisation.id).where(
        Organisation.kind == OrganisationKind.SCHOOL, Organisation.local_authority_id == local_authority_id
    )


def organisation_of(user: User) -> Organisation:
    organisation = db.session.get(Organisation, user.organisation_id)
    assert organisation is not None  # every user belongs to one
    return organisation


def save_settings(user: User, answers: Mapping[str, Any]) -> Organisation:
    """Change the user's own organisation's settings (never another's). Caller commits."""
    organisation = organisation_of(user)
    changed = []
    for name in settings_fields(organisation):
        value = answers[name]
        if name == "mail_delivery":
            value = MailDelivery(value)
        elif name == "local_authority_id":
            value = int(value) if value else None
            if value is not None and value not in {la.id for la in local_authorities()}:
                raise ValueError("not a local authority")  # the form offers only LAs; a forged post ends here
        elif name == "trusted_domains":
            value = "\n".join(line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip())
        elif name in ("school_day_starts", "school_day_ends"):
            if not isinstance(value, time):
                raise ValueError("not a time of day")  # the form parses it; a forged post ends here
        elif name != "pack_lead_working_days":
            value = (value or "").strip() if "\n" not in (value or "") else value.strip()
        if getattr(organisation, name) != value:
            changed.append(name)
            setattr(organisation, name, value)
    if organisation.school_day_ends <= organisation.school_day_starts:
        raise ValueError("the school day must end after it starts")  # the form says so next to the field
    audit.record("update", "organisation", organisation.id, user, {"fields": changed})
    return organisation
