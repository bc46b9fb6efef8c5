"""Where each commissioning organisation sends a provider's pack and signing links, and who may change that.

Why this exists: the provider catalogue is shared by every school and LA team in the area, and a pack carries
a pupil's SEN, medical and safeguarding details. One organisation changing a provider's placement contact must
never silently redirect another organisation's packs. So:

* the organisation that owns a catalogue entry (``Provider.owner_organisation_id``) sends to the address its
  record holds: it is its own record;
* every other organisation sends only to the address it has confirmed (``ContactConfirmation``). The first
  placement an organisation makes with a provider confirms the contact it saw then; a later change by the
  owner is shown on that organisation's To do today and pack pages, and nothing goes to the new address until
  one of its commissioners confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.extensions import db
from service.providers.models import ContactConfirmation, Provider, ProviderContact
from service.rules.roles import Role


def placement_contact(provider: Provider) -> ProviderContact | None:
    """The provider's contact marked for placements, else its first contact with an email address."""
    marked = next((c for c in provider.contacts if c.is_placement_contact and c.email), None)
    return marked or next((c for c in provider.contacts if c.email), None)


@dataclass(frozen=True)
class ContactCheck:
    """One organisation's view of a provider's placement contact: what the record says, what it confirmed."""

    provider_id: int
    contact: ProviderContact | None
    own_record: bool
    confirmed_email: str | None
    confirmed_at: datetime | None

    @property
    def current_email(self) -> str:
        return self.contact.email if self.contact is not None else ""

    @property
    def needs_confirmation(self) -> bool:
        """The record's address is one this organisation has not confirmed (nothing goes to it until it does)."""
        if self.own_record or not self.current_email:
            return False
        return (self.confirmed_email or "").strip().lower() != self.current_email.strip().lower()

    @property
    def address(self) -> str:
        """Where this organisation may send today: the record's address once confirmed, else nowhere."""
        return "" if self.needs_confirmation else self.current_email

    @property
    def name(self) -> str:
        return self.contact.name if self.contact is not None and not self.needs_confirmation else ""


def contact_checks(organisation_id: int, providers: Iterable[Provider]) -> dict[int, ContactCheck]:
    """Each provider's contact as this organisation may use it, in one query (for a whole dashboard)."""
    wanted = {provider.id: provider for provider in providers}
    if not wanted:
        return {}
    confirmations = {
        row.provider_id: row
        for row in db.session.scalars(
            sa.select(ContactConfirmation).where(
                ContactConfirmation.organisation_id == organisation_id,
                ContactConfirmation.provider_id.in_(wanted),
            )
        )
    }
    checks = {}
    for provider_id, provider in wanted.items():
        confirmation = confirmations.get(provider_id)
        checks[provider_id] = ContactCheck(
            provider_id=provider_id,
            contact=placement_contact(provider),
            own_record=provider.owner_organisation_id == organisation_id,
            confirmed_email=confirmation.email if confirmation is not None else None,
            confirmed_at=confirmation.confirmed_at if confirmation is not None else None,
        )
    return checks


def contact_check(organisation_id: int, provider: Provider) -> ContactCheck:
    return contact_checks(organisation_id, [provider])[provider.id]


def confirm_contact(user: User, provider: Provider) -> ContactCheck:
    """Accept the provider's current placement contact for the user's organisation (audited; the caller commits).

    Only a commissioner confirms: packs and signing links are theirs to send.
    """
    if user.role is not Role.COMMISSIONER:
        raise PermissionError("only a commissioner confirms where their organisation's packs go")
    contact = placement_contact(provider)
    if contact is None:
        raise ValueError("the provider has no contact with an email address to confirm")
    _record(user.organisation_id, provider.id, contact.email, user)
    audit.record("confirm_contact", "provider", provider.id, user, {"contact_id": contact.id})
    return contact_check(user.organisation_id, provider)


def note_first_use(organisation_id: int, provider: Provider, user: User | None) -> None:
    """An organisation's first placement with a provider it does not own confirms the contact it sees now.

    Why: there is no earlier address to protect, and the commissioner chose this provider from its record.
    Any later change by the owner is then one they are told about and must confirm.
    """
    if provider.owner_organisation_id == organisation_id:
        return
    exists = db.session.scalar(
        sa.select(ContactConfirmation.id).where(
            ContactConfirmation.organisation_id == organisation_id,
            ContactConfirmation.provider_id == provider.id,
        )
    )
    contact = placement_contact(provider)
    if exists is None and contact is not None:
        _record(organisation_id, provider.id, contact.email, user)


def _record(organisation_id: int, provider_id: int, email: str, user: User | None) -> None:
    row = db.session.scalar(
        sa.select(ContactConfirmation).where(
            ContactConfirmation.organisation_id == organisation_id, ContactConfirmation.provider_id == provider_id
        )
    )
    if row is None:
        row = ContactConfirmation(organisation_id=organisation_id, provider_id=provider_id)
        db.session.add(row)
    row.email = email
    row.confirmed_by_id = user.id if user is not None else None
    row.confirmed_at = utcnow()
