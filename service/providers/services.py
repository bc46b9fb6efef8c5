"""The approved-provider catalogue: who can see which providers, adding and changing them, and the checks a
commissioner must see before using one.

Scoping lives here, in one function, so every screen that lists providers applies the same rule:
commissioners and admins see the whole catalogue (any commissioner may place a pupil with any provider),
provider staff see only the record of their own organisation, nobody else sees any provider record.

Each record has one owner, the LA or school that manages the catalogue entry (``owner_organisation_id``): only
its commissioners and admins change it; everyone else reads it. The record is the owner's due-diligence
evidence (the LA's approved-provider criteria), so a provider cannot vouch for itself by editing it, and one
school cannot rewrite what another relies on. A change reaches the audit log of every organisation with live
placements there, and a changed placement contact waits for each of them to confirm it (``contacts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.extensions import db
from service.organisations.models import Organisation
from service.providers import contacts
from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    OfstedGrade,
    Provider,
    ProviderContact,
    ProviderCriterion,
    ProviderSite,
    QaOutcome,
)
from service.rules.census import SettingType
from service.rules.dates import uk_date
from service.rules.organisations import OrganisationKind
from service.rules.provider_checks import (
    INSURANCE_WARNING_DAYS,
    InsuranceStatus,
    TrainingStatus,
    insurance_status,
    training_refresh_due,
    training_status,
)
from service.rules.roles import Role
from service.signals import provider_changed

MAX_HOURS_PER_WEEK = Decimal(50)
#: The roles that manage their own organisation's catalogue entries.
CATALOGUE_MANAGERS = (Role.COMMISSIONER, Role.ADMIN)

NOT_APPROVED_WARNING = "Using a provider not on the approved list must be reported to the Virtual AP Headteacher"


class ProviderError(FieldError):
    """A problem with a provider change that the user can fix."""


# Who sees what ------------------------------------------------------------------------------------------------


def visible_providers(user: User) -> sa.Select[tuple[Provider]]:
    """The providers this user may see, as a query to refine. Deny by default."""
    stmt = sa.select(Provider)
    if user.role in CATALOGUE_MANAGERS:  # they read the whole catalogue; each changes its own entries
        return stmt
    if user.role is Role.PROVIDER_STAFF:
        return stmt.where(Provider.organisation_id == user.organisation_id)
    return stmt.where(sa.false())


def list_providers(user: User) -> list[Provider]:
    """The user's visible providers by name, with what the warnings need loaded."""
    stmt = (
        visible_providers(user)
        .options(selectinload(Provider.criteria), selectinload(Provider.owner_organisation))
        .order_by(Provider.name, Provider.id)
    )
    return list(db.session.scalars(stmt))


def may_change(user: User, provider: Provider) -> bool:
    """Whether the user may change this catalogue entry: a commissioner or admin of the organisation that owns it."""
    return user.role in CATALOGUE_MANAGERS and provider.owner_organisation_id == user.organisation_id


def may_add(user: User) -> bool:
    return user.role in CATALOGUE_MANAGERS


def get_provider_for(user: User, provider_id: int) -> Provider | None:
    """One provider if the user may see it, else None (the view answers 404)."""
    stmt = (
        visible_providers(user)
        .where(Provider.id == provider_id)
        .options(selectinload(Provider.criteria), selectinload(Provider.sites), selectinload(Provider.contacts))
    )
    return db.session.scalar(stmt)


# Adding and changing ------------------------------------------------------------------------------------------


@dataclass
class SiteDetails:
    name: str
    address: str = ""
    postcode: str = ""


@dataclass
class ContactDetails:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    is_placement_contact: bool = False


@dataclass
class CriterionDetails:
    criterion: ApprovalCriterion
    met: bool = False
    evidence_date: date | None = None
    notes: str = ""


