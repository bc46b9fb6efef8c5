"""Secure links: one recipient, one document version, a token made only when the email carrying it goes.

Only a token's SHA-256 is stored, so the database alone opens nothing. The link's token is one of the
secrets a message carries (``service.mail.message_secrets``): this module registers how it is made at
delivery and how it is stopped.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.extensions import db
from service.formatting import uk_datetime
from service.mail.addresses import valid_recipients
from service.mail.message_secrets import secret_kind, stopper_for
from service.mail.models import OutboxMessage, OutboxSecret, SecretKind, SecretState, SecureLink
from service.mail.settings import mail_settings

if TYPE_CHECKING:
    from service.documents.models import Document

#: Where this session keeps the links it reserved before their message existed, for ``adopt_links``.
_SESSION_LINKS = "apdocs_mail_unattached_links"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_secure_link(
    document: Document, recipient: str, *, message: OutboxMessage | None = None, now: datetime | None = None
) -> str:
    """Make a working link for one recipient to download one document version, and return its token, once.

    For a caller that hands the token straight to its recipient by other means. Never write it into an
    outbox body: email a document with ``reserve_secure_link`` and a ``SecretSpec``, so the token is made
    at delivery and only the delivered email holds it. The token has 256 random bits; only its SHA-256
    is stored, so the database alone opens nothing. It expires after ``APDOCS_LINK_EXPIRY_DAYS``.
    """
    now = now or utcnow()
    link = reserve_secure_link(document, recipient, message=message, now=now)
    token = secrets.token_urlsafe(32)
    link.token_sha256 = _hash_token(token)
    db.session.flush()
    return token


def reserve_secure_link(
    document: Document, recipient: str, *, message: OutboxMessage | None = None, now: datetime | None = None
) -> SecureLink:
    """A link for one recipient to one document version, with no token yet: nothing opens it until the
    message carrying it is delivered, when ``deliver`` makes its token (and its expiry, from then)."""
    now = now or utcnow()
    [address] = valid_recipients([recipient])
    link = SecureLink(
        token_sha256=None,
        document=document,
        message=message,
        recipient=address,
        expires_at=now + timedelta(days=mail_settings().link_expiry_days),
        created_at=now,
        open_count=0,
    )
    db.session.add(link)
    if message is None:
        db.session.info.setdefault(_SESSION_LINKS, []).append(link)
    db.session.flush()
    return link


def adopt_links(message: OutboxMessage, documents: Sequence[Document]) -> None:
    """Tie to this message the links made in this session, without a message, for its documents and recipients."""
    pending: list[SecureLink] = db.session.info.get(_SESSION_LINKS, [])
    wanted = {id(d) for d in documents}
    recipients = {r.lower() for r in message.to_addresses}
    kept = []
    for link in pending:
        if link.message is None and id(link.document) in wanted and link.recipient.lower() in recipients:
            link.message = message
        else:
            kept.append(link)
    db.session.info[_SESSION_LINKS] = kept


def link_url(token: str) -> str:
    """The absolute address of a secure link, from ``APDOCS_BASE_URL``; works in a job, with no request."""
    return f"{mail_settings().base_url}/shared/{token}"


def find_link(token: str, now: datetime | None = None) -> SecureLink | None:
    """The link for a token if it is valid: known, not expired, not revoked, and its document ready.

    Looked up by the token's hash (the database compares hashes, never the token), and the hash
    compared again in constant time.
    """
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    digest = _hash_token(token)
    link = db.session.scalar(sa.select(SecureLink).where(SecureLink.token_sha256 == digest))
    if link is None or not hmac.compare_digest(link.token_sha256, digest):
        return None
    if link.revoked_at is not None or link.expires_at <= now:
        return None
    if not link.document.is_ready:
        return None
    return link


def open_link(token: str, now: datetime | None = None, *, count: bool = True) -> Document | None:
    """The document a valid link shares, counting the open; None for an expired, revoked or unknown token.

    ``count=False`` checks without counting (the landing page, which mail scanners fetch on their own).
    """
    now = now or utcnow()
    link = find_link(token, now)
    if link is None:
        return None
    if count:
        link.open_count += 1
        link.last_opened_at = now
    return link.document


def revoke_links(message: OutboxMessage, user: User, now: datetime | None = None) -> int:
    """Stop every link a message carries (sent to the wrong person, say): its secure document links, and
    its signing links if they are still the signer's newest. A link stopped before the message goes out is
    sent as a sentence saying so. Audited; the caller commits. Returns how many links it stopped."""
    now = now or utcnow()
    stopped = 0
    links = db.session.scalars(
        sa.select(SecureLink).where(SecureLink.message_id == message.id, SecureLink.revoked_at.is_(None))
    ).all()
    for link in links:
        link.revoked_at = now
        stopped += 1
    signing = 0
    for secret in message.secrets:
        if secret.state not in (SecretState.WAITING, SecretState.SENT):
            continue
        if secret.kind is not SecretKind.DOCUMENT_LINK:
            stop = stopper_for(secret.kind)
            if stop is None:
                continue  # a code: it works for minutes only, and never without its link
            if stop(secret, now):
                signing += 1
            elif secret.state is SecretState.SENT:
                continue  # used, replaced or expired already: nothing to stop, nothing to record
        secret.state = SecretState.STOPPED
        secret.stopped_at = now
        secret.stopped_by_id = user.id
    audit.record("revoke_links", "outbox_message", message.id, user, {"links": stopped, "signing_links": signing})
    return stopped + signing


@secret_kind(SecretKind.DOCUMENT_LINK)
def _issue_document_link(secret: OutboxSecret, now: datetime) -> str:
    """A fresh token for the secure link, unless it was stopped; its expiry counts from now."""
    link = secret.secure_link
    if secret.state is SecretState.STOPPED or link is None or link.revoked_at is not None:
        secret.state = SecretState.STOPPED
        return DOCUMENT_LINK_STOPPED
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=mail_settings().link_expiry_days)
    changed = db.session.execute(
        sa.update(SecureLink)
        .where(SecureLink.id == link.id, SecureLink.revoked_at.is_(None))
        .values(token_sha256=_hash_token(token), expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(link)
    if not changed:  # stopped a moment ago, by someone else
        secret.state = SecretState.STOPPED
        return DOCUMENT_LINK_STOPPED
    secret.issued_at = now
    secret.expires_at = expires
    return DOCUMENT_LINK.format(url=link_url(token), expires=uk_datetime(expires))


DOCUMENT_LINK = (
    "Download the document here (the link works until {expires}):\n{url}\n\n"
    "It is OFFICIAL-SENSITIVE: keep it secure and do not forward the link."
)
DOCUMENT_LINK_STOPPED = (
    "The link to this document was stopped by the sender before this email went. "
    "If you still need the document, ask them for it again."
)
