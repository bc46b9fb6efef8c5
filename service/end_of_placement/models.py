"""The record made when a placement ends (what the Oxfordshire commissioning guidance asks the end of a placement to
report).

Why these answers: the 2024 Ofsted/CQC review found commissioners who did not know what placements achieved.
The record says, against each objective, where the pupil started and where they ended; the accreditation
gained (English and maths in particular); the evidence of change in behaviour, personal development and
well-being; the pupil's own view; and where they go next, so that no Year 11 pupil leaves to nothing.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow
from service.placements.models import Placement
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason


class EndOfPlacement(Base):
    __tablename__ = "end_of_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), unique=True)
    ended_on: Mapped[date]
    reason: Mapped[EndReason] = mapped_column(enum_column(EndReason))
    reason_detail: Mapped[str] = mapped_column(sa.Text, default="")
    accreditation_english: Mapped[str] = mapped_column(sa.Text, default="")
    accreditation_maths: Mapped[str] = mapped_column(sa.Text, default="")
    accreditation_other: Mapped[str] = mapped_column(sa.Text, default="")
    behaviour_change: Mapped[str] = mapped_column(sa.Text, default="")
    personal_development: Mapped[str] = mapped_column(sa.Text, default="")
    pupil_assessment: Mapped[str] = mapped_column(sa.Text, default="")
    destination: Mapped[Destination | None] = mapped_column(enum_column(Destination), nullable=True)
    destination_detail: Mapped[str] = mapped_column(sa.Text, default="")
    # A pupil under 18 leaving to no education, employment or training (``rules.destination``): the commissioner's
    # explicit confirmation, what is being done about it (e.g. referred to the LA's participation team), and when.
    neet_confirmed: Mapped[bool] = mapped_column(default=False)
    neet_follow_up: Mapped[str] = mapped_column(sa.Text, default="")
    neet_follow_up_on: Mapped[date | None] = mapped_column(nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="end_of_placement")
    recorded_by: Mapped[User | None] = relationship()
    outcomes: Mapped[list[ObjectiveOutcome]] = relationship(
        back_populates="end_of_placement", cascade="all, delete-orphan", order_by="ObjectiveOutcome.position"
    )


class ObjectiveOutcome(Base):
    """Where the pupil ended against one objective of the plan, from its baseline. The objective's words are
    copied, so the report stands alone whatever later happens to the plan."""

    __tablename__ = "objective_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    end_of_placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("end_of_placements.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    objective_text: Mapped[str] = mapped_column(sa.Text, default="")
    baseline: Mapped[str] = mapped_column(sa.Text, default="")
    target: Mapped[str] = mapped_column(sa.Text, default="")
    rating: Mapped[ProgressRating] = mapped_column(enum_column(ProgressRating))
    outcome: Mapped[str] = mapped_column(sa.Text, default="")  # where the pupil is now, with the evidence

    end_of_placement: Mapped[EndOfPlacement] = relationship(back_populates="outcomes")
