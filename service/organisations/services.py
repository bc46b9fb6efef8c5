"""An organisation's own settings, changed by its administrator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from service.audit import services as audit
from service.extensions import db
from service.organisations.models import Organisation
from service.rules.delivery import MailDelivery

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
)


def organisation_of(user: User) -> Organisation:
    organisation = db.session.get(Organisation, user.organisation_id)
    assert organisation is not None  # every user belongs to one
    return organisation


def save_settings(user: User, answers: Mapping[str, Any]) -> Organisation:
    """Change the user's own organisation's settings (never another's). Caller commits."""
    organisation = organisation_of(user)
    changed = []
    for name in SETTINGS_FIELDS:
        value = answers[name]
        if name == "mail_delivery":
            value = MailDelivery(value)
        elif name == "trusted_domains":
            value = "\n".join(line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip())
        elif name != "pack_lead_working_days":
            value = (value or "").strip() if "\n" not in (value or "") else value.strip()
        if getattr(organisation, name) != value:
            changed.append(name)
            setattr(organisation, name, value)
    audit.record("update", "organisation", organisation.id, user, {"fields": changed})
    return organisation
