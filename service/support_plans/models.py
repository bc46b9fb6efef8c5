"""The AP Support Plan as recorded: one per placement, filled in step by step, then agreed.

Every answer is nullable or blank by default because a SENCO saves a draft at any step and comes back
later; what must be answered before the plan is agreed is checked by ``agreement.agreement_checks``, not
by the database. Objectives and interventions are rows of their own, in the order they were entered.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, TimestampMixin, UTCDateTime, enum_column
from service.placements.models import Placement
from service.rules.full_time import DeliveredBy
from service.rules.outcomes import OutcomeArea
from service.rules.plan_requirements import HealthSafetyOutcome, RiskAnswers


class SupportPlan(TimestampMixin, Base):
    __tablename__ = "support_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), unique=True)

    # Initial referral: the planning meeting.
    planning_meeting_date: Mapped[date | None] = mapped_column(nullable=True)
    school_rep: Mapped[str] = mapped_column(sa.String(200), default="")
    provider_rep: Mapped[str] = mapped_column(sa.String(200), default="")
    parent_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # the pupil's parents/carers taking part
    other_professionals: Mapped[str] = mapped_column(sa.Text, default="")
    pupil_details_confirmed: Mapped[bool] = mapped_column(default=False)

    # Assessment of need. The child's and the parents' views are fields of their own, always shown.
    child_views: Mapped[str] = mapped_column(sa.Text, default="")
    parental_views: Mapped[str] = mapped_column(sa.Text, default="")
    academic_progress: Mapped[str] = mapped_column(sa.Text, default="")
    risks: Mapped[str] = mapped_column(sa.Text, default="")
    separate_risk_assessment: Mapped[bool | None] = mapped_column(nullable=True)
    # Risks, said explicitly, and when there are: the joint risk assessment with the provider and the provider's
    # health-and-safety check (rules.plan_requirements).
    risks_identified: Mapped[bool | None] = mapped_column(nullable=True)
    joint_risk_assessment_date: Mapped[date | None] = mapped_column(nullable=True)
    joint_risk_assessment_by: Mapped[str] = mapped_column(sa.Text, default="")
    joint_risk_assessment_attached: Mapped[bool | None] = mapped_column(nullable=True)
    health_safety_check_date: Mapped[date | None] = mapped_column(nullable=True)
    health_safety_outcome: Mapped[HealthSafetyOutcome | None] = mapped_column(
        enum_column(HealthSafetyOutcome), nullable=True
    )
    outcome_attendance: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_attitude: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_attainment: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_behaviour: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_destination: Mapped[str] = mapped_column(sa.Text, default="")

    # Support plan.
    part_time_reason: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)  # rules.full_time
    part_time_detail: Mapped[str] = mapped_column(sa.Text, default="")
    # The intensive or one-to-one reason: when, and with whom, the parents were consulted about supervising the
    # pupil for the rest of the day (rules.full_time.ParentsConsulted).
    parents_consulted_on: Mapped[date | None] = mapped_column(nullable=True)
    parents_consulted_with: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # Why the interventions' hours differ from the placement's timetable (rules.full_time.hours_check).
    hours_difference_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    school_links: Mapped[str] = mapped_column(sa.Text, default="")
    attendance_arrangements: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_actions: Mapped[str] = mapped_column(sa.Text, default="")
    review_date: Mapped[date | None] = mapped_column(nullable=True)
    # A governing body's off-site direction, and the maximum duration agreed when it was made.
    off_site_direction: Mapped[bool | None] = mapped_column(nullable=True)
    off_site_max_weeks: Mapped[int | None] = mapped_column(nullable=True)

    # Overrides of blocking checks (registration among them) are rows of their own: ``overrides.PlanOverride``.

    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    placement: Mapped[Placement] = relationship(back_populates="support_plan")
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_id])
    objectives: Mapped[list[PlanObjective]] = relationship(
        back_populates="support_plan", cascade="all, delete-orphan", order_by="PlanObjective.position"
    )
    interventions: Mapped[list[PlanIntervention]] = relationship(
        back_populates="support_plan", cascade="all, delete-orphan", order_by="PlanIntervention.position"
    )

    def outcome(self, area: OutcomeArea) -> str:
        return getattr(self, f"outcome_{area.value}")

    @property
    def risk_answers(self) -> RiskAnswers:
        """What the plan says about risks, as the rule reads it."""
        return RiskAnswers(
            risks_identified=self.risks_identified,
            assessment_date=self.joint_risk_assessment_date,
            participants=self.joint_risk_assessment_by or "",
            assessment_attached=self.joint_risk_assessment_attached,
            health_safety_date=self.health_safety_check_date,
            health_safety_outcome=self.health_safety_outcome,
        )


class PlanObjective(Base):
    """A SMART objective: what, from which baseline, to which target, measured how, by when."""

    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    support_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("support_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    area: Mapped[OutcomeArea | None] = mapped_column(enum_column(OutcomeArea), nullable=True)
    objective: Mapped[str] = mapped_column(sa.Text, default="")
    baseline: Mapped[str] = mapped_column(sa.Text, default="")
    target: Mapped[str] = mapped_column(sa.Text, default="")
    measure: Mapped[str] = mapped_column(sa.Text, default="")
    due_by: Mapped[date | None] = mapped_column(nullable=True)
    ehcp_outcome: Mapped[str] = mapped_column(sa.Text, default="")  # for a pupil with an EHCP: the outcome it serves

    support_plan: Mapped[SupportPlan] = relationship(back_populates="objectives")


class PlanIntervention(Base):
    """One intervention in the package: type, hours a week, where, from when."""

    __tablename__ = "plan_interventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    support_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("support_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    intervention_type: Mapped[str] = mapped_column(sa.String(200), default="")
    hours_per_week: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1), nullable=True)
    delivered_by: Mapped[DeliveredBy] = mapped_column(enum_column(DeliveredBy), default=DeliveredBy.PROVIDER)
    start_date: Mapped[date | None] = mapped_column(nullable=True)

    support_plan: Mapped[SupportPlan] = relationship(back_populates="interventions")
