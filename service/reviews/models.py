"""Review and transition meetings: several per placement, numbered in order, each with progress per objective."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, TimestampMixin, enum_column
from service.placements.models import Placement
from service.rules.attendance_codes import attendance_percent
from service.rules.outcomes import ProgressRating
from service.support_plans.models import PlanObjective


class Review(TimestampMixin, Base):
    __tablename__ = "placement_reviews"
    __table_args__ = (sa.UniqueConstraint("placement_id", "number", name="uq_placement_reviews_placement_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    meeting_date: Mapped[date]
    present: Mapped[str] = mapped_column(sa.Text, default="")
    attendance_from: Mapped[date | None] = mapped_column(nullable=True)
    attendance_to: Mapped[date | None] = mapped_column(nullable=True)
    sessions_possible: Mapped[int | None] = mapped_column(nullable=True)
    sessions_attended: Mapped[int | None] = mapped_column(nullable=True)
    attendance_notes: Mapped[str] = mapped_column(sa.Text, default="")
    pupil_views: Mapped[str] = mapped_column(sa.Text, default="")
    parent_views: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    changes_to_need: Mapped[str] = mapped_column(sa.Text, default="")
    changes_to_outcomes: Mapped[str] = mapped_column(sa.Text, default="")
    changes_to_plan: Mapped[str] = mapped_column(sa.Text, default="")
    extension_agreed: Mapped[bool] = mapped_column(default=False)
    new_end_date: Mapped[date | None] = mapped_column(nullable=True)
    next_review_date: Mapped[date | None] = mapped_column(nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    placement: Mapped[Placement] = relationship(back_populates="reviews")
    recorded_by: Mapped[User | None] = relationship()
    progress: Mapped[list[ObjectiveProgress]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ObjectiveProgress.position"
    )

    @property
    def plan_changed(self) -> bool:
        """A review changes the plan when it records a change to need, outcomes or support, or an extension."""
        return bool(
            self.changes_to_need.strip()
            or self.changes_to_outcomes.strip()
            or self.changes_to_plan.strip()
            or self.extension_agreed
        )

    @property
    def attendance_percent(self) -> Decimal | None:
        """Rounded as the register and the end-of-placement report round it (half up, one place)."""
        if not self.sessions_possible or self.sessions_attended is None:
            return None
        return attendance_percent(self.sessions_attended, self.sessions_possible)


class ObjectiveProgress(Base):
    """Progress against one objective at one review. The objective's text is copied so the record stands alone."""

    __tablename__ = "review_objective_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("placement_reviews.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_objectives.id", ondelete="SET NULL"), nullable=True
    )
    position: Mapped[int] = mapped_column(default=0)
    objective_text: Mapped[str] = mapped_column(sa.Text, default="")
    rating: Mapped[ProgressRating] = mapped_column(enum_column(ProgressRating))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[Review] = relationship(back_populates="progress")
    objective: Mapped[PlanObjective | None] = relationship()