@dataclass
class ProviderDetails:
    """Everything the catalogue records about a provider, typed; blank text is ``""``, unknown dates ``None``."""

    name: str
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    dfe_registered: bool = False
    urn: str | None = None
    ukprn: str | None = None
    setting_type: SettingType | None = None
    ofsted_grade: OfstedGrade = OfstedGrade.NOT_INSPECTED
    ofsted_date: date | None = None
    approved_list_status: ApprovedListStatus = ApprovedListStatus.NOT_ON_LIST
    criteria: list[CriterionDetails] = field(default_factory=list)
    dsl_name: str = ""
    dsl_phone: str = ""
    dsl_training_date: date | None = None
    deputy_dsl_name: str = ""
    deputy_dsl_phone: str = ""
    deputy_dsl_training_date: date | None = None
    vetting_confirmed: bool = False
    vetting_confirmed_on: date | None = None
    insurance_expiry: date | None = None
    qa_outcome: QaOutcome = QaOutcome.NOT_YET_ASSESSED
    qa_date: date | None = None
    services_offered: str = ""
    subjects_offered: str = ""
    hours_available_per_week: Decimal | None = None
    availability_notes: str = ""
    sites: list[SiteDetails] = field(default_factory=list)
    contacts: list[ContactDetails] = field(default_factory=list)


#: The provider's own columns, in the order the form asks for them (for saving and for the audit trail).
SCALAR_FIELDS = (
    "name",
    "address",
    "postcode",
    "phone",
    "email",
    "dfe_registered",
    "urn",
    "ukprn",
    "setting_type",
    "ofsted_grade",
    "ofsted_date",
    "approved_list_status",
    "dsl_name",
    "dsl_phone",
    "dsl_training_date",
    "deputy_dsl_name",
    "deputy_dsl_phone",
    "deputy_dsl_training_date",
    "vetting_confirmed",
    "vetting_confirmed_on",
    "insurance_expiry",
    "qa_outcome",
    "qa_date",
    "services_offered",
    "subjects_offered",
    "hours_available_per_week",
    "availability_notes",
)


def create_provider(user: User, details: ProviderDetails) -> Provider:
    """Add a provider to the catalogue, owned by the user's organisation. Audits the names of the fields filled
    in, never their values.

    Each provider gets its own organisation, so that its staff can be given accounts
    (``apdocs create-user --organisation NAME``) that see the placements made with it and nothing else.
    """
    if not may_add(user):
        raise ProviderError("name", "Only commissioners and administrators can add providers to the catalogue")
    details = _checked(details, provider_id=None)
    provider = Provider(
        name=details.name,
        organisation=Organisation(name=details.name, kind=OrganisationKind.PROVIDER),
        owner_organisation_id=user.organisation_id,
    )
    _apply_scalars(provider, details)
    provider.criteria = [
        ProviderCriterion(criterion=c.criterion, met=c.met, evidence_date=c.evidence_date, notes=c.notes)
        for c in _criteria_in_order(details)
    ]
    provider.sites = _sites(details)
    provider.contacts = _contacts(details)
    db.session.add(provider)
    db.session.flush()
    filled = [name for name in SCALAR_FIELDS if getattr(details, name) not in (None, "", False)]
    filled += [f"criteria.{c.criterion.value}" for c in details.criteria if c.met or c.evidence_date or c.notes]
    filled += [name for name in ("sites", "contacts") if getattr(details, name)]
    audit.record("create", "provider", provider.id, user, {"fields": filled})
    return provider


