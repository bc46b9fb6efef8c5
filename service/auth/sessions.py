"""Sessions held on the server, so that they end when they should.

Flask's session cookie is signed, so nobody can forge one, but a copy of a good one kept working until it
timed out: signing out only told the browser that signed out to forget it. Now the cookie carries a random
session id, and every request looks up that session's row (:class:`~service.auth.models.UserSession`).
A session ends on its row, at once and for every copy of the cookie, when:

- its owner signs out;
- an admin changes the account's password or role, or deactivates it (every session of that account ends);
- it passes ``APDOCS_SESSION_MAX_HOURS`` since sign-in (counted from ``created_at``, which never moves,
  however busy the session is), or ``APDOCS_SESSION_IDLE_MINUTES`` without a request.

Each sign-in starts a new id (no session fixation). Only the SHA-256 of an id is stored, so the table
itself opens nothing. ``last_seen_at`` is written at most once a minute, so a busy page does not write on
every request; the idle limit is therefore kept to within a minute. Rows ended or expired more than
:data:`KEEP_ENDED_FOR` ago are deleted whenever someone signs in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, session

from service.auth.models import SessionEnd, User, UserSession
from service.extensions import db

#: The key in Flask's session cookie that carries the session id.
SESSION_KEY = "sid"
#: ``last_seen_at`` is written when it is at least this old: once a minute at most, however busy the page.
TOUCH_EVERY = timedelta(minutes=1)
#: An ended or expired row is kept this long (for an operator asking "who was signed in when?"), then deleted.
KEEP_ENDED_FOR = timedelta(days=30)

_CACHE = "apdocs_user_session"


def now() -> datetime:
    """The time, read as the session cookie's signature and the CSRF token read it: from ``time.time()``."""
    return datetime.fromtimestamp(time.time(), UTC)


def max_age() -> timedelta:
    """``APDOCS_SESSION_MAX_HOURS``: the longest a session lasts, however busy."""
    return timedelta(hours=int(current_app.config["APDOCS_SESSION_MAX_HOURS"]))


def idle_limit() -> timedelta:
    """``APDOCS_SESSION_IDLE_MINUTES``: how long a session lasts without a request."""
    return timedelta(minutes=int(current_app.config["APDOCS_SESSION_IDLE_MINUTES"]))


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(user: User, replacing: str | None = None) -> str:
    """Open a session for ``user`` and return its new id, for the cookie only (the row keeps its hash).

    ``replacing`` is the id the browser carried before, if any: a session still open under it ends
    (``replaced``, or ``expired`` if it was over its limits anyway). Old rows are cleared here too, so the
    table does not grow forever and no periodic job is needed.
    """
    moment = now()
    _delete_old(moment)
    previous = find(replacing)
    if previous is not None and previous.ended_at is None:
        end(previous, SessionEnd.EXPIRED if is_over(previous, moment) else SessionEnd.REPLACED, moment)
    session_id = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(session_id), user_id=user.id, created_at=moment, last_seen_at=moment))
    db.session.flush()
    return session_id


def find(session_id: str | None) -> UserSession | None:
    """The row for this session id, open or ended, or None (no id, or one the server never gave out)."""
    if not session_id or not isinstance(session_id, str):
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _hash(session_id)))


def from_cookie() -> UserSession | None:
    """The row for the id in this request's cookie, open or ended, looked up once per request.

    ``service.security`` ends a row past its limits before anything reads ``current_user``; Flask-Login's user
    loader then accepts only a cookie whose row is open and belongs to the user it names.
    """
    if _CACHE not in g:
        setattr(g, _CACHE, find(session.get(SESSION_KEY)))
    return getattr(g, _CACHE)


def is_over(row: UserSession, moment: datetime) -> bool:
    """Whether an open session has passed its absolute or its idle limit."""
    return moment - row.created_at >= max_age() or moment - row.last_seen_at > idle_limit()


def touch(row: UserSession, moment: datetime) -> bool:
    """Note that the session was used; writes only when the last note is a minute old. True when it wrote."""
    if moment - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = moment
    return True


def end(row: UserSession, reason: SessionEnd, moment: datetime | None = None) -> None:
    """End one session, if it is still open."""
    if row.ended_at is None:
        row.ended_at = moment or now()
        row.ended_reason = reason


def end_current(reason: SessionEnd) -> None:
    """End the session this request's cookie belongs to (signing out)."""
    row = from_cookie()
    if row is not None:
        end(row, reason)


def end_all(user_id: int, reason: SessionEnd) -> None:
    """End every open session of this account at once: its password, role or active state changed."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=now(), ended_reason=reason)
        .execution_options(synchronize_session="fetch")
    )


def _delete_old(moment: datetime) -> None:
    """Delete rows that ended, or passed the absolute limit, more than :data:`KEEP_ENDED_FOR` ago.

    A row never ended (its browser was closed) is over at the latest ``max_age()`` after it was created.
    """
    cutoff = moment - KEEP_ENDED_FOR
    db.session.execute(
        sa.delete(UserSession)
        .where(
            sa.or_(
                UserSession.ended_at < cutoff,
                sa.and_(UserSession.ended_at.is_(None), UserSession.created_at < cutoff - max_age()),
            )
        )
        .execution_options(synchronize_session=False)
    )
