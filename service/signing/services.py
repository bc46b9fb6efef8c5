"""Asking for signatures on an agreed plan, identifying each signer, recording their signature, and making
the signed, sealed plan when everyone has signed.

Why it is built this way: a signature is only worth what the evidence around it is worth. A signer by link
proves they control the address the link went to twice over: the link itself (random, single use, expiring,
stored only as a hash) and a one-time code sent to the same address, tried a few times only. Both are made
when their email is delivered (``issue_link``, ``issue_code``, registered with the outbox), so they exist
only in the delivered email: no member of staff can read them in the outbox and sign as someone else. Code
sends and tries are counted by conditional updates in the database, so two requests at once never get an
extra one. A signer in person is recorded as witnessed by the member of staff whose account was signed in.
Everyone signs the same bytes: the SHA-256 of the plan version's PDF is pinned when they are asked, and a
plan that changes cancels the round and asks again. The caller commits, then enqueues the emails and the
signed document (background work only after the commit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.documents import services as documents
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.errors import FieldError
from service.extensions import db
from service.formatting import uk_date, uk_datetime
from service.mail.addresses import valid_address
from service.mail.message_secrets import SecretSpec, secret_kind, secret_placeholder
from service.mail.models import OutboxMessage, OutboxSecret, SecretKind, SecretState
from service.mail.outbox import queue_message
from service.mail.settings import mail_settings
from service.placements.models import Placement
from service.providers import contacts as provider_contacts
from service.providers.contacts import ContactCheck
from service.rules.calendar import working_days_between
from service.signing.models import (
    RequestStatus,
    SignatureRequest,
    Signer,
    SignerRole,
    SignerStatus,
    SigningMethod,
)

LINK_DAYS = 14
CODE_MINUTES = 15
CODE_TRIES = 5  # wrong codes before that code stops working
CODES_PER_SIGNER = 5  # codes one signer may be sent, so a link cannot be used to flood an inbox
LINK_CODE_TRIES = 15  # codes tried against one link, across all its codes, before the link stops
MAX_SIGNATURE_BYTES = 200_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REMINDER_WORKING_DAYS = 3
MAX_REMINDERS = 3
#: The roles a plan cannot be complete without (the pupil signs when the commissioner asks them to).
REQUIRED_ROLES = (SignerRole.PARENT_CARER, SignerRole.SCHOOL_REPRESENTATIVE, SignerRole.PROVIDER_REPRESENTATIVE)
PURPOSE_REQUEST = "signature_request"
PURPOSE_CODE = "signing_code"
PURPOSE_SIGNED = "signed_plan"


class SigningError(FieldError):
    """Something the user can act on; ``field`` names the form field it belongs to, when there is one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(field, message)


@dataclass(frozen=True)
class SignerDetails:
    name: str
    role: SignerRole
    method: SigningMethod
    email: str = ""


# -- what can be signed, by whom -----------------------------------------------------------------------


def signable_document(placement: Placement) -> Document | None:
    """The latest ready AP Support Plan of an agreed plan: what the signers are asked to sign."""
    plan = placement.support_plan
    if plan is None or plan.agreed_at is None:
        return None
    return documents.latest_plan(placement.id)


def why_not_signable(placement: Placement) -> str:
    """Why signatures cannot be asked for yet, or "" when they can."""
    plan = placement.support_plan
    if plan is None or plan.agreed_at is None:
        return "Signatures are asked for once the plan is agreed."
    document = signable_document(placement)
    if document is None:
        return "The plan has no PDF yet: produce the AP Support Plan on the placement's page, then ask for signatures."
    if document.status is DocumentStatus.FAILED:
        return "The plan's latest PDF could not be made: try again on the placement's page, then ask for signatures."
    if document.status is not DocumentStatus.READY:
        return "The plan's PDF is still being made: ask for signatures when it is ready."
    return ""


def suggested_signers(placement: Placement, contact: ContactCheck | None = None) -> list[SignerDetails]:
    """The parents and carers with parental responsibility, and the plan's school and provider representatives."""
    plan = placement.support_plan
    suggestions = [
        SignerDetails(parent.name, SignerRole.PARENT_CARER, SigningMethod.LINK, parent.email or "")
        for parent in placement.pupil.parents
        if parent.parental_responsibility
    ]
    # The provider's placement contact as this organisation confirmed it: a contact the catalogue entry's owner
    # changed is not suggested until it is confirmed (``providers.contacts``).
    contact = contact or provider_contacts.contact_check(placement.commissioning_organisation_id, placement.provider)
    suggestions.append(
        SignerDetails(plan.school_rep if plan else "", SignerRole.SCHOOL_REPRESENTATIVE, SigningMethod.IN_PERSON)
    )
    suggestions.append(
        SignerDetails(
            (plan.provider_rep if plan else "") or contact.name,
            SignerRole.PROVIDER_REPRESENTATIVE,
            SigningMethod.LINK,
            contact.address,
        )
    )
    return suggestions


