"""Users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, TimestampMixin, UTCDateTime, enum_column
from service.rules.roles import Role

if TYPE_CHECKING:
    from service.organisations.models import Organisation


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Granted by the organisation's admin to a commissioner: may override a blocking provider check, with a reason
    #: (``service.support_plans.overrides``).
    senior_leader: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    # Flask-Login protocol. The id carries a session version so that deactivating a user or
    # changing their password ends every session they have open.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class KeptAnswers(Base):
    """A form post that arrived after its session had gone idle, kept for its author to check and save.

    A SENCO typing a long answer can pass the idle limit without knowing it; the post that follows must not
    throw their words away, nor save them unseen on a session that has timed out. The answers wait here,
    for that user only, until they sign in again and see them back in the form (see ``kept_answers``).
    """

    __tablename__ = "kept_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(sa.String(300))
    fields: Mapped[list[list[str]]] = mapped_column(sa.JSON)  # [name, value] pairs, in the order posted
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionEnd(enum.StrEnum):
    """Why a session ended, kept on its row so that an operator can tell a sign-out from a forced end."""

    SIGNED_OUT = "signed_out"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    DEACTIVATED = "deactivated"
    ROLE_CHANGED = "role_changed"
    EXPIRED = "expired"
    REPLACED = "replaced"


class UserSession(Base):
    """One signed-in session, held on the server so that it can be ended there (``service.auth.sessions``).

    The session cookie is signed, not secret from whoever holds it, and a copy of it keeps working as long as
    the server accepts it. So the cookie carries a random session id and every request looks its row up: a
    session ends when its row says so, whatever copies of the cookie are about. Only the SHA-256 of the id is
    stored, so a copy of this table opens no session. ``created_at`` never moves: the absolute limit counts
    from it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Written at most about once a minute (``sessions.TOUCH_EVERY``), so a busy page does not write on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_reason: Mapped[SessionEnd | None] = mapped_column(enum_column(SessionEnd), nullable=True)
