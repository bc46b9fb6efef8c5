"""An exclusion or suspension recorded by the pupil's school.

Why it is recorded: from the sixth school day a permanently excluded pupil must be given full-time education by the
local authority, and a pupil suspended for more than five school days by the school (``service.rules.exclusions``).
The first day and the length fix that deadline; the date of the headteacher's decision shows it was made in time.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow
from service.organisations.models import Organisation
from service.pupils.models import Pupil
from service.rules.exclusions import ExclusionKind


class Exclusion(Base):
    __tablename__ = "exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    #: The excluding school: its commissioners see and record it, its term dates count the days, its LA owes
    #: the duty for a permanent exclusion.
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[ExclusionKind] = mapped_column(enum_column(ExclusionKind))
    first_day: Mapped[date]
    school_days: Mapped[int | None] = mapped_column(nullable=True)  # a suspension's length; None when permanent
    decided_on: Mapped[date]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pupil: Mapped[Pupil] = relationship()
    organisation: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User | None] = relationship()