def open_request(placement: Placement) -> SignatureRequest | None:
    return db.session.scalars(
        sa.select(SignatureRequest)
        .where(SignatureRequest.placement_id == placement.id, SignatureRequest.status == RequestStatus.OPEN)
        .order_by(SignatureRequest.id.desc())
    ).first()


def latest_request(placement: Placement) -> SignatureRequest | None:
    return db.session.scalars(
        sa.select(SignatureRequest)
        .where(SignatureRequest.placement_id == placement.id)
        .order_by(SignatureRequest.id.desc())
        .limit(1)
    ).first()


def requests_for(placement: Placement) -> list[SignatureRequest]:
    return list(
        db.session.scalars(
            sa.select(SignatureRequest)
            .where(SignatureRequest.placement_id == placement.id)
            .order_by(SignatureRequest.id.desc())
        )
    )


def get_request(placement: Placement, request_id: int) -> SignatureRequest | None:
    request = db.session.get(SignatureRequest, request_id)
    return request if request is not None and request.placement_id == placement.id else None


# -- asking ------------------------------------------------------------------------------------------


def request_signatures(
    user: User, placement: Placement, signers: Sequence[SignerDetails], *, now: datetime | None = None
) -> tuple[SignatureRequest, list[OutboxMessage]]:
    """Ask these people to sign the plan's latest version. Returns the request and the emails to enqueue."""
    reason = why_not_signable(placement)
    if reason:
        raise SigningError(reason)
    if open_request(placement) is not None:
        raise SigningError("Signatures are already being collected for this plan: cancel that round first.")
    _check_signers(signers)
    document = signable_document(placement)
    assert document is not None  # why_not_signable checked
    request = SignatureRequest(
        placement=placement,
        document=document,
        document_sha256=document.pdf_sha256,
        status=RequestStatus.OPEN,
        created_by_id=user.id,
    )
    request.signers = [
        Signer(position=n, name=s.name.strip(), role=s.role, method=s.method, email=s.email.strip().lower())
        for n, s in enumerate(signers)
    ]
    db.session.add(request)
    db.session.flush()
    messages = [
        _ask(user, signer, now or utcnow()) for signer in request.signers if signer.method is SigningMethod.LINK
    ]
    audit.record(
        "request",
        "signature_request",
        request.id,
        user,
        {"placement_id": placement.id, "document_id": document.id, "signers": len(request.signers)},
    )
    return request, messages


def _check_signers(signers: Sequence[SignerDetails]) -> None:
    roles = {s.role for s in signers}
    missing = [role.label.lower() for role in REQUIRED_ROLES if role not in roles]
    if missing:
        raise SigningError("Add a signer for each of: " + ", ".join(missing) + ".", "signers")
    for n, signer in enumerate(signers):
        if not signer.name.strip():
            raise SigningError(f"Enter the name of signer {n + 1}", f"signers-{n}-name")
        if len(signer.name) > 200:
            raise SigningError(f"Keep signer {n + 1}'s name to 200 characters or fewer", f"signers-{n}-name")
        if signer.method is SigningMethod.LINK:
            try:
                valid_address(signer.email)
            except FieldError:
                raise SigningError(
                    f"Enter an email address for {signer.name.strip()}, like name@example.com, or choose in person",
                    f"signers-{n}-email",
                ) from None


