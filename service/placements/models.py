"""Placements: a pupil at a provider, commissioned by an organisation, through a controlled lifecycle."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from service.organisations.models import Organisation
from service.providers.models import Provider
from service.pupils.models import Pupil
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.full_time import DeliveredBy, TimetableSession
from service.rules.organisations import OrganisationKind
from service.rules.placement_status import PlacementStatus

if TYPE_CHECKING:
    from service.end_of_placement.models import EndOfPlacement
    from service.provider_packs.models import ProviderPack
    from service.reviews.models import Review
    from service.support_plans.models import SupportPlan
    from service.support_plans.overrides import PlanOverride


class Weekday(int, enum.Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Placement(TimestampMixin, Base):
    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("pupils.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id"), index=True)
    commissioning_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    circumstance: Mapped[Circumstance] = mapped_column(enum_column(Circumstance))
    decision_maker: Mapped[DecisionMaker] = mapped_column(enum_column(DecisionMaker))
    decided_by: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[PlacementStatus] = mapped_column(enum_column(PlacementStatus), default=PlacementStatus.DRAFT)
    planned_start: Mapped[date]
    planned_end: Mapped[date | None] = mapped_column(nullable=True)
    actual_start: Mapped[date | None] = mapped_column(nullable=True)
    actual_end: Mapped[date | None] = mapped_column(nullable=True)
    reason_for_referral: Mapped[str] = mapped_column(sa.Text, default="")
    #: The pupil is dual registered at the provider (a pupil referral unit or AP academy): the school's register
    #: then records ``D`` for the sessions there, not ``B`` or ``K`` (``attendance_codes.off_site_register_code``).
    dual_registered: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: The census reason for the placement, recorded by the commissioner: a ``rules.census.SchoolCensusReason``
    #: value for a placement a school arranged, an ``ApCensusReason`` value for one an LA arranged. Never derived
    #: from who decides. Empty on placements made before it was asked.
    census_reason: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    pupil: Mapped[Pupil] = relationship()
    provider: Mapped[Provider] = relationship()
    commissioning_organisation: Mapped[Organisation] = relationship()
    sessions: Mapped[list[PlacementSession]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="(PlacementSession.weekday, PlacementSession.starts_at)",
    )
    history: Mapped[list[PlacementStatusChange]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="PlacementStatusChange.id"
    )
    support_plan: Mapped[SupportPlan | None] = relationship(
        back_populates="placement", uselist=False, cascade="all, delete-orphan"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="Review.number"
    )
    provider_pack: Mapped[ProviderPack | None] = relationship(
        back_populates="placement", uselist=False, cascade="all, delete-orphan"
    )
    end_of_placement: Mapped[EndOfPlacement | None] = relationship(
        back_populates="placement", uselist=False, cascade="all, delete-orphan"
    )
    #: Checks a senior leader overrode on this placement's plan, oldest first (read-only here: rows are written by
    #: ``service.support_plans.overrides``, and the documents read them through this).
    plan_overrides: Mapped[list[PlanOverride]] = relationship(viewonly=True, order_by="PlanOverride.id")

    @property
    def commissioned_by_la(self) -> bool:
        """Whether a local authority commissioned the placement (a pupil without a school place): the LA, not a
        school, then signs its plan and is named as its commissioner."""
        return self.commissioning_organisation.kind is OrganisationKind.LOCAL_AUTHORITY

    @property
    def provider_sessions(self) -> list[PlacementSession]:
        """The sessions at the provider: what its register is marked against and its hours are counted from."""
        return [s for s in self.sessions if s.setting is DeliveredBy.PROVIDER]

    @property
    def hours_per_week(self) -> Decimal:
        """Hours a week at the provider (the registration threshold and the census count these, not the school's)."""
        minutes = sum(s.minutes for s in self.provider_sessions)
        return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))

    @property
    def timetable(self) -> list[TimetableSession]:
        """The whole week, in every setting, as the full-time rule takes it."""
        return [s.as_rule() for s in self.sessions]


class PlacementSession(Base):
    """One weekly session of the pupil's week (for example Tuesday 09:00–12:00 at the provider), and where it is:
    the provider, the home school or another setting, so that full time can be judged across the whole week."""

    __tablename__ = "placement_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[Weekday] = mapped_column(sa.Integer)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    setting: Mapped[DeliveredBy] = mapped_column(
        enum_column(DeliveredBy), default=DeliveredBy.PROVIDER, server_default=DeliveredBy.PROVIDER.value
    )

    placement: Mapped[Placement] = relationship(back_populates="sessions")

    def as_rule(self) -> TimetableSession:
        return TimetableSession(int(self.weekday), self.starts_at, self.ends_at, self.setting)

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)

    @property
    def weekday_label(self) -> str:
        return Weekday(self.weekday).label


class PlacementStatusChange(Base):
    """Every status change, with who and when: the placement's history, never edited."""

    __tablename__ = "placement_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[PlacementStatus | None] = mapped_column(enum_column(PlacementStatus), nullable=True)
    to_status: Mapped[PlacementStatus] = mapped_column(enum_column(PlacementStatus))
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    placement: Mapped[Placement] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()