def update_provider(user: User, provider: Provider, details: ProviderDetails) -> list[str]:
    """Change a provider's record; returns (and audits) the names of the fields that changed.

    Every other organisation with live placements at the provider gets the change in its own audit log
    (field names only), so nobody's packs or signing links are redirected without a trace; a changed
    placement contact also waits for each of them to confirm it before anything goes there (``contacts``).
    """
    if not may_change(user, provider):
        raise PermissionError("only the organisation that owns a catalogue entry changes it")
    details = _checked(details, provider_id=provider.id)
    contact_before = _contact_email(provider)
    changed = [name for name in SCALAR_FIELDS if getattr(provider, name) != getattr(details, name)]
    _apply_scalars(provider, details)

    for wanted in _criteria_in_order(details):
        row = provider.criterion(wanted.criterion)
        if row is None:  # updated in place: replacing rows would clash with the unique (provider, criterion)
            row = ProviderCriterion(criterion=wanted.criterion)
            provider.criteria.append(row)
        before = (row.met, row.evidence_date, row.notes)
        row.met, row.evidence_date, row.notes = wanted.met, wanted.evidence_date, wanted.notes
        if before != (wanted.met, wanted.evidence_date, wanted.notes):
            changed.append(f"criteria.{wanted.criterion.value}")

    sites = [(s.name, s.address, s.postcode) for s in details.sites]
    if sites != [(s.name, s.address, s.postcode) for s in provider.sites]:
        provider.sites = _sites(details)
        changed.append("sites")
    given = [(c.name, c.role, c.phone, c.email, c.is_placement_contact) for c in details.contacts]
    if given != [(c.name, c.role, c.phone, c.email, c.is_placement_contact) for c in provider.contacts]:
        provider.contacts = _contacts(details)
        changed.append("contacts")

    if changed:
        audit.record("update", "provider", provider.id, user, {"fields": changed})
        detail = {
            "fields": changed,
            "changed_by_organisation_id": user.organisation_id,
            "placement_contact_changed": _contact_email(provider) != contact_before,
        }
        provider_changed.send(provider, user=user, detail=detail)
    return changed


def _contact_email(provider: Provider) -> str:
    contact = contacts.placement_contact(provider)
    return contact.email.strip().lower() if contact is not None else ""


def _checked(details: ProviderDetails, provider_id: int | None) -> ProviderDetails:
    """A tidied copy of the details, if they keep the catalogue's rules (the form checks them too, for its messages).

    Text is stripped and its line endings made LF (browsers send CR LF), so saving an unchanged form records no
    change.
    """
    details = replace(details)
    for name in SCALAR_FIELDS:
        if isinstance(getattr(details, name), str):
            setattr(details, name, _tidy(getattr(details, name)))
    details.criteria = [replace(c, notes=_tidy(c.notes)) for c in details.criteria]
    details.sites = [
        SiteDetails(name=_tidy(s.name), address=_tidy(s.address), postcode=" ".join(s.postcode.upper().split()))
        for s in details.sites
    ]
    details.contacts = [
        ContactDetails(
            name=_tidy(c.name),
            role=_tidy(c.role),
            phone=_tidy(c.phone),
            email=_tidy(c.email),
            is_placement_contact=c.is_placement_contact,
        )
        for c in details.contacts
    ]
    if not details.name:
        raise ProviderError("name", "Enter the provider's name")
    details.postcode = " ".join(details.postcode.upper().split())
    details.urn = re.sub(r"\s+", "", details.urn or "") or None
    details.ukprn = re.sub(r"\s+", "", details.ukprn or "") or None
    if not details.dfe_registered:
        details.urn = None  # only a registered school has a URN
    elif details.urn is None:
        raise ProviderError("urn", "Enter the provider's URN")
    elif not re.fullmatch(r"[0-9]{6,7}", details.urn):
        raise ProviderError("urn", "Enter a URN of 6 or 7 digits")
    if details.ukprn is not None and not re.fullmatch(r"1[0-9]{7}", details.ukprn):
        raise ProviderError("ukprn", "Enter a UKPRN of 8 digits starting with 1, like 10012345")
    if details.urn is not None:
        clash = sa.select(Provider.id).where(Provider.urn == details.urn)
        if provider_id is not None:
            clash = clash.where(Provider.id != provider_id)
        if db.session.scalar(clash) is not None:
            raise ProviderError("urn", "Another provider in the catalogue already has this URN")
    if details.ofsted_grade is OfstedGrade.NOT_INSPECTED:
        details.ofsted_date = None
    if not details.vetting_confirmed:
        details.vetting_confirmed_on = None
    elif details.vetting_confirmed_on is None:
        raise ProviderError("vetting_confirmed_on", "Enter the date the provider confirmed staff vetting")
    if details.qa_outcome is QaOutcome.NOT_YET_ASSESSED:
        details.qa_date = None
    hours = details.hours_available_per_week
    if hours is not None and not (0 <= hours <= MAX_HOURS_PER_WEEK):
        raise ProviderError("hours_available_per_week", "Hours a week must be between 0 and 50")
    return details


