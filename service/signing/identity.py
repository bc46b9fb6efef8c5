"""Identifying each signer by link: the single-use link and the one-time code, made when their email is delivered.

Why it is built this way: a signature is only worth what the evidence around it is worth. A signer by link
proves they control the address the link went to twice over: the link itself (random, single use, expiring,
stored only as a hash) and a one-time code sent to the same address, tried a few times only. Both are made
when their email is delivered (``issue_link``, ``issue_code``, registered with the outbox), so they exist
only in the delivered email: no member of staff can read them in the outbox and sign as someone else. Code
sends and tries are counted by conditional updates in the database, so two requests at once never get an
extra one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from service.audit import services as audit
from service.db import utcnow
from service.extensions import db
from service.formatting import uk_datetime
from service.mail.message_secrets import SecretSpec, secret_kind, secret_placeholder
from service.mail.models import OutboxMessage, OutboxSecret, SecretKind, SecretState
from service.mail.outbox import queue_message
from service.mail.settings import mail_settings
from service.signing.models import (
    RequestStatus,
    SignatureRequest,
    Signer,
    SignerStatus,
    SigningMethod,
)
from service.signing.rounds import SigningError

LINK_DAYS = 14
CODE_MINUTES = 15
CODE_TRIES = 5  # wrong codes before that code stops working
CODES_PER_SIGNER = 5  # codes one signer may be sent, so a link cannot be used to flood an inbox
LINK_CODE_TRIES = 15  # codes tried against one link, across all its codes, before the link stops
PURPOSE_CODE = "signing_code"


LINK_PARAGRAPH = "Open this link (it works once, until {expires}):\n{url}"
LINK_REPLACED = (
    "This email's link was replaced by a newer one before it was sent: use the link in the most recent email "
    "asking you to sign."
)
LINK_NOT_NEEDED = "You no longer need to sign with this email: the request was closed before it was sent."
LINK_STOPPED = "The sender stopped this email's link before it was sent. Ask them for a new one if you still need it."
CODE_PARAGRAPH = "Your code is {code}\n\nIt works for {minutes} minutes."
CODE_REPLACED = "This code was replaced by a newer one before it was sent: use the code in the most recent email."
CODE_NOT_NEEDED = "You no longer need a code for this link: it stopped working before this email was sent."


def _waiting_signer(signer_id: int) -> sa.ColumnElement[bool]:
    """A signer by link still waiting to sign, in a round still open: the only one a link or code is made for."""
    return sa.and_(
        Signer.id == signer_id,
        Signer.status == SignerStatus.WAITING,
        Signer.method == SigningMethod.LINK,
        Signer.request_id.in_(sa.select(SignatureRequest.id).where(SignatureRequest.status == RequestStatus.OPEN)),
    )


def _asked_again_since(generation: sa.ColumnElement[int], secret: OutboxSecret) -> bool:
    """Why this email's secret was not made: the signer was sent a newer one (True), or needs none any more. The
    secret's state records which, for the outbox."""
    newer = bool(db.session.scalar(sa.select(generation > secret.generation).where(_waiting_signer(secret.signer_id))))
    secret.state = SecretState.REPLACED if newer else SecretState.NOT_NEEDED
    return newer


