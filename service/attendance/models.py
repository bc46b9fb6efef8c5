"""One attendance mark: a pupil's morning or afternoon session at the provider, with its register code.

The provider records what it saw; the commissioner decides an unexplained absence (``N``) by replacing its
code, and that decision (who, when, a note) stays on the mark. Every change is audited with the previous
code, so the register's history can be reconstructed (registers are kept for six years).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules.attendance_codes import Session


class MarkSource(enum.StrEnum):
    GRID = "grid"
    CSV = "csv"
    CLOSURE = "closure"  # the N a provider's reported closure put on a session it lost

    @property
    def label(self) -> str:
        return {"grid": "Weekly register", "csv": "CSV import", "closure": "Provider closure"}[self.value]


class AttendanceMark(Base):
    __tablename__ = "attendance_marks"
    __table_args__ = (
        sa.UniqueConstraint("placement_id", "on_date", "session", name="uq_attendance_marks_session"),
        # The few absences still without a reason, for the dashboard's two lists of them: a partial index, so finding
        # them among an LA's million marks reads the handful of N marks, not the table (migration 0030).
        sa.Index(
            "ix_attendance_marks_unexplained",
            "placement_id",
            "on_date",
            postgresql_where=sa.text("code = 'N'"),
            sqlite_where=sa.text("code = 'N'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column("on_date", sa.Date, index=True)
    session: Mapped[Session] = mapped_column(enum_column(Session))
    code: Mapped[str] = mapped_column(sa.String(3))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[MarkSource] = mapped_column(enum_column(MarkSource), default=MarkSource.GRID)
    authorised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    authorised_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Set when the session was lost because the provider was closed (``ProviderClosure``): the mark is ``N``
    #: until the commissioner codes it, so the session stays possible meanwhile.
    closure_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("provider_closures.id", ondelete="SET NULL"), nullable=True, index=True
    )

    placement: Mapped[Placement] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    authorised_by: Mapped[User | None] = relationship(foreign_keys=[authorised_by_id])
    closure: Mapped[ProviderClosure | None] = relationship()


class ProviderClosure(Base):
    """A day (or half day) a provider was closed, as the provider reported it.

    Why a record of its own: a provider's closure is not the school's ``#`` (the school's own planned closure).
    Each pupil's session stays a possible session, marked ``N`` and linked here, until the commissioner, who keeps
    the register, records the code the regulations allow; the register and the summary show the sessions lost.
    """

    __tablename__ = "provider_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id"), index=True)
    on: Mapped[date] = mapped_column("on_date", sa.Date, index=True)
    morning: Mapped[bool] = mapped_column(default=True)
    afternoon: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    provider: Mapped[Provider] = relationship()
    reported_by: Mapped[User | None] = relationship()


class AlertedSession(Base):
    """One session the attendance contact has been told about, and the digest that told them.

    Why a table of its own rather than a column on the outbox message: one digest lists many sessions, and each
    session's key must be unique on its own. The unique ``key`` is what stops a second email: a run claims its
    sessions by inserting their keys (``ON CONFLICT DO NOTHING``), so of two runs that overlap, only the one whose
    insert wins lists a session; the other's digest leaves it out. Keys written before digests (in each old
    email's body) were copied here by migration 0027.
    """

    __tablename__ = "attendance_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``attendance-alert:AP-<placement>:<date>:<am|pm>:<unexplained|unmarked>``, as the old emails carried it.
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column("on_date", sa.Date, index=True)
    session: Mapped[Session] = mapped_column(enum_column(Session))
    kind: Mapped[str] = mapped_column(sa.String(20))  # "unexplained" or "unmarked"
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
