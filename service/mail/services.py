"""The outbox: queue a message in the caller's transaction, deliver it later, exactly once or honestly not.

How a message moves (docs/mail.md has the picture for people):

- ``queue_message`` adds the row in the caller's transaction. The caller hands ``deliver_message`` to
  ``service.queue.enqueue_after_commit``: a job must never look for a row that is not there yet.
- ``deliver`` claims the row with one conditional UPDATE (queued and due → sending) and commits the
  claim before it talks to any server. Only one worker can win that update, so a retried job or a
  second worker finds nothing to do: that is what stops a message being sent twice.
- The SMTP conversation is taken step by step. Until the message's content starts to go to the
  server, nothing can have been delivered, so a failure there is "not sent": the message is tried
  again later, with back-off, and fails after its last attempt for a person to resend. Once the
  content has started to go, only the server's final reply says what happened: 250 is sent, a
  refusal is not sent, and no reply at all (the connection dropped, the worker died) is
  "may have been sent", which a person checks. It is never resent on its own.
- ``sweep`` runs every minute: it returns the messages due for (re)delivery, and marks as "may have
  been sent" any message a worker claimed long ago and never finished.

Secrets (signing links, one-time codes, secure document links) are never stored readable. A message
that carries one keeps a placeholder in its body and an ``OutboxSecret`` row saying what it is for;
``deliver`` makes each value fresh after the claim, stores only its hash on the signer or the secure
link, commits that, and puts the value into the email it hands to the transport, and nowhere else. So
the outbox a member of staff reads, and the ``.eml`` copy it offers, say that a link or code was sent,
never what it was; only the delivered email (the SMTP server's copy, or the ``.eml`` file the embedded
transport writes, standing for the recipient's mailbox) holds it.

Nothing here logs an address, a subject, a body, a token or a code; errors kept on the row are written
for people and name steps and reply codes, never what the server said (which often quotes the address).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import re
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from sqlalchemy.orm import selectinload

from service.audit import services as audit
from service.auth.models import Role, User
from service.db import utcnow
from service.documents.models import Document, DocumentStatus
from service.documents.storage import sha256_of, write_atomically
from service.errors import FieldError
from service.extensions import db
from service.formatting import uk_datetime
from service.mail.models import (
    Delivery,
    MessageStatus,
    OutboxAttachment,
    OutboxMessage,
    OutboxSecret,
    SecretKind,
    SecretState,
    SecureLink,
)
from service.placements.models import Placement

log = logging.getLogger(__name__)

#: A message waiting for its document to be made is looked at again this much later (not an attempt).
DOCUMENT_WAIT = timedelta(seconds=30)
#: Longest subject accepted; the column holds 300.
MAX_SUBJECT = 200
PURPOSE_LABELS = {
    "provider_pack": "Provider information pack",
    "parent_plan": "Support plan for parents and carers",
}
_SESSION_LINKS = "apdocs_mail_unattached_links"


# --- settings --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailSettings:
    """The mail settings of one app (``APDOCS_SMTP_*``, ``APDOCS_MAIL_*``), read from its config.

    Read from the Flask config rather than the environment, so a worker and a test use exactly the
    app they were given.
    """

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_s: int = 60
    mail_from: str = "apdocs@localhost"
    max_attempts: int = 5
    retry_base_s: int = 60
    link_expiry_days: int = 7
    base_url: str = "http://127.0.0.1:5000"
    output_dir: Path = Path("output")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        return cls(
            smtp_host=str(config.get("APDOCS_SMTP_HOST") or ""),
            smtp_port=int(config.get("APDOCS_SMTP_PORT") or 587),
            smtp_security=str(config.get("APDOCS_SMTP_SECURITY") or "starttls"),
            smtp_user=str(config.get("APDOCS_SMTP_USER") or ""),
            smtp_password=str(config.get("APDOCS_SMTP_PASSWORD") or ""),
            smtp_timeout_s=int(config.get("APDOCS_SMTP_TIMEOUT_S") or 60),
            mail_from=str(config.get("APDOCS_MAIL_FROM") or "apdocs@localhost"),
            max_attempts=int(config.get("APDOCS_MAIL_MAX_ATTEMPTS") or 5),
            retry_base_s=int(config.get("APDOCS_MAIL_RETRY_BASE_S") or 60),
            link_expiry_days=int(config.get("APDOCS_LINK_EXPIRY_DAYS") or 7),
            base_url=str(config.get("APDOCS_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            output_dir=Path(str(config.get("APDOCS_OUTPUT_DIR") or "output")),
        )

    @property
    def sending_stale_after(self) -> timedelta:
        """How long a claimed message may stay "sending" before its worker is taken for dead.

        Every step of the conversation times out after ``smtp_timeout_s``; a conversation has about a
        dozen steps, so a claim older than this was left by a worker that stopped.
        """
        return timedelta(seconds=max(300, self.smtp_timeout_s * 12))

    def retry_delay(self, attempts: int) -> timedelta:
        """Back-off after the n-th failed attempt: base, 5 × base, 25 × base… (1, 5, 25, 125 minutes by default)."""
        return timedelta(seconds=self.retry_base_s * 5 ** max(0, attempts - 1))


def mail_settings() -> MailSettings:
    return MailSettings.from_config(current_app.config)


# --- secrets ---------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\[\[secret:(\d+)\]\]")
#: What a body must never hold: a live signing or document link, or a one-time code.
_LIVE_SECRET = re.compile(r"/(?:sign|shared)/[A-Za-z0-9_-]{20,}|Your code is \d{6}")


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


def _issue_secrets(message: OutboxMessage, now: datetime) -> tuple[str, list[int]]:
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


# --- queueing --------------------------------------------------------------------------------------------


def queue_message(
    *,
    organisation_id: int,
    to: list[str],
    subject: str,
    body: str,
    purpose: str,
    placement_id: int | None = None,
    attachments: Sequence[Document] = (),
    links: Sequence[Document] = (),
    secrets: Sequence[SecretSpec] = (),
    created_by: User | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction, and flush it (the caller commits).

    Then ``enqueue_after_commit(service.mail.jobs.deliver_message, message.id)`` and commit. ``attachments`` go as
    their PDFs; ``links`` are documents the body shares by secure link (see ``reserve_secure_link``),
    recorded so the outbox shows which version each link gave. A document still being made is fine:
    delivery waits for it. Every document and the placement must belong to the organisation: a
    message can never carry another organisation's records.

    ``secrets`` are the links and codes the message carries, in order: the body holds
    ``secret_placeholder(n)`` where the n-th goes (from 1), and delivery puts it in. A message with a
    secret goes to one recipient only. A body that already holds a live link or code is refused: it
    would be readable by everyone who can read the outbox.

    Raises ``FieldError`` (field ``to``, ``subject`` or ``body``) for something a person can fix.
    """
    settings = mail_settings()
    recipients = _valid_recipients(to)
    subject = subject.strip()
    if not subject:
        raise FieldError("subject", "Enter a subject")
    if "\r" in subject or "\n" in subject:
        raise FieldError("subject", "The subject must be one line")
    if len(subject) > MAX_SUBJECT:
        raise FieldError("subject", f"The subject must be {MAX_SUBJECT} characters or fewer")
    if not body.strip():
        raise FieldError("body", "Enter the message")
    if not purpose or len(purpose) > 40:
        raise ValueError("purpose must be a short code, e.g. provider_pack")
    if placement_id is not None:
        placement = db.session.get(Placement, placement_id)
        if placement is None or placement.commissioning_organisation_id != organisation_id:
            raise ValueError("the placement does not belong to this organisation")
    for document in (*attachments, *links):
        if document.placement.commissioning_organisation_id != organisation_id:
            raise ValueError("a document does not belong to this organisation")
    if _LIVE_SECRET.search(body):
        raise ValueError("a body must not hold a live link or code: pass it as a secret, filled in at delivery")
    if secrets and len(recipients) != 1:
        raise ValueError("a message carrying a link or code goes to one recipient only")
    for position in range(1, len(secrets) + 1):
        if secret_placeholder(position) not in body:
            raise ValueError(f"the body has no place for secret {position}")

    message = OutboxMessage(
        organisation_id=organisation_id,
        placement_id=placement_id,
        purpose=purpose,
        to_addresses=recipients,
        subject=subject,
        body_text=body,
        status=MessageStatus.QUEUED,
        attempts=0,
        max_attempts=settings.max_attempts,
        next_attempt_at=utcnow(),
        message_id=new_message_id(settings.mail_from),
        created_by=created_by,
    )
    message.attachments = [OutboxAttachment(document=d, delivery=Delivery.ATTACH) for d in attachments] + [
        OutboxAttachment(document=d, delivery=Delivery.LINK) for d in links
    ]
    message.secrets = [
        OutboxSecret(
            position=position,
            kind=spec.kind,
            signer_id=spec.signer_id,
            secure_link=spec.secure_link,
            generation=spec.generation,
            state=SecretState.WAITING,
        )
        for position, spec in enumerate(secrets, start=1)
    ]
    for spec in secrets:
        if spec.secure_link is not None:
            spec.secure_link.message = message
    db.session.add(message)
    _adopt_links(message, links)
    db.session.flush()
    audit.record(
        "queue",
        "outbox_message",
        message.id,
        created_by,
        {
            "purpose": purpose,
            "recipients": len(recipients),
            "attachments": len(attachments),
            "links": len(links),
            "secrets": [spec.kind.value for spec in secrets],
            "placement_id": placement_id,
        },
        organisation_id=organisation_id,
    )
    return message