def issue_link(secret: OutboxSecret, now: datetime) -> str:
    """At delivery: a fresh link for the signer, only if this email is still their newest and they still
    have to sign. One conditional update decides, so a reminder or a signature at the same moment wins."""
    if secret.state is SecretState.STOPPED:
        return LINK_STOPPED
    if secret.signer_id is None:
        secret.state = SecretState.NOT_NEEDED
        return LINK_NOT_NEEDED
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=LINK_DAYS)
    changed = db.session.execute(
        sa.update(Signer)
        .where(_waiting_signer(secret.signer_id), Signer.link_generation == secret.generation)
        .values(token_sha256=_digest(token), token_expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return LINK_REPLACED if _asked_again_since(Signer.link_generation, secret) else LINK_NOT_NEEDED
    secret.issued_at = now
    secret.expires_at = expires
    return LINK_PARAGRAPH.format(url=f"{mail_settings().base_url}/sign/{token}", expires=uk_datetime(expires))


def stop_link(secret: OutboxSecret, now: datetime) -> bool:  # noqa: ARG001 - the outbox's stopper signature
    """A commissioner stopped this email's link: it stops working if it is still the signer's newest."""
    if secret.signer_id is None:
        return False
    return bool(
        db.session.execute(
            sa.update(Signer)
            .where(
                Signer.id == secret.signer_id,
                Signer.link_generation == secret.generation,
                Signer.token_sha256.is_not(None),
            )
            .values(token_sha256=None, code_sha256=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def link_live(secret: OutboxSecret, now: datetime) -> bool:
    """The link this email carried still works: the signer's newest, unused, unexpired, and they still sign."""
    if secret.signer_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    _waiting_signer(secret.signer_id),
                    Signer.link_generation == secret.generation,
                    Signer.token_sha256.is_not(None),
                    Signer.token_expires_at > now,
                )
            )
        )
    )


def issue_code(secret: OutboxSecret, now: datetime) -> str:
    """At delivery: a fresh 6-digit code, working for CODE_MINUTES from now, only if it is still the newest
    code asked for and its link still works."""
    if secret.state is SecretState.STOPPED:
        return CODE_NOT_NEEDED
    if secret.signer_id is None:
        secret.state = SecretState.NOT_NEEDED
        return CODE_NOT_NEEDED
    code = f"{secrets.randbelow(1_000_000):06d}"
    changed = db.session.execute(
        sa.update(Signer)
        .where(
            _waiting_signer(secret.signer_id),
            Signer.code_generation == secret.generation,
            Signer.token_sha256.is_not(None),
        )
        .values(
            code_sha256=_code_digest(secret.signer_id, code),
            code_expires_at=now + timedelta(minutes=CODE_MINUTES),
            code_attempts=0,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return CODE_REPLACED if _asked_again_since(Signer.code_generation, secret) else CODE_NOT_NEEDED
    secret.issued_at = now
    secret.expires_at = now + timedelta(minutes=CODE_MINUTES)
    return CODE_PARAGRAPH.format(code=code, minutes=CODE_MINUTES)


secret_kind(SecretKind.SIGNING_LINK, stop=stop_link, live=link_live)(issue_link)
secret_kind(SecretKind.SIGNING_CODE)(issue_code)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signer_for_token(token: str, now: datetime | None = None) -> Signer | None:
    """The signer a link belongs to, while it can still be used; None for a used, expired or made-up link."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    signer = db.session.scalars(sa.select(Signer).where(Signer.token_sha256 == _digest(token))).first()
    if signer is None or not hmac.compare_digest(signer.token_sha256 or "", _digest(token)):
        return None
    if signer.status is not SignerStatus.WAITING or signer.request.status is not RequestStatus.OPEN:
        return None
    if signer.method is not SigningMethod.LINK or signer.token_expires_at is None or signer.token_expires_at <= now:
        return None
    return signer


def send_code(signer: Signer, now: datetime | None = None) -> OutboxMessage:
    """Email a new one-time code (any earlier code stops working now). Limited per signer.

    Counted by one conditional update (``codes_sent < CODES_PER_SIGNER``), so requests at the same moment
    can never send more. The code itself is made when the email is delivered (``issue_code``).
    """
    now = now or utcnow()
    db.session.flush()
    generation = db.session.execute(
        sa.update(Signer)
        .where(Signer.id == signer.id, Signer.codes_sent < CODES_PER_SIGNER)
        .values(
            codes_sent=Signer.codes_sent + 1,
            code_generation=Signer.code_generation + 1,
            code_sha256=None,
            code_expires_at=None,
            code_attempts=0,
            code_requested_at=now,
        )
        .returning(Signer.code_generation)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.expire(signer)
    if generation is None:
        raise SigningError(
            "We have sent as many codes as we can for this link. Ask the person who sent it for a new one.", "code"
        )
    placement = signer.request.placement
    message = queue_message(
        organisation_id=placement.commissioning_organisation_id,
        to=[signer.email],
        subject="Your apdocs signing code",
        body=(
            f"{secret_placeholder(1)}\n\nEnter it on the page where you asked for it. If you did not ask "
            "for a code, you can ignore this email: nobody can sign without it.\n"
        ),
        purpose=PURPOSE_CODE,
        placement_id=placement.id,
        secrets=[SecretSpec(SecretKind.SIGNING_CODE, signer_id=signer.id, generation=generation)],
    )
    audit.record("send_code", "signer", signer.id, None, {}, organisation_id=placement.commissioning_organisation_id)
    return message


def _code_digest(signer_id: int, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{signer_id}:{code}".encode(), hashlib.sha256).hexdigest()


def code_on_its_way(signer: Signer) -> bool:
    """A code was asked for on this link and its email has not been delivered yet."""
    return signer.code_requested_at is not None and signer.code_sha256 is None and signer.code_expires_at is None


def confirm_code(signer: Signer, code: str, now: datetime | None = None) -> None:
    """Check the code. Raises SigningError with what to do. The caller commits either way: a try counts.

    The try is counted before the code is compared, by one conditional update that also checks the limits
    (CODE_TRIES for this code, LINK_CODE_TRIES for the link across all its codes), so requests racing each
    other can never get more guesses than that. Too many wrong codes for one link stop the link itself.
    """
    now = now or utcnow()
    code = "".join(code.split())
    db.session.flush()
    current = signer.code_sha256
    if current is None:
        if code_on_its_way(signer):
            raise SigningError("Your code is on its way: wait for the email, then enter the code from it.", "code")
        raise SigningError("Ask for a code first.", "code")
    if signer.code_expires_at is None or signer.code_expires_at <= now:
        _clear_code(signer, current)
        raise SigningError("That code has expired. Ask for a new one.", "code")
    counted = db.session.execute(
        sa.update(Signer)
        .where(
            Signer.id == signer.id,
            Signer.code_sha256 == current,
            Signer.code_attempts < CODE_TRIES,
            Signer.link_code_attempts < LINK_CODE_TRIES,
        )
        .values(code_attempts=Signer.code_attempts + 1, link_code_attempts=Signer.link_code_attempts + 1)
        .returning(Signer.code_attempts, Signer.link_code_attempts)
        .execution_options(synchronize_session=False)
    ).first()
    organisation_id = signer.request.placement.commissioning_organisation_id
    if counted is None:  # the last try was taken by another request, or the code changed meanwhile
        db.session.expire(signer)
        raise SigningError("That code has stopped working. Ask for a new one.", "code")
    attempts, link_attempts = counted
    right = code.isdigit() and len(code) == 6 and hmac.compare_digest(current, _code_digest(signer.id, code))
    if right:
        used = db.session.execute(
            sa.update(Signer)
            .where(Signer.id == signer.id, Signer.code_sha256 == current)
            .values(code_sha256=None, identity_confirmed_at=now)  # one use
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.expire(signer)
        if not used:
            raise SigningError("That code has stopped working. Ask for a new one.", "code")
        audit.record("confirm_code", "signer", signer.id, None, {}, organisation_id=organisation_id)
        return
    if link_attempts >= LINK_CODE_TRIES:
        db.session.execute(
            sa.update(Signer)
            .where(Signer.id == signer.id, Signer.link_generation == signer.link_generation)
            .values(token_sha256=None, code_sha256=None)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(signer)
        audit.record(
            "stop_link", "signer", signer.id, None, {"wrong_codes": link_attempts}, organisation_id=organisation_id
        )
        raise SigningError(
            "That code is not right, and this link has now stopped working after too many wrong codes. "
            "Ask the person who sent it for a new one.",
            "code",
        )
    if attempts >= CODE_TRIES:
        _clear_code(signer, current)
        raise SigningError("That code is not right, and has now stopped working. Ask for a new one.", "code")
    db.session.expire(signer)
    left = min(CODE_TRIES - attempts, LINK_CODE_TRIES - link_attempts)
    raise SigningError(f"That code is not right. Check the email and try again ({left} tries left).", "code")


def _clear_code(signer: Signer, current: str) -> None:
    db.session.execute(
        sa.update(Signer)
        .where(Signer.id == signer.id, Signer.code_sha256 == current)
        .values(code_sha256=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(signer)
