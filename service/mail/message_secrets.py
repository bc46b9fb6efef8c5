"""The links and codes a message carries: written as placeholders, made fresh only at delivery.

Secrets (signing links, one-time codes, secure document links) are never stored readable. A message
that carries one keeps a placeholder in its body and an ``OutboxSecret`` row saying what it is for;
delivery makes each value fresh after the claim, stores only its hash on the signer or the secure
link, commits that, and puts the value into the email it hands to the transport, and nowhere else. So
the outbox a member of staff reads, and the ``.eml`` copy it offers, say that a link or code was sent,
never what it was; only the delivered email (the SMTP server's copy, or the ``.eml`` file the embedded
transport writes, standing for the recipient's mailbox) holds it.

The feature that owns a secret's record registers how it is made and stopped (``secret_kind``), so the
outbox never needs to know its tables: signing registers its links and codes, ``service.mail.links``
the secure document link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from service.db import utcnow
from service.formatting import uk_datetime
from service.mail.models import OutboxMessage, OutboxSecret, SecretKind, SecretState, SecureLink

_PLACEHOLDER = re.compile(r"\[\[secret:(\d+)\]\]")
#: What a body must never hold: a live signing or document link, or a one-time code.
LIVE_SECRET = re.compile(r"/(?:sign|shared)/[A-Za-z0-9_-]{20,}|Your code is \d{6}")


@dataclass(frozen=True)
class SecretSpec:
    """A link or code a message will carry: for a signer (at their current link or code ``generation``)
    or for a secure link reserved for the message's recipient."""

    kind: SecretKind
    signer_id: int | None = None
    secure_link: SecureLink | None = None
    generation: int = 0


def secret_placeholder(position: int) -> str:
    """Where the ``position``-th secret (from 1) goes in a body."""
    return f"[[secret:{position}]]"


#: Makes a secret's value at delivery: stores only its hash (in the caller's transaction, which ``deliver``
#: commits before handing the message over), sets ``secret.state``, and returns the paragraph to send: the
#: value with what to do with it, or a sentence saying it was replaced, is no longer needed or was stopped.
SecretIssuer = Callable[[OutboxSecret, datetime], str]
#: Stops a secret a commissioner no longer wants to work; returns whether it stopped a working value.
SecretStopper = Callable[[OutboxSecret, datetime], bool]
#: Whether a secret sent earlier still works (not used, replaced or expired), so stopping it means something.
SecretLive = Callable[[OutboxSecret, datetime], bool]
_ISSUERS: dict[SecretKind, SecretIssuer] = {}
_STOPPERS: dict[SecretKind, tuple[SecretStopper, SecretLive]] = {}


def secret_kind(
    kind: SecretKind, *, stop: SecretStopper | None = None, live: SecretLive | None = None
) -> Callable[[SecretIssuer], SecretIssuer]:
    """Register how a kind of secret is made at delivery (and stopped, and known to still work). The feature
    that owns the secret's record registers it (signing for links and codes), so the outbox never needs to
    know its tables."""

    def register(issuer: SecretIssuer) -> SecretIssuer:
        _ISSUERS[kind] = issuer
        if stop is not None and live is not None:
            _STOPPERS[kind] = (stop, live)
        return issuer

    return register


def stopper_for(kind: SecretKind) -> SecretStopper | None:
    """How to stop a kind of secret sent earlier, if its feature registered a way (a code has none: it works
    for minutes only, and never without its link)."""
    handlers = _STOPPERS.get(kind)
    return handlers[0] if handlers is not None else None


def shown_body(message: OutboxMessage) -> str:
    """The body as staff may read it: each secret replaced by a note saying it went to the recipient only."""
    kinds = {secret.position: secret.kind for secret in message.secrets}

    def note(match: re.Match[str]) -> str:
        kind = kinds.get(int(match.group(1)))
        what = kind.label if kind is not None else "link or code"
        return f"[{what} — sent only to the recipient, not shown here]"

    return _PLACEHOLDER.sub(note, message.body_text)


def secret_state_label(secret: OutboxSecret) -> str:
    """What became of a secret, for the outbox page: sent, not yet sent, replaced, no longer needed or stopped."""
    if secret.state is SecretState.SENT:
        link = secret.secure_link
        if secret.kind is SecretKind.DOCUMENT_LINK and link is not None and link.revoked_at is not None:
            return "Stopped"
        if secret.expires_at is not None:
            return f"Sent; works until {uk_datetime(secret.expires_at)} at the latest"
    return secret.state.label


def can_stop(message: OutboxMessage, now: datetime | None = None) -> bool:
    """The message carries a link that could still work (sent and live, or still to be sent)."""
    now = now or utcnow()
    return any(_stoppable(secret, now) for secret in message.secrets)


def _stoppable(secret: OutboxSecret, now: datetime) -> bool:
    if secret.state is SecretState.WAITING:
        return secret.kind is SecretKind.DOCUMENT_LINK or secret.kind in _STOPPERS
    if secret.state is not SecretState.SENT:
        return False
    if secret.kind is SecretKind.DOCUMENT_LINK:
        link = secret.secure_link
        return link is not None and link.revoked_at is None and link.expires_at > now
    handlers = _STOPPERS.get(secret.kind)
    return handlers is not None and handlers[1](secret, now)


def issue_secrets(message: OutboxMessage, now: datetime) -> tuple[str, list[int]]:
    """Make every secret of a claimed message and store their hashes (uncommitted). Returns the body to send
    and the ids of the secrets that got a fresh value (the others went as a sentence)."""
    texts: dict[int, str] = {}
    fresh = []
    for secret in message.secrets:
        issuer = _ISSUERS.get(secret.kind)
        if issuer is None:
            raise LookupError(f"no issuer for {secret.kind.value}")
        secret.issued_at = None
        texts[secret.position] = issuer(secret, now)
        if secret.issued_at is not None:
            fresh.append(secret.id)
    return _PLACEHOLDER.sub(lambda match: texts.get(int(match.group(1)), ""), message.body_text), fresh
