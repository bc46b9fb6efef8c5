"""The local authority's decision on one placement.

Why it is recorded: for every route but a school pupil without an EHCP the law gives the decision to the local
authority (the Oxfordshire commissioning guidance, "Decision Making"; ``service.rules.decision``). A school cannot
agree the plan until the LA has said yes, on a date, by a named officer, with the date of the early or annual
review of the EHCP that considered it and, for a medical placement, the health input the joint decision rests on.
One record per placement: recording again replaces it (the audit trail keeps each change).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow
from service.organisations.models import Organisation
from service.placements.models import Placement
from service.rules.decision import LaDecisionFacts, LaOutcome


class LaDecision(Base):
    __tablename__ = "la_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), unique=True)
    #: The LA whose officer recorded it (the school's LA, or the LA commissioning the placement itself).
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    outcome: Mapped[LaOutcome] = mapped_column(enum_column(LaOutcome))
    decided_on: Mapped[date]
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    officer_name: Mapped[str] = mapped_column(sa.String(200))
    #: The early or annual review of the EHCP that considered the placement (a pupil with an EHCP).
    ehcp_review_date: Mapped[date | None] = mapped_column(nullable=True)
    #: Medical placements: the health service's input (a consultant confirms the child cannot attend school).
    health_input_by: Mapped[str] = mapped_column(sa.String(200), default="")
    health_input_on: Mapped[date | None] = mapped_column(nullable=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    placement: Mapped[Placement] = relationship()
    local_authority: Mapped[Organisation] = relationship()
    officer: Mapped[User | None] = relationship()

    @property
    def facts(self) -> LaDecisionFacts:
        """The record reduced to what the rule turns on."""
        return LaDecisionFacts(
            outcome=self.outcome,
            decided_on=self.decided_on,
            officer=self.officer_name,
            ehcp_review_date=self.ehcp_review_date,
            health_input_by=self.health_input_by,
            health_input_on=self.health_input_on,
        )