def _ask(user: User | None, signer: Signer, now: datetime, *, reminder: bool = False) -> OutboxMessage:
    """Email this signer a new single-use link; any earlier link and code stop working now.

    The link itself is made when the email is delivered (``issue_link``): the outbox keeps only a
    placeholder, and the signer's new link generation, so an earlier email still waiting is sent saying
    it was replaced rather than with a link that would undo this one.
    """
    db.session.flush()
    generation = db.session.execute(
        sa.update(Signer)
        .where(Signer.id == signer.id)
        .values(
            link_generation=Signer.link_generation + 1,
            code_generation=Signer.code_generation + 1,
            token_sha256=None,
            token_expires_at=None,
            code_sha256=None,
            code_expires_at=None,
            code_attempts=0,
            link_code_attempts=0,
            code_requested_at=None,
            last_asked_at=now,
        )
        .returning(Signer.link_generation)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(signer)
    placement = signer.request.placement
    organisation = placement.commissioning_organisation
    opening = "A reminder: please" if reminder else "Please"
    message = queue_message(
        organisation_id=organisation.id,
        to=[signer.email],
        subject=f"{'Reminder: please' if reminder else 'Please'} sign the AP Support Plan (ref AP-{placement.id})",
        body=(
            f"Dear {signer.name},\n\n"
            f"{opening} read and sign the AP Support Plan for a placement at {placement.provider.name} "
            f"starting on {uk_date(placement.planned_start)}, as the {signer.role.label.lower()}. "
            f"{organisation.name} asked for your signature.\n\n"
            f"{secret_placeholder(1)}\n\n"
            "Before you sign we will email a six-figure code to this address, to check it is you. You can read "
            "the plan on a phone. If something in it is wrong, you can decline and say why.\n\n"
            f"If you did not expect this email, contact {organisation.name}.\n"
        ),
        purpose=PURPOSE_REQUEST,
        placement_id=placement.id,
        secrets=[SecretSpec(SecretKind.SIGNING_LINK, signer_id=signer.id, generation=generation)],
        created_by=user,
    )
    return message


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
        newer = db.session.scalar(
            sa.select(Signer.link_generation > secret.generation).where(_waiting_signer(secret.signer_id))
        )
        secret.state = SecretState.REPLACED if newer else SecretState.NOT_NEEDED
        return LINK_REPLACED if newer else LINK_NOT_NEEDED
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
        newer = db.session.scalar(
            sa.select(Signer.code_generation > secret.generation).where(_waiting_signer(secret.signer_id))
        )
        secret.state = SecretState.REPLACED if newer else SecretState.NOT_NEEDED
        return CODE_REPLACED if newer else CODE_NOT_NEEDED
    secret.issued_at = now
    secret.expires_at = now + timedelta(minutes=CODE_MINUTES)
    return CODE_PARAGRAPH.format(code=code, minutes=CODE_MINUTES)


secret_kind(SecretKind.SIGNING_LINK, stop=stop_link, live=link_live)(issue_link)
secret_kind(SecretKind.SIGNING_CODE)(issue_code)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- the signer's side ----------------------------------------------------------------------------------


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


def record_view(signer: Signer, ip: str, user_agent: str, now: datetime | None = None) -> None:
    if signer.viewed_at is None:
        signer.viewed_at = now or utcnow()
    signer.ip_address = ip[:45]
    signer.user_agent = user_agent[:300]


def decode_signature(data_url: str) -> bytes:
    """The PNG a signature pad posts (``data:image/png;base64,…``), checked to be a PNG of sane size."""
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise SigningError("Draw your signature in the box, or type your name instead.", "signature")
    try:
        png = base64.b64decode(data_url[len(prefix) :], validate=True)
    except ValueError:
        raise SigningError("The drawing could not be read. Draw it again, or type your name.", "signature") from None
    if not png.startswith(PNG_MAGIC) or len(png) > MAX_SIGNATURE_BYTES:
        raise SigningError("The drawing could not be read. Draw it again, or type your name.", "signature")
    return png


def sign(
    signer: Signer,
    *,
    drawn: str = "",
    typed: str = "",
    read_confirmed: bool,
    ip: str,
    user_agent: str,
    witness: User | None = None,
    now: datetime | None = None,
) -> bool:
    """Record the signature. Returns True when it was the last one needed (the caller then completes)."""
    now = now or utcnow()
    if signer.status is not SignerStatus.WAITING or signer.request.status is not RequestStatus.OPEN:
        raise SigningError("This plan can no longer be signed here.")
    if signer.method is SigningMethod.LINK and signer.identity_confirmed_at is None:
        raise SigningError("Confirm the code we emailed you first.", "code")
    if signer.method is SigningMethod.IN_PERSON and witness is None:
        raise SigningError("A signature in person is witnessed by a signed-in member of staff.")
    if not read_confirmed:
        raise SigningError("Confirm that you have read the plan.", "read_confirmed")
    typed = " ".join(typed.split())
    if drawn:
        signer.signature_png = decode_signature(drawn)
    elif typed:
        if len(typed) > 200:
            raise SigningError("Keep your typed name to 200 characters or fewer.", "typed")
        signer.typed_signature = typed
    else:
        raise SigningError("Draw your signature in the box, or type your name.", "signature")
    signer.read_confirmed = True
    signer.status = SignerStatus.SIGNED
    signer.signed_at = now
    signer.token_sha256 = None  # the link has done its job: it never works again
    if witness is not None:
        signer.witnessed_by_id = witness.id
    if signer.viewed_at is None:
        signer.viewed_at = now
    signer.ip_address = ip[:45]
    signer.user_agent = user_agent[:300]
    audit.record(
        "sign",
        "signer",
        signer.id,
        witness,
        {"method": signer.method.value, "request_id": signer.request_id},
        organisation_id=signer.request.placement.commissioning_organisation_id,
    )
    return all(s.status is SignerStatus.SIGNED for s in signer.request.signers)


def decline(signer: Signer, reason: str, *, ip: str, user_agent: str, witness: User | None = None) -> None:
    """The signer does not agree: the round stops, and the commissioner sees why."""
    reason = reason.strip()
    if not reason:
        raise SigningError("Say why you do not want to sign, so the school can talk it through with you.", "reason")
    if len(reason) > 5000:
        raise SigningError("Keep this to 5,000 characters or fewer.", "reason")
    if signer.status is not SignerStatus.WAITING or signer.request.status is not RequestStatus.OPEN:
        raise SigningError("This plan can no longer be signed here.")
    now = utcnow()
    signer.status = SignerStatus.DECLINED
    signer.declined_at = now
    signer.decline_reason = reason
    signer.token_sha256 = None
    signer.ip_address = ip[:45]
    signer.user_agent = user_agent[:300]
    signer.request.status = RequestStatus.DECLINED
    audit.record(
        "decline",
        "signer",
        signer.id,
        witness,
        {"request_id": signer.request_id},
        organisation_id=signer.request.placement.commissioning_organisation_id,
    )


# -- the commissioner's side ----------------------------------------------------------------------------


def cancel_request(user: User | None, request: SignatureRequest, reason: str) -> None:
    """Stop a round: every link stops working. Signatures already given stay on record, unused."""
    if request.status is not RequestStatus.OPEN:
        raise SigningError("Only a round still waiting for signatures can be cancelled.")
    request.status = RequestStatus.CANCELLED
    request.cancelled_at = utcnow()
    request.cancel_reason = reason
    for signer in request.signers:
        signer.token_sha256 = None
        if signer.status is SignerStatus.WAITING:
            signer.status = SignerStatus.CANCELLED
    audit.record("cancel", "signature_request", request.id, user, {"placement_id": request.placement_id})


def remind(user: User | None, signer: Signer, now: datetime | None = None) -> OutboxMessage:
    """Send the signer a new link (the old one stops working)."""
    if signer.status is not SignerStatus.WAITING or signer.request.status is not RequestStatus.OPEN:
        raise SigningError("Only someone who has not signed yet can be reminded.")
    if signer.method is not SigningMethod.LINK:
        raise SigningError("Someone signing in person is not sent reminders.")
    signer.reminders_sent += 1
    return _ask(user, signer, now or utcnow(), reminder=True)


def cancel_for_changed_plan(user: User | None, placement: Placement) -> SignatureRequest | None:
    """The plan was agreed again (it changed): pending signatures are cancelled, and the same people are
    asked to sign the new version as soon as its PDF is ready (``ask_again_after_change``)."""
    request = open_request(placement)
    if request is None:
        return None
    cancel_request(user, request, "The plan changed: everyone is asked to sign the new version.")
    request.ask_again = True
    return request


def ask_again_after_change(document: Document) -> tuple[SignatureRequest | None, list[OutboxMessage]]:
    """A new plan version is ready: ask the people of a round cancelled by the change to sign it."""
    if document.doc_type is not DocumentType.SUPPORT_PLAN or document.sealed:
        return None, []
    previous = db.session.scalars(
        sa.select(SignatureRequest)
        .where(SignatureRequest.placement_id == document.placement_id, SignatureRequest.ask_again.is_(True))
        .order_by(SignatureRequest.id.desc())
    ).first()
    latest = signable_document(previous.placement) if previous is not None else None
    if previous is None or latest is None or latest.id != document.id:
        return None, []
    previous.ask_again = False
    signers = [SignerDetails(s.name, s.role, s.method, s.email) for s in previous.signers]
    user = previous.created_by
    if user is None or open_request(previous.placement) is not None:
        return None, []
    return request_signatures(user, previous.placement, signers)


def reminders_due(today: date) -> list[Signer]:
    """Link signers still waiting whose last email is ``APDOCS_SIGNING_REMINDER_WORKING_DAYS`` (default 3)
    working days old or more, reminded at most MAX_REMINDERS times."""
    after = int(current_app.config.get("APDOCS_SIGNING_REMINDER_WORKING_DAYS") or REMINDER_WORKING_DAYS)
    waiting = db.session.scalars(
        sa.select(Signer)
        .join(SignatureRequest)
        .where(
            SignatureRequest.status == RequestStatus.OPEN,
            Signer.status == SignerStatus.WAITING,
            Signer.method == SigningMethod.LINK,
            Signer.reminders_sent < MAX_REMINDERS,
        )
    ).all()
    return [
        s
        for s in waiting
        if s.last_asked_at is not None and working_days_between(s.last_asked_at.date(), today) >= after
    ]


# -- when everyone has signed ---------------------------------------------------------------------------


def complete(request: SignatureRequest, output_dir: Path) -> Document:
    """Everyone signed: queue the signed plan (the version they saw, their signatures in its blocks, the
    certificate of completion after it, sealed). The caller commits, then enqueues the document."""
    request.status = RequestStatus.COMPLETED
    request.completed_at = utcnow()
    context = signed_context(request)
    document = documents.request_sealed_document(request.document, context, output_dir)
    request.signed_document = document
    audit.record(
        "complete",
        "signature_request",
        request.id,
        None,
        {"document_id": document.id},
        organisation_id=request.placement.commissioning_organisation_id,
    )
    return document


def signed_context(request: SignatureRequest) -> dict[str, Any]:
    """The context the signers saw, with the signature blocks filled in and the certificate's facts."""
    context = dict(request.document.context)
    blocks = dict(context.get("signatures", {}))
    for role in (SignerRole.PARENT_CARER, SignerRole.SCHOOL_REPRESENTATIVE, SignerRole.PROVIDER_REPRESENTATIVE):
        first = next((s for s in request.signers if s.role is role and s.status is SignerStatus.SIGNED), None)
        if first is not None and role.value in blocks:
            blocks[role.value] = {**blocks[role.value], **_block(first)}
    context["signatures"] = blocks
    context["certificate"] = {
        "document_sha256": request.document_sha256,
        "document_title": request.document.title,
        "requested_on": uk_datetime(request.created_at),
        "completed_on": uk_datetime(request.completed_at),
        "signers": [_certificate_row(s) for s in request.signers],
    }
    return context


def _block(signer: Signer) -> dict[str, str]:
    return {
        "name": signer.name,
        "signed_on": uk_date(signer.signed_at),
        "signed_on_iso": signer.signed_at.date().isoformat() if signer.signed_at else "",
        "signature_image": base64.b64encode(signer.signature_png).decode() if signer.signature_png else "",
        "typed_signature": signer.typed_signature,
    }


def _certificate_row(signer: Signer) -> dict[str, str]:
    return {
        "name": signer.name,
        "role": signer.role.label,
        "identified_by": signer.identified_by,
        "ip_address": signer.ip_address,
        "device": signer.user_agent,
        "viewed_at": uk_datetime(signer.viewed_at),
        "signed_at": uk_datetime(signer.signed_at),
        "signature_image": base64.b64encode(signer.signature_png).decode() if signer.signature_png else "",
        "typed_signature": signer.typed_signature,
    }


def send_signed_plan(document: Document) -> list[OutboxMessage]:
    """The sealed plan is ready: each parent or carer who signed gets their copy (attached or linked by the
    organisation's choice), on its own. The caller commits, then enqueues."""
    from service.documents.sending import Letter, send_document

    request = db.session.scalars(
        sa.select(SignatureRequest).where(SignatureRequest.signed_document_id == document.id)
    ).first()
    if request is None:
        return []
    placement = request.placement
    organisation = placement.commissioning_organisation
    emails = {p.name.strip().lower(): p.email for p in placement.pupil.parents if p.email}
    messages = []
    for signer in request.signers:
        if signer.role is not SignerRole.PARENT_CARER:
            continue
        address = signer.email or emails.get(signer.name.strip().lower(), "")
        if not address:
            continue
        letter = Letter(
            subject=f"Your signed copy of the AP Support Plan (ref AP-{placement.id})",
            body=(
                f"Dear {signer.name},\n\n"
                "Everyone has signed the AP Support Plan. This is your copy, sealed so that any change to it can be "
                "seen. Keep it: it is the plan everyone agreed.\n\n"
                "{delivery}\n\n"
                f"If you have a question about it, contact {organisation.name}.\n"
            ),
            purpose=PURPOSE_SIGNED,
        )
        message, _how = send_document(None, organisation, document, address, letter)
        messages.append(message)
    return messages
