"""Recording a signature (or a refusal) and, when everyone has signed, making the signed, sealed plan.

A signer in person is recorded as witnessed by the member of staff whose account was signed in. When the last
signature is in, the signed plan is the version everyone saw, their signatures in its blocks and a certificate
of completion after it, sealed when it is made; each parent or carer who signed is then sent their copy. The
caller commits; the document and the emails are enqueued with ``enqueue_after_commit``.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.documents import services as documents
from service.documents.models import Document
from service.documents.sending import Letter, send_document
from service.extensions import db
from service.formatting import uk_datetime
from service.mail.models import OutboxMessage
from service.rules.dates import uk_date
from service.signing.models import RequestStatus, SignatureRequest, Signer, SignerRole, SignerStatus, SigningMethod
from service.signing.rounds import SigningError, raise_problems, same_person

MAX_SIGNATURE_BYTES = 200_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PURPOSE_SIGNED = "signed_plan"


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
    _hold_round(signer)
    now = now or utcnow()
    if signer.status is not SignerStatus.WAITING or signer.request.status is not RequestStatus.OPEN:
        raise SigningError("This plan can no longer be signed here.")
    if signer.method is SigningMethod.LINK and signer.identity_confirmed_at is None:
        raise SigningError("Confirm the code we emailed you first.", "code")
    if signer.method is SigningMethod.IN_PERSON and witness is None:
        raise SigningError("A signature in person is witnessed by a signed-in member of staff.")
    if witness is not None and same_person(signer.name, witness):
        raise SigningError(
            f"You cannot witness your own signature. Ask a colleague to witness it on their device, or cancel this "
            f"round and ask again with {signer.name} signing by email link."
        )
    # Every mistake at once: the signer fixes them together, not one per attempt.
    problems: list[SigningError] = []
    if not read_confirmed:
        problems.append(SigningError("Confirm that you have read the plan.", "read_confirmed"))
    typed = " ".join(typed.split())
    png: bytes | None = None
    try:
        if drawn:
            png = decode_signature(drawn)
        elif not typed:
            raise SigningError("Draw your signature in the box, or type your name.", "signature")
        elif len(typed) > 200:
            raise SigningError("Keep your typed name to 200 characters or fewer.", "typed")
    except SigningError as problem:
        problems.append(problem)
    raise_problems(problems)
    if png is not None:
        signer.signature_png = png
    else:
        signer.typed_signature = typed
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


def _hold_round(signer: Signer) -> None:
    """Wait for any other request acting on this placement (another signer signing at the same moment, a new plan
    version stopping the round), then read the round as it left it. Why: the last two signers signing at once would
    each find the other still waiting, and the round would never complete; and every request that makes something
    for a placement holds the placement first (``documents.hold_placement``), so none waits on another in a cycle."""
    db.session.flush()
    documents.hold_placement(signer.request.placement_id)
    db.session.expire_all()


def decline(signer: Signer, reason: str, *, ip: str, user_agent: str, witness: User | None = None) -> None:
    """The signer does not agree: the round stops, and the commissioner sees why."""
    _hold_round(signer)
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
        "role": signer.role_label,
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