def valid_address(address: str) -> str:
    """The address normalised, or ``FieldError`` ("to") when it is not one an email can be sent to."""
    return _valid_recipients([address])[0]


def _valid_recipients(to: Sequence[str]) -> list[str]:
    """Each address checked and normalised (no duplicates); ASCII only, as every SMTP server accepts."""
    if not to:
        raise FieldError("to", "Enter an email address to send to")
    recipients: list[str] = []
    for raw in to:
        try:
            address = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False).normalized
        except EmailNotValidError as error:
            raise FieldError("to", "Enter an email address in the correct format, like name@example.org") from error
        if address.lower() not in (r.lower() for r in recipients):
            recipients.append(address)
    return recipients


def new_message_id(mail_from: str) -> str:
    """A Message-ID that is random (it names nobody) and on the sender's domain, as RFC 5322 asks."""
    domain = mail_from.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


# --- secure links ----------------------------------------------------------------------------------------


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
    [address] = _valid_recipients([recipient])
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


def _adopt_links(message: OutboxMessage, documents: Sequence[Document]) -> None:
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
    if link.document.status is not DocumentStatus.READY:
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
            handlers = _STOPPERS.get(secret.kind)
            if handlers is None:
                continue  # a code: it works for minutes only, and never without its link
            if handlers[0](secret, now):
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