def _apply_scalars(provider: Provider, details: ProviderDetails) -> None:
    for name in SCALAR_FIELDS:
        setattr(provider, name, getattr(details, name))


def _criteria_in_order(details: ProviderDetails) -> list[CriterionDetails]:
    """One entry per criterion in the catalogue's order; a criterion not given is recorded as not met."""
    given = {c.criterion: c for c in details.criteria}
    return [given.get(c, CriterionDetails(criterion=c)) for c in ApprovalCriterion]


def _tidy(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _sites(details: ProviderDetails) -> list[ProviderSite]:
    return [ProviderSite(name=s.name, address=s.address, postcode=s.postcode) for s in details.sites]


def _contacts(details: ProviderDetails) -> list[ProviderContact]:
    return [
        ProviderContact(
            name=c.name, role=c.role, phone=c.phone, email=c.email, is_placement_contact=c.is_placement_contact
        )
        for c in details.contacts
    ]


# What a commissioner must see before using a provider ---------------------------------------------------------


def provider_warnings(provider: Provider, on: date) -> list[str]:
    """The gaps in a provider's due diligence on day ``on``, most serious first; empty when there are none.

    Commissioners stay responsible for a pupil's safety at the provider (the Oxfordshire AP directory advice and
    commissioning guidance, KCSIE), so these are shown before they use it: approved-list status, each approval
    criterion, safeguarding leads and their training, vetting, insurance, DfE registration and quality assurance.
    """
    warnings: list[str] = []
    status = ApprovedListStatus(provider.approved_list_status)
    if status is not ApprovedListStatus.APPROVED:
        warnings.append(f"{status.label}. {NOT_APPROVED_WARNING}")

    for criterion in ApprovalCriterion:
        row = provider.criterion(criterion)
        if row is None or not row.met:
            warnings.append(f"Approval criterion not met: {criterion.label}")
        elif row.evidence_date is None:
            warnings.append(f"No evidence date recorded for approval criterion: {criterion.label}")

    for role, name, trained in (
        ("designated safeguarding lead", provider.dsl_name, provider.dsl_training_date),
        ("deputy designated safeguarding lead", provider.deputy_dsl_name, provider.deputy_dsl_training_date),
    ):
        if not (name or "").strip():
            warnings.append(f"No {role} recorded")
            continue
        training = training_status(trained, on)
        if training is TrainingStatus.MISSING:
            warnings.append(f"No safeguarding training date recorded for the {role}")
        elif training is TrainingStatus.OUT_OF_DATE and trained is not None:
            due = training_refresh_due(trained)
            warnings.append(
                f"The {role}'s safeguarding training is out of date: it was last done on {uk_date(trained)} "
                f"and should have been refreshed by {uk_date(due)} (at least every 2 years)"
            )

    if not provider.vetting_confirmed:
        warnings.append("No written confirmation that the provider's staff have enhanced DBS checks")

    insurance = insurance_status(provider.insurance_expiry, on)
    if insurance is InsuranceStatus.MISSING:
        warnings.append("No insurance expiry date recorded")
    elif insurance is InsuranceStatus.EXPIRED:
        warnings.append(f"Insurance expired on {uk_date(provider.insurance_expiry)}")
    elif insurance is InsuranceStatus.EXPIRING_SOON:
        when = "today" if provider.insurance_expiry == on else f"on {uk_date(provider.insurance_expiry)}"
        warnings.append(f"Insurance expires {when}, within {INSURANCE_WARNING_DAYS} days: ask for the renewal")

    if not provider.dfe_registered:
        warnings.append(
            "Not registered with the DfE as an independent school: it must not give full-time education to "
            "5 or more pupils of compulsory school age, or to 1 who is looked after or has an EHC plan"
        )

    qa = QaOutcome(provider.qa_outcome)
    if qa is QaOutcome.UNSATISFACTORY:
        when = f" on {uk_date(provider.qa_date)}" if provider.qa_date else ""
        warnings.append(f"Quality assurance outcome{when} was unsatisfactory")
    elif qa is QaOutcome.NOT_YET_ASSESSED:
        warnings.append("The provider has not been quality assured yet")
    return warnings
