"""Answers typed into a form when the session had gone idle: kept, then given back after signing in.

The idle limit protects an unattended screen, so a post that arrives after it is never saved as it
stands. Throwing it away would lose what a SENCO spent half an hour writing, so views that take long
answers are marked ``@keeps_answers`` (``service.access``): their late post is kept here, for the same
user, if its CSRF token is good (a forged post must not plant words in someone's form). Signing in again
leads back to that page with the answers in the form, to check and save. Kept answers live for at most
:data:`KEEP_FOR` and are deleted the moment they are shown.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, request
from werkzeug.datastructures import MultiDict

from service.access import current
from service.auth.models import KeptAnswers, User
from service.db import utcnow
from service.extensions import db

#: Long enough to come back the next working day; short enough not to hold a copy of personal data for long.
KEEP_FOR = timedelta(hours=24)
#: Form fields that are never kept: the token belonged to the session that ended.
NOT_KEPT = frozenset({"csrf_token"})


def keep(user_id: int, path: str, posted: MultiDict[str, str]) -> None:
    """Keep this post for ``user_id``, replacing anything kept before for the same page."""
    _forget_expired()
    db.session.execute(sa.delete(KeptAnswers).where(KeptAnswers.user_id == user_id, KeptAnswers.path == path))
    fields = [[name, value] for name, value in posted.items(multi=True) if name not in NOT_KEPT]
    db.session.add(KeptAnswers(user_id=user_id, path=path[:300], fields=fields, kept_at=utcnow()))


def waiting_page(user: User) -> str | None:
    """The page whose answers are waiting for this user (the latest, if several), or None."""
    return db.session.scalar(
        sa.select(KeptAnswers.path)
        .where(KeptAnswers.user_id == user.id, KeptAnswers.kept_at >= utcnow() - KEEP_FOR)
        .order_by(KeptAnswers.kept_at.desc(), KeptAnswers.id.desc())
        .limit(1)
    )


def take(user: User, path: str) -> MultiDict[str, str] | None:
    """The answers kept for this user on this page, removed as they are handed back; None when there are none."""
    row = db.session.scalar(
        sa.select(KeptAnswers)
        .where(KeptAnswers.user_id == user.id, KeptAnswers.path == path, KeptAnswers.kept_at >= utcnow() - KEEP_FOR)
        .order_by(KeptAnswers.kept_at.desc(), KeptAnswers.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    db.session.execute(sa.delete(KeptAnswers).where(KeptAnswers.user_id == user.id, KeptAnswers.path == path))
    return MultiDict([(name, value) for name, value in row.fields])


def _forget_expired() -> None:
    db.session.execute(sa.delete(KeptAnswers).where(KeptAnswers.kept_at < utcnow() - KEEP_FOR))


def kept_formdata() -> MultiDict[str, str] | None:
    """The answers this user posted to this page after their session went idle, handed back once, or None."""
    answers = take(current(), request.path)
    if answers is not None:
        flash(
            "You were signed out before these answers were saved. They are back in the form: check them, then save.",
            "info",
        )
    return answers