# --- transports ------------------------------------------------------------------------------------------


class NotSent(Exception):  # noqa: N818 - names the outcome, as MaybeSent does
    """Nothing can have been delivered: safe to try again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MaybeSent(Exception):  # noqa: N818
    """The content may have reached the server without the server saying it took it: a person checks."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transport(Protocol):
    """Hands one built message over. Returns the .eml path (relative to the output folder) or "".

    Raises ``NotSent`` when nothing can have gone, ``MaybeSent`` when it cannot tell.
    """

    name: str

    def send(self, email: EmailMessage, *, sender: str, recipients: Sequence[str], outbox_id: int) -> str: ...


_DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


class SmtpTransport:
    """Sends over SMTP, one step at a time, so a failure is known to be before or after the point of no return."""

    name = "smtp"

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, email: EmailMessage, *, sender: str, recipients: Sequence[str], outbox_id: int) -> str:
        s = self.settings
        step = "connect to the mail server"
        smtp: smtplib.SMTP | None = None
        try:
            context = ssl.create_default_context()
            if s.smtp_security == "tls":
                smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s, context=context)
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s)
            step = "greet the mail server"
            smtp.ehlo_or_helo_if_needed()
            if s.smtp_security == "starttls":
                step = "start an encrypted connection (STARTTLS)"
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_user:
                step = "sign in to the mail server"
                smtp.login(s.smtp_user, s.smtp_password)
            step = "give the sender"
            code, _ = smtp.mail(sender)
            if code != 250:
                raise NotSent(f"Not sent: the mail server refused the sender address ({code})")
            for number, recipient in enumerate(recipients, start=1):
                step = "give the recipients"
                code, _ = smtp.rcpt(recipient)
                if code not in (250, 251):
                    # Sending to the others now and to this one later would send the others two copies.
                    raise NotSent(f"Not sent: the mail server refused recipient {number} of {len(recipients)} ({code})")
            step = "start sending the message"
            smtp.putcmd("data")
            code, _ = smtp.getreply()
            if code != 354:
                raise NotSent(f"Not sent: the mail server would not take the message ({code})")
        except NotSent:
            _close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as error:
            _close(smtp)
            raise NotSent(
                f"Not sent: the mail server did not accept the user name and password ({error.smtp_code})"
            ) from None
        except smtplib.SMTPResponseException as error:
            _close(smtp)
            raise NotSent(f"Not sent: the mail server refused to {step} ({error.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as error:
            _close(smtp)
            raise NotSent(f"Not sent: could not {step} ({_kind(error)})") from None

        # The point of no return: from the first byte of content, the server may deliver it.
        try:
            data = _DOT_AT_LINE_START.sub(b"..", email.as_bytes(policy=SMTP_POLICY))
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            smtp.send(data + b".\r\n")
            code, _ = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            _close(smtp)
            raise MaybeSent(
                "May have been sent: the connection to the mail server was lost while sending the message, "
                f"before it confirmed receiving it ({_kind(error)})"
            ) from None
        if code != 250:
            _close(smtp)
            raise NotSent(f"Not sent: the mail server refused the message ({code})")
        with contextlib.suppress(smtplib.SMTPException, OSError):  # it said 250: the message is the server's now
            smtp.quit()
        return ""


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()


def _kind(error: BaseException) -> str:
    """A reason for people that names no address: the error's kind, never its message."""
    if isinstance(error, TimeoutError):
        return "no answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError):
        return "the server closed the connection"
    if isinstance(error, socket.gaierror):
        return "the server's name was not found"
    if isinstance(error, ssl.SSLError):
        return "the encrypted connection failed"
    return type(error).__name__


class FileTransport:
    """The embedded default: each message written whole as ``<id>-<timestamp>.eml`` under ``output/mail/``."""

    name = "file"

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = mail_dir

    def send(self, email: EmailMessage, *, sender: str, recipients: Sequence[str], outbox_id: int) -> str:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        path = self.mail_dir / f"{outbox_id}-{stamp}.eml"
        try:
            write_atomically(path, email.as_bytes(policy=SMTP_POLICY))
        except OSError as error:
            raise NotSent(f"Not sent: the .eml file could not be written ({type(error).__name__})") from None
        return path.relative_to(self.mail_dir.parent).as_posix()


def transport_for(app_or_config: Flask | Mapping[str, Any]) -> Transport:
    """SMTP when ``APDOCS_SMTP_HOST`` is set; otherwise .eml files under the output folder's ``mail/``."""
    config = app_or_config.config if isinstance(app_or_config, Flask) else app_or_config
    settings = MailSettings.from_config(config)
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FileTransport(settings.output_dir / "mail")


# --- delivery --------------------------------------------------------------------------------------------


def deliver(message_id: int, transport: Transport, *, now: datetime | None = None) -> OutboxMessage:
    """Send one message if it is queued and due, exactly once; record what happened.

    Commits: the claim before sending (so no other worker can take it), the outcome after.
    """
    now = now or utcnow()
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status=MessageStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(f"no outbox message {message_id}")
    if not claimed:
        return message  # sent, being sent by another worker, not due yet, or waiting for a person

    settings = mail_settings()
    try:
        attached = _attachments(message, settings)
        # The secrets are made now, after the claim and once the documents are ready, and their hashes
        # committed before anything is handed over: a link in a delivered email always works.
        body, fresh = _issue_secrets(message, now)
        db.session.commit()
        email = _compose(message, body, attached, settings, now)
    except _DocumentNotReady:
        message.status = MessageStatus.QUEUED
        message.claimed_at = None
        message.next_attempt_at = now + DOCUMENT_WAIT
        db.session.commit()
        return message
    except _DocumentFailed as problem:
        _finish(message, MessageStatus.FAILED, problem.reason, now)
        return message
    except Exception as error:  # noqa: BLE001 - nothing went to any server: count it and try again later
        db.session.rollback()  # nothing half made stays
        _not_sent(message, f"Not sent: the message could not be put together ({type(error).__name__})", now, settings)
        return message

    try:
        eml_path = transport.send(
            email, sender=settings.mail_from, recipients=list(message.to_addresses), outbox_id=message.id
        )
    except NotSent as failure:
        _not_sent(message, failure.reason, now, settings)
        return message
    except MaybeSent as failure:
        message.attempts += 1
        _secrets_sent(message, fresh)
        _finish(message, MessageStatus.MAY_HAVE_BEEN_SENT, failure.reason, now)
        return message
    except Exception as error:  # noqa: BLE001 - an unknown failure mid-send: it may have gone, so a person checks
        message.attempts += 1
        _secrets_sent(message, fresh)
        _finish(
            message,
            MessageStatus.MAY_HAVE_BEEN_SENT,
            f"May have been sent: sending stopped with an unexpected {type(error).__name__}",
            now,
        )
        return message

    message.attempts += 1
    message.transport = transport.name
    message.eml_path = eml_path
    message.sent_at = now
    _secrets_sent(message, fresh)
    _finish(message, MessageStatus.SENT, "", now)
    return message


def _secrets_sent(message: OutboxMessage, fresh: Sequence[int]) -> None:
    """The values made for this attempt went (or may have gone) out: say so on the outbox page."""
    for secret in message.secrets:
        if secret.id in fresh:
            secret.state = SecretState.SENT


def release_waiting_for(document_id: int, now: datetime | None = None) -> list[int]:
    """The messages that were waiting for this document, made due now; the caller commits, then enqueues them.

    Why: a message whose PDF is still being made is put back for a little while; without this, it would
    wait for the next sweep (up to a minute) after the PDF is ready, and the SENCO would watch "Waiting
    to send" for no reason. Only messages never tried are released: one waiting out a back-off after a
    failed attempt keeps its time.
    """
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .join(OutboxAttachment, OutboxAttachment.message_id == OutboxMessage.id)
            .where(
                OutboxAttachment.document_id == document_id,
                OutboxMessage.status == MessageStatus.QUEUED,
                OutboxMessage.attempts == 0,
                OutboxMessage.next_attempt_at > now,
            )
        )
    )
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    return ids


