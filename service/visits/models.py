"""A commissioner's visit to a pupil at their provider.

Why it is recorded: Ofsted and the CQC (2024) found schools not visiting the pupils they had placed. The
commissioner stays responsible for the pupil's safety and progress at the provider; a visit, with what was
seen and what the pupil said, is the evidence that someone looked.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, utcnow
from service.placements.models import Placement


class Visit(Base):
    __tablename__ = "placement_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date]
    visitors: Mapped[str] = mapped_column(sa.String(300))  # who went, with their roles
    what_was_seen: Mapped[str] = mapped_column(sa.Text, default="")
    pupil_views: Mapped[str] = mapped_column(sa.Text, default="")
    concerns: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    placement: Mapped[Placement] = relationship()
    recorded_by: Mapped[User | None] = relationship()
