"""Organisations: the schools, local-authority teams and providers that people work for.

Every user belongs to exactly one organisation, and every record with personal data is scoped by
the organisation that owns it, so the organisation is the unit of access control.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TimestampMixin, enum_column


class OrganisationKind(enum.StrEnum):
    SCHOOL = "school"
    LOCAL_AUTHORITY = "local_authority"
    PROVIDER = "provider"

    @property
    def label(self) -> str:
        return {"school": "School", "local_authority": "Local authority team", "provider": "Provider"}[self.value]


class LocalAuthorityTeam(enum.StrEnum):
    """The LA teams that commission AP, per seed 001's decision-making section."""

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

    @property
    def kind_label(self) -> str:
        if self.kind is OrganisationKind.LOCAL_AUTHORITY and self.la_team is not None:
            return self.la_team.label
        return self.kind.label

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind.value}>"