def _not_sent(message: OutboxMessage, reason: str, now: datetime, settings: MailSettings) -> None:
    """An attempt that delivered nothing: queued again after the back-off, or failed after the last attempt."""
    message.attempts += 1
    if message.attempts >= message.max_attempts:
        _finish(message, MessageStatus.FAILED, f"{reason}. Tried {message.attempts} times.", now)
        return
    message.status = MessageStatus.QUEUED
    message.claimed_at = None
    message.last_error = reason
    message.next_attempt_at = now + settings.retry_delay(message.attempts)
    db.session.commit()
    log.warning(
        "outbox message %d not sent, attempt %d of %d; trying again later",
        message.id,
        message.attempts,
        message.max_attempts,
    )


def _finish(message: OutboxMessage, status: MessageStatus, reason: str, now: datetime) -> None:
    """Record an outcome that waits for nobody (sent) or for a person (failed, may have been sent), and commit."""
    message.status = status
    message.last_error = reason
    message.claimed_at = None if status is not MessageStatus.MAY_HAVE_BEEN_SENT else message.claimed_at
    action = {
        MessageStatus.SENT: "send",
        MessageStatus.FAILED: "send_failed",
        MessageStatus.MAY_HAVE_BEEN_SENT: "send_uncertain",
    }[status]
    audit.record(
        action,
        "outbox_message",
        message.id,
        None,
        {"attempts": message.attempts, "transport": message.transport or None},
        organisation_id=message.organisation_id,
    )
    db.session.commit()
    if status is MessageStatus.SENT:
        log.info("outbox message %d sent (%s)", message.id, message.transport)
    else:
        log.warning("outbox message %d %s after %d attempt(s)", message.id, status.value, message.attempts)


