"""Organisations: the schools, local-authority teams and providers that people work for.

Every user belongs to exactly one organisation, and every record with personal data is scoped by
the organisation that owns it, so the organisation is the unit of access control.
"""

from __future__ import annotations

import enum
from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, TimestampMixin, enum_column
from service.rules.delivery import MailDelivery
from service.rules.organisations import OrganisationKind


class LocalAuthorityTeam(enum.StrEnum):
    """The LA teams that commission AP, per the Oxfordshire commissioning guidance's decision-making section."""

    SEN = "sen"
    ACCESS_TO_LEARNING = "access_to_learning"
    VIRTUAL_SCHOOL = "virtual_school"
    HOSPITAL_SCHOOL = "hospital_school"

    @property
    def label(self) -> str:
        return {
            "sen": "Statutory SEN team",
            "access_to_learning": "Access to Learning team",
            "virtual_school": "Virtual school",
            "hospital_school": "Hospital school",
        }[self.value]


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    la_team: Mapped[LocalAuthorityTeam | None] = mapped_column(enum_column(LocalAuthorityTeam), nullable=True)
    urn: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    la_code: Mapped[str | None] = mapped_column(sa.String(3), nullable=True)
    #: A school's local authority, chosen by the school's own admin (the school decides who sees its data): the
    #: LA told whenever the school commissions, ends or extends AP, whose officers record the decision for its
    #: pupils with an EHCP, and who see a read-only summary of the school's placements.
    local_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), nullable=True, index=True)
    # An LA's contacts for alternative provision (DfE, Arranging alternative provision: the LA is told whenever
    # a school commissions AP). The SEN team is told too when the pupil has an EHCP.
    ap_contact_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    ap_contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    sen_contact_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    sen_contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")

    # What the provider information pack says about keeping the pupil safe: the commissioner's own
    # designated safeguarding lead and deputy, its child-protection expectations and how to raise a concern.
    dsl_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    dsl_phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    deputy_dsl_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    deputy_dsl_phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    child_protection_expectations: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    concern_procedure: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Whom the provider tells, the same day, when a pupil is absent.
    attendance_contact_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    attendance_contact_phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    attendance_contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")

    # Sending: how many working days before the start the pack goes, and how documents are delivered.
    pack_lead_working_days: Mapped[int] = mapped_column(default=5, server_default="5")
    mail_delivery: Mapped[MailDelivery] = mapped_column(
        enum_column(MailDelivery), default=MailDelivery.LINK_OUTSIDE_TRUSTED, server_default="link_outside_trusted"
    )
    trusted_domains: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # one per line
    # The normal school day a full-time package must cover on every school day (service.rules.full_time).
    school_day_starts: Mapped[time] = mapped_column(default=time(9, 0), server_default="09:00:00")
    school_day_ends: Mapped[time] = mapped_column(default=time(15, 0), server_default="15:00:00")

    local_authority: Mapped[Organisation | None] = relationship(remote_side=[id], foreign_keys=[local_authority_id])

    @property
    def trusted_domain_list(self) -> list[str]:
        return [line.strip().lower() for line in self.trusted_domains.replace(",", "\n").splitlines() if line.strip()]

    @property
    def kind_label(self) -> str:
        if self.kind is OrganisationKind.LOCAL_AUTHORITY and self.la_team is not None:
            return self.la_team.label
        return self.kind.label

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind.value}>"
