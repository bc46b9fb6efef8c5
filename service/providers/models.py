"""The approved-provider catalogue.

Commissioners stay responsible for a pupil's safety at a provider, so the catalogue records the due-diligence evidence
they are expected to hold (the Oxfordshire AP directory advice and commissioning guidance, KCSIE): approved-list
criteria with evidence dates, DfE registration, safeguarding leads and their training, vetting confirmation, insurance
and quality assurance.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from service.organisations.models import Organisation
from service.rules.census import SettingType


class ApprovedListStatus(enum.StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    NOT_ON_LIST = "not_on_list"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return {
            "approved": "On the approved provider list",
            "pending": "Application pending",
            "not_on_list": "Not on the approved list",
            "removed": "Removed from the list",
        }[self.value]


class OfstedGrade(enum.StrEnum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_INSPECTED = "not_inspected"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class QaOutcome(enum.StrEnum):
    SATISFACTORY = "satisfactory"
    ACTIONS_REQUIRED = "actions_required"
    UNSATISFACTORY = "unsatisfactory"
    NOT_YET_ASSESSED = "not_yet_assessed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ApprovalCriterion(enum.StrEnum):
    """The approved-provider-list requirements of the Oxfordshire AP directory advice, each evidenced separately."""

    RELEVANT_EXPERIENCE = "relevant_experience"
    LOCAL_CAPACITY = "local_capacity"
    REFERENCES = "references"
    FINANCIAL_INTEGRITY = "financial_integrity"
    SAFEGUARDING_STANDARDS = "safeguarding_standards"
    RELEVANT_SERVICES = "relevant_services"
    RECORD_KEEPING = "record_keeping"

    @property
    def label(self) -> str:
        return {
            "relevant_experience": "Relevant experience",
            "local_capacity": "Local capacity",
            "references": "Acceptable references",
            "financial_integrity": "Financial integrity",
            "safeguarding_standards": "Safeguarding meets the LA's and partnership's standards",
            "relevant_services": "Relevant services",
            "record_keeping": "Record keeping",
        }[self.value]


class Provider(TimestampMixin, Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The provider's own organisation: its staff's accounts belong to it, and they see its placements.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), nullable=True, index=True)
    #: The LA or school that manages this catalogue entry: only its commissioners and admins change it.
    owner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=True, index=True
    )
    address: Mapped[str] = mapped_column(sa.Text, default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")

    dfe_registered: Mapped[bool] = mapped_column(default=False)
    urn: Mapped[str | None] = mapped_column(sa.String(10), nullable=True, unique=True)
    ukprn: Mapped[str | None] = mapped_column(sa.String(8), nullable=True)
    #: The school census AP "type of setting", used only when the provider has neither a URN nor a UKPRN.
    setting_type: Mapped[SettingType | None] = mapped_column(enum_column(SettingType), nullable=True)
    ofsted_grade: Mapped[OfstedGrade] = mapped_column(enum_column(OfstedGrade), default=OfstedGrade.NOT_INSPECTED)
    ofsted_date: Mapped[date | None] = mapped_column(nullable=True)

    approved_list_status: Mapped[ApprovedListStatus] = mapped_column(
        enum_column(ApprovedListStatus), default=ApprovedListStatus.NOT_ON_LIST
    )

    dsl_name: Mapped[str] = mapped_column(sa.String(200), default="")
    dsl_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    dsl_training_date: Mapped[date | None] = mapped_column(nullable=True)
    deputy_dsl_name: Mapped[str] = mapped_column(sa.String(200), default="")
    deputy_dsl_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    deputy_dsl_training_date: Mapped[date | None] = mapped_column(nullable=True)

    vetting_confirmed: Mapped[bool] = mapped_column(default=False)
    vetting_confirmed_on: Mapped[date | None] = mapped_column(nullable=True)
    insurance_expiry: Mapped[date | None] = mapped_column(nullable=True)
    qa_outcome: Mapped[QaOutcome] = mapped_column(enum_column(QaOutcome), default=QaOutcome.NOT_YET_ASSESSED)
    qa_date: Mapped[date | None] = mapped_column(nullable=True)

    services_offered: Mapped[str] = mapped_column(sa.Text, default="")
    subjects_offered: Mapped[str] = mapped_column(sa.Text, default="")
    hours_available_per_week: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1), nullable=True)
    availability_notes: Mapped[str] = mapped_column(sa.Text, default="")

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    owner_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[owner_organisation_id])
    sites: Mapped[list[ProviderSite]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="ProviderSite.id"
    )
    contacts: Mapped[list[ProviderContact]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="ProviderContact.id"
    )
    criteria: Mapped[list[ProviderCriterion]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="ProviderCriterion.id"
    )

    def criterion(self, which: ApprovalCriterion) -> ProviderCriterion | None:
        return next((c for c in self.criteria if c.criterion is which), None)


class ProviderSite(Base):
    __tablename__ = "provider_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")

    provider: Mapped[Provider] = relationship(back_populates="sites")


class ProviderContact(Base):
    __tablename__ = "provider_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    is_placement_contact: Mapped[bool] = mapped_column(default=False)

    provider: Mapped[Provider] = relationship(back_populates="contacts")


class ContactConfirmation(Base):
    """The placement contact address one commissioning organisation has confirmed for a provider it does not own.

    Why: the catalogue is shared, and its owner may change a provider's contact. Packs and signing links carry a
    pupil's safeguarding details, so an organisation sends only to the address it confirmed: a change made by
    the owner waits here, unconfirmed, until someone in each organisation using the provider accepts it.
    """

    __tablename__ = "provider_contact_confirmations"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "provider_id", name="uq_provider_contact_confirmations_org_provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProviderCriterion(Base):
    __tablename__ = "provider_criteria"
    __table_args__ = (sa.UniqueConstraint("provider_id", "criterion", name="uq_provider_criteria_provider_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[ApprovalCriterion] = mapped_column(enum_column(ApprovalCriterion))
    met: Mapped[bool] = mapped_column(default=False)
    evidence_date: Mapped[date | None] = mapped_column(nullable=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    provider: Mapped[Provider] = relationship(back_populates="criteria")