class _DocumentNotReady(Exception):
    pass


class _DocumentFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _attachments(message: OutboxMessage, settings: MailSettings) -> list[tuple[Document, bytes]]:
    """Each attached PDF, checked against its SHA-256; raises while a document is still being made."""
    for item in message.attachments:
        status = item.document.status
        if status is DocumentStatus.FAILED:
            raise _DocumentFailed(f"Not sent: {item.document.title} could not be made. Make it again, then resend")
        if status is not DocumentStatus.READY:
            raise _DocumentNotReady
    output = settings.output_dir.resolve()
    attached = []
    for item in message.attachments:
        if item.delivery is not Delivery.ATTACH:
            continue
        document = item.document
        path = (output / document.pdf_path).resolve()
        if not document.pdf_path or not path.is_relative_to(output) or not path.is_file():
            raise _DocumentFailed(f"Not sent: the PDF of {document.title} is missing from the output folder")
        data = path.read_bytes()
        if document.pdf_sha256 and sha256_of(data) != document.pdf_sha256:
            raise _DocumentFailed(f"Not sent: the PDF of {document.title} has changed since it was made")
        attached.append((document, data))
    return attached


def _compose(
    message: OutboxMessage,
    body: str,
    attached: Sequence[tuple[Document, bytes]],
    settings: MailSettings,
    when: datetime,
) -> EmailMessage:
    """The MIME message, with the row's fixed Message-ID, the body given and the PDFs given."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = ", ".join(message.to_addresses)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(when)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(body, cte="quoted-printable")
    for document, data in attached:
        email.add_attachment(data, maintype="application", subtype="pdf", filename=attachment_name(document))
    return email


def staff_copy(message: OutboxMessage) -> bytes:
    """The message as an .eml file for staff, rebuilt from the row: every link and code replaced by a note,
    and each attached PDF that is still as it was made. Never the delivered file, which holds them."""
    settings = mail_settings()
    attached = []
    with contextlib.suppress(_DocumentNotReady, _DocumentFailed):
        attached = _attachments(message, settings)
    email = _compose(message, shown_body(message), attached, settings, message.sent_at or message.created_at)
    return email.as_bytes(policy=SMTP_POLICY)


def attachment_name(document: Document) -> str:
    """The attached file's name: its type and version, e.g. ``provider-pack-v2.pdf`` (no personal data)."""
    return f"{document.doc_type.value}-v{document.version}.pdf"


