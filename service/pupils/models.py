"""Pupils and their parents/carers: the most sensitive records in apdocs.

A pupil record is owned by the organisation that commissions for them (a school for its own
pupils, an LA team for pupils without a school place) and is visible only to that organisation's
commissioners and, for the placement at hand, to the provider.
"""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, TimestampMixin, enum_column
from service.organisations.models import Organisation
from service.rules.plan_requirements import EhcpReview, ehcp_review
from service.rules.school_age import year_group, year_group_label


class SenStatus(enum.StrEnum):
    """SEN provision, with the school census codes N, K and E that MIS exports use."""

    NONE = "none"
    SEN_SUPPORT = "sen_support"
    EHCP = "ehcp"

    @property
    def label(self) -> str:
        return {"none": "No special educational needs", "sen_support": "SEN support", "ehcp": "EHC plan"}[self.value]

    @property
    def census_code(self) -> str:
        return {"none": "N", "sen_support": "K", "ehcp": "E"}[self.value]


class SafeguardingStatus(enum.StrEnum):
    NONE_KNOWN = "none_known"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION_PLAN = "child_protection_plan"

    @property
    def label(self) -> str:
        return {
            "none_known": "No current concerns known",
            "early_help": "Early help",
            "child_in_need": "Child in need",
            "child_protection_plan": "Child protection plan",
        }[self.value]


class Pupil(TimestampMixin, Base):
    __tablename__ = "pupils"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "upn", name="uq_pupils_organisation_upn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    legal_first_name: Mapped[str] = mapped_column(sa.String(100))
    legal_last_name: Mapped[str] = mapped_column(sa.String(100))
    preferred_name: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    date_of_birth: Mapped[date]
    upn: Mapped[str | None] = mapped_column(sa.String(13), nullable=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), nullable=True)
    sen_status: Mapped[SenStatus] = mapped_column(enum_column(SenStatus), default=SenStatus.NONE)
    looked_after: Mapped[bool] = mapped_column(default=False)
    fsm_eligible: Mapped[bool] = mapped_column(default=False)
    safeguarding_status: Mapped[SafeguardingStatus] = mapped_column(
        enum_column(SafeguardingStatus), default=SafeguardingStatus.NONE_KNOWN
    )
    year_group_override: Mapped[int | None] = mapped_column(nullable=True)
    # For a pupil with an EHCP: the last annual review, from which the next one falls due (rules.plan_requirements).
    ehcp_last_annual_review: Mapped[date | None] = mapped_column(nullable=True)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    school: Mapped[Organisation | None] = relationship(foreign_keys=[school_id])
    parents: Mapped[list[ParentCarer]] = relationship(
        back_populates="pupil", cascade="all, delete-orphan", order_by="ParentCarer.position"
    )

    @property
    def display_name(self) -> str:
        """The name the pupil goes by: preferred first name with the legal surname."""
        return f"{self.preferred_name or self.legal_first_name} {self.legal_last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    def year_group_on(self, on: date) -> int:
        """The override when a child is taught out of year group, otherwise the statutory year."""
        if self.year_group_override is not None:
            return self.year_group_override
        return year_group(self.date_of_birth, on)

    def year_group_label_on(self, on: date) -> str:
        return year_group_label(self.year_group_on(on))

    def ehcp_review(self, on: date) -> EhcpReview | None:
        """When the EHCP's next annual review is due and whether it needs attention on ``on``; None without one."""
        if self.sen_status is not SenStatus.EHCP:
            return None
        return ehcp_review(self.ehcp_last_annual_review, on)


class ParentCarer(Base):
    __tablename__ = "parent_carers"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    relationship_to_pupil: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    parental_responsibility: Mapped[bool] = mapped_column(default=True)

    pupil: Mapped[Pupil] = relationship(back_populates="parents")
