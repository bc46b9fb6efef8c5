"""Termly progress reports: one per placement per term, written by the provider, read by the commissioner.

Why: the Oxfordshire commissioning guidance asks providers for termly progress reports prepared from a review
meeting with the pupil, parents and professionals, focused on progress against the outcomes agreed at the
start. Each objective's text, baseline and target are copied into the report so a submitted report stands
alone after the plan changes. A submitted report is never edited: a correction is a new version of the
same term's report, and the latest submitted version is the one that counts.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, TimestampMixin, UTCDateTime, enum_column
from service.placements.models import Placement
from service.rules.outcomes import ProgressRating
from service.support_plans.models import PlanObjective


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "submitted": "Submitted"}[self.value]


class ProgressReport(TimestampMixin, Base):
    __tablename__ = "progress_reports"
    __table_args__ = (
        sa.UniqueConstraint("placement_id", "term_key", "version", name="uq_progress_reports_placement_term_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    term_key: Mapped[str] = mapped_column(sa.String(20))  # "2025-autumn": rules.progress_reports.Term.key
    term_name: Mapped[str] = mapped_column(sa.String(60))
    term_starts_on: Mapped[date]
    term_ends_on: Mapped[date]
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus), default=ReportStatus.DRAFT)

    meeting_date: Mapped[date | None] = mapped_column(nullable=True)
    consulted_pupil: Mapped[bool] = mapped_column(default=False)
    consulted_parents: Mapped[bool] = mapped_column(default=False)
    consulted_professionals: Mapped[bool] = mapped_column(default=False)
    consulted: Mapped[str] = mapped_column(sa.Text, default="")  # names and roles
    attendance_engagement: Mapped[str] = mapped_column(sa.Text, default="")
    pupil_view: Mapped[str] = mapped_column(sa.Text, default="")
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")

    written_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: True when the commissioner wrote it for the provider (from a paper report, say).
    on_behalf_of_provider: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    placement: Mapped[Placement] = relationship()
    written_by: Mapped[User | None] = relationship(foreign_keys=[written_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    objectives: Mapped[list[ReportObjective]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportObjective.position"
    )

    @property
    def submitted(self) -> bool:
        return self.status is ReportStatus.SUBMITTED


class ReportObjective(Base):
    """Progress against one objective in one report; the objective's words are copied so the report stands alone."""

    __tablename__ = "progress_report_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_objectives.id", ondelete="SET NULL"), nullable=True
    )
    position: Mapped[int] = mapped_column(default=0)
    objective_text: Mapped[str] = mapped_column(sa.Text, default="")
    baseline: Mapped[str] = mapped_column(sa.Text, default="")
    target: Mapped[str] = mapped_column(sa.Text, default="")
    rating: Mapped[ProgressRating | None] = mapped_column(enum_column(ProgressRating), nullable=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    report: Mapped[ProgressReport] = relationship(back_populates="objectives")
    objective: Mapped[PlanObjective | None] = relationship()