def sweep(now: datetime | None = None) -> list[int]:
    """The ids of messages due for (re)delivery; and any message a dead worker left "sending" is marked
    "may have been sent" (its worker may have got as far as the server's final reply), never resent."""
    now = now or utcnow()
    settings = mail_settings()
    cutoff = now - settings.sending_stale_after
    stuck = db.session.scalars(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < cutoff
        )
    ).all()
    for message_id in stuck:
        changed = db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == MessageStatus.SENDING,
                OutboxMessage.claimed_at < cutoff,
            )
            .values(
                status=MessageStatus.MAY_HAVE_BEEN_SENT,
                last_error="May have been sent: the worker sending it stopped before it could record the outcome",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            organisation_id = db.session.scalar(
                sa.select(OutboxMessage.organisation_id).where(OutboxMessage.id == message_id)
            )
            audit.record(
                "send_uncertain", "outbox_message", message_id, None, {"stalled": True}, organisation_id=organisation_id
            )
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    db.session.commit()
    if stuck:
        log.warning("%d outbox message(s) left sending by a stopped worker: marked may-have-been-sent", len(stuck))
    return list(due)


# --- people's decisions ----------------------------------------------------------------------------------


class OutboxError(ValueError):
    """An action that does not fit the message's status (two people acted on it at once, say)."""


def messages_for(user: User, status: MessageStatus | None = None, limit: int = 200) -> list[OutboxMessage]:
    """The organisation's messages, newest first, those waiting for a person first of all."""
    stmt = sa.select(OutboxMessage).where(OutboxMessage.organisation_id == user.organisation_id)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    attention = sa.case(
        (OutboxMessage.status.in_([MessageStatus.FAILED, MessageStatus.MAY_HAVE_BEEN_SENT]), 0), else_=1
    )
    stmt = stmt.order_by(attention, OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    stmt = stmt.options(selectinload(OutboxMessage.secrets))
    return list(db.session.scalars(stmt))


def needing_attention(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.organisation_id == user.organisation_id,
                OutboxMessage.status.in_([MessageStatus.FAILED, MessageStatus.MAY_HAVE_BEEN_SENT]),
            )
        )
        or 0
    )


def get_message_for(user: User, message_id: int) -> OutboxMessage | None:
    """A message if it is the commissioner's organisation's, else None (the view answers 404)."""
    if user.role is not Role.COMMISSIONER:
        return None
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.organisation_id != user.organisation_id:
        return None
    return message


def resend(message: OutboxMessage, user: User) -> None:
    """Queue a failed or may-have-been-sent message again, with its attempts reset (audited; the caller
    commits, then enqueues). It keeps its Message-ID: a mail client that got the first copy can tell."""
    if not message.status.needs_attention:
        raise OutboxError("Only a message that was not sent, or may have been sent, can be sent again")
    previous = message.status
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.last_error = ""
    message.claimed_at = None
    message.next_attempt_at = utcnow()
    audit.record("resend", "outbox_message", message.id, user, {"from_status": previous.value})


def mark_sent(message: OutboxMessage, user: User) -> None:
    """Record that a person checked a may-have-been-sent message and it did arrive (audited; the caller commits)."""
    if message.status is not MessageStatus.MAY_HAVE_BEEN_SENT:
        raise OutboxError("Only a message that may have been sent can be marked as sent")
    message.status = MessageStatus.SENT
    message.sent_at = message.sent_at or message.claimed_at or utcnow()
    message.last_error = ""
    message.claimed_at = None
    audit.record("mark_sent", "outbox_message", message.id, user)


def purpose_label(purpose: str) -> str:
    return PURPOSE_LABELS.get(purpose, purpose.replace("_", " ").capitalize())
