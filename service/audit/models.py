"""The audit log: who did what to which record, and who looked at which pupil."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from service.auth.models import User


class AuditEvent(Base):
    """One audited action. ``detail`` holds field names and ids, never the personal data itself."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None] = mapped_column(nullable=True)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)
