"""When a school's local authority was told that the school agreed, ended or extended a placement.

DfE, Arranging alternative provision (February 2025): the local authority is told whenever a school commissions
alternative provision, so that it can meet its own duties to the child. Each telling is a row: which event, when,
by which outbox messages and to whom; or, when the LA could not be told (the school chose no LA, or the LA has no
contact for AP), why not, so the school sees it and tells the LA itself.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, UTCDateTime, enum_column, utcnow
from service.mail.models import OutboxMessage

if TYPE_CHECKING:
    from service.organisations.models import Organisation
    from service.placements.models import Placement


class LaEvent(enum.StrEnum):
    """What the school did that the LA is told of."""

    AGREED = "agreed"
    ENDED = "ended"
    EXTENDED = "extended"

    @property
    def label(self) -> str:
        return {"agreed": "agreed", "ended": "ended", "extended": "extended"}[self.value]

    @property
    def what(self) -> str:
        """The event as the placement page and the email say it."""
        return {
            "agreed": "that the placement was agreed",
            "ended": "that the placement ended",
            "extended": "that the placement was extended",
        }[self.value]


class LaNotice(Base):
    """One telling of the school's LA about one event of a placement (or why it could not be told)."""

    __tablename__ = "la_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    event: Mapped[LaEvent] = mapped_column(enum_column(LaEvent))
    #: The LA told (None when the school has not chosen one).
    local_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), nullable=True, index=True)
    #: When the messages were written to the outbox, in the same transaction as the event; None: not told.
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Why the LA could not be told, for the school to read (never personal data); empty when it was told.
    problem: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: The message to the LA's AP contact, and (a pupil with an EHCP) to its SEN team.
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"), nullable=True, index=True)
    sen_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"), nullable=True)
    #: The addresses told, as they were on the day (an LA may change its contacts later).
    recipients: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    placement: Mapped[Placement] = relationship()
    local_authority: Mapped[Organisation | None] = relationship()
    message: Mapped[OutboxMessage | None] = relationship(foreign_keys=[message_id])
    sen_message: Mapped[OutboxMessage | None] = relationship(foreign_keys=[sen_message_id])

    @property
    def told(self) -> bool:
        return self.told_at is not None
