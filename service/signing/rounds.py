"""Asking for signatures on an agreed plan: who can be asked, the round of signatures, reminders, and asking
again when the plan changes.

Everyone signs the same bytes: the SHA-256 of the plan version's PDF is pinned when they are asked, and a plan
that changes cancels the round (``cancel_for_changed_plan``, on the ``document_requested`` signal) and asks the
same people again once the new version is ready. Each signer by link is emailed a placeholder: the link itself
is made when the email is delivered (``service.signing.identity``). The caller commits; the emails are enqueued
with ``enqueue_after_commit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

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
from service.mail.addresses import valid_address
from service.mail.message_secrets import SecretSpec, secret_placeholder
from service.mail.models import OutboxMessage, OutboxSecret, SecretKind
from service.mail.outbox import queue_message
from service.placements.models import Placement
from service.providers import contacts as provider_contacts
from service.providers.contacts import ContactCheck
from service.rules.calendar import working_days_between
from service.rules.dates import uk_date
from service.signing.models import (
    RequestStatus,
    SignatureRequest,
    Signer,
    SignerRole,
    SignerStatus,
    SigningMethod,
)

REMINDER_WORKING_DAYS = 3
MAX_REMINDERS = 3
#: The roles a plan cannot be complete without (the pupil signs when the commissioner asks them to).
REQUIRED_ROLES = (SignerRole.PARENT_CARER, SignerRole.SCHOOL_REPRESENTATIVE, SignerRole.PROVIDER_REPRESENTATIVE)
PURPOSE_REQUEST = "signature_request"


class SigningError(FieldError):
    """Something the user can act on; ``field`` names the form field it belongs to, when there is one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(field, message)


class SigningProblems(SigningError):
    """Several things to fix at once (each a ``SigningError`` with its field), so a form shows them all together
    rather than one per attempt."""

    def __init__(self, problems: Sequence[SigningError]) -> None:
        super().__init__(problems[0].message, problems[0].field)
        self.problems = list(problems)


def raise_problems(problems: Sequence[SigningError]) -> None:
    """Raise the problems found, if any: one alone as itself, several together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise SigningProblems(problems)


def same_person(signer_name: str, user: User) -> bool:
    """Whether a signer's name is this member of staff's own ("Sam Okafor, SENCO" is Sam Okafor): nobody
    witnesses their own signature, and the school's signer is not suggested to sign in front of themselves."""

    def plain(name: str) -> str:
        return " ".join(name.split(",")[0].split()).casefold()

    return bool(plain(signer_name)) and plain(signer_name) == plain(user.name)


@dataclass(frozen=True)
class SignerDetails:
    name: str
    role: SignerRole
    method: SigningMethod
    email: str = ""


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


def suggested_signers(
    placement: Placement, contact: ContactCheck | None = None, asker: User | None = None
) -> list[SignerDetails]:
    """The parents and carers with parental responsibility, and the plan's school and provider representatives.

    The school's representative is the one the plan names, signing in person in front of ``asker`` (the SENCO
    asking, who witnesses it). When the plan names ``asker`` themselves, as it usually does when the SENCO wrote
    it, they are suggested to sign by a link to their own account's address instead: a witness cannot vouch for
    their own signature, and the link and code prove it was them as they prove it for a parent."""
    plan = placement.support_plan
    suggestions = [
        SignerDetails(parent.name, SignerRole.PARENT_CARER, SigningMethod.LINK, parent.email or "")
        for parent in placement.pupil.parents
        if parent.parental_responsibility
    ]
    # The provider's placement contact as this organisation confirmed it: a contact the catalogue entry's owner
    # changed is not suggested until it is confirmed (``providers.contacts``).
    contact = contact or provider_contacts.contact_check(placement.commissioning_organisation_id, placement.provider)
    school_rep = plan.school_rep if plan else ""
    if asker is not None and same_person(school_rep, asker):
        suggestions.append(SignerDetails(school_rep, SignerRole.SCHOOL_REPRESENTATIVE, SigningMethod.LINK, asker.email))
    else:
        suggestions.append(SignerDetails(school_rep, SignerRole.SCHOOL_REPRESENTATIVE, SigningMethod.IN_PERSON))
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


def signed_round(placement: Placement) -> SignatureRequest | None:
    """The round in which everyone signed the plan's latest version, if there is one: nothing more to ask for
    until the plan changes (a new version is asked for afresh)."""
    latest = signable_document(placement)
    if latest is None:
        return None
    return db.session.scalars(
        sa.select(SignatureRequest)
        .where(
            SignatureRequest.placement_id == placement.id,
            SignatureRequest.status == RequestStatus.COMPLETED,
            SignatureRequest.document_id == latest.id,
        )
        .order_by(SignatureRequest.id.desc())
        .limit(1)
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


def request_signatures(
    user: User, placement: Placement, signers: Sequence[SignerDetails], *, now: datetime | None = None
) -> tuple[SignatureRequest, list[OutboxMessage]]:
    """Ask these people to sign the plan's latest version. Returns the request and the emails to enqueue.

    The placement is held first (``documents.hold_placement``): two requests at once (a double click, two web
    processes) would both find no open round and open two, each emailing every signer."""
    documents.hold_placement(placement.id)
    reason = why_not_signable(placement)
    if reason:
        raise SigningError(reason)
    if open_request(placement) is not None:
        raise SigningError("Signatures are already being collected for this plan: cancel that round first.")
    _check_signers(signers, placement.commissioned_by_la)
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


def request_messages(request: SignatureRequest) -> list[OutboxMessage]:
    """The emails that asked this round's signers to sign (not the reminders or codes), oldest first."""
    signer_ids = [signer.id for signer in request.signers]
    if not signer_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.purpose == PURPOSE_REQUEST,
                OutboxMessage.id.in_(sa.select(OutboxSecret.message_id).where(OutboxSecret.signer_id.in_(signer_ids))),
            )
            .order_by(OutboxMessage.id)
        )
    )


def _check_signers(signers: Sequence[SignerDetails], local_authority: bool) -> None:
    """Every problem with the signers at once, each on its row's field."""
    problems: list[SigningError] = []
    roles = {s.role for s in signers}
    missing = [role.label_for(local_authority).lower() for role in REQUIRED_ROLES if role not in roles]
    if missing:
        problems.append(SigningError("Add a signer for each of: " + ", ".join(missing) + ".", "signers"))
    for n, signer in enumerate(signers):
        if not signer.name.strip():
            problems.append(SigningError(f"Enter the name of signer {n + 1}", f"signers-{n}-name"))
        elif len(signer.name) > 200:
            problems.append(SigningError(f"Keep signer {n + 1}'s name to 200 characters or fewer", f"signers-{n}-name"))
        if signer.method is SigningMethod.LINK:
            try:
                valid_address(signer.email)
            except FieldError:
                who = signer.name.strip() or f"signer {n + 1}"
                problems.append(
                    SigningError(
                        f"Enter an email address for {who}, like name@example.com, or choose in person",
                        f"signers-{n}-email",
                    )
                )
    raise_problems(problems)


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
            f"starting on {uk_date(placement.planned_start)}, as the {signer.role_label.lower()}. "
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
