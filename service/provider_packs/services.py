"""The provider information pack: recording it, working out when it goes, and sending it.

Why a schedule: the provider must have the pack before the pupil arrives (the Oxfordshire commissioning guidance; the
EOTAS guidance for English schools), and a SENCO on a busy day forgets. Each placement's pack has a send date a set
number of working days before its start (the organisation's setting, default 5); on that date the scheduler sends it to
the provider's placement contact, unless a person already has. Whatever happens to the email is in the outbox, and the
pack's state (``rules.provider_pack``) comes from the latest pack message there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from service.audit import services as audit
from service.auth.models import User
from service.documents import services as documents
from service.documents.kinds.support_plan import PLAN_SECTIONS
from service.documents.models import Document
from service.documents.sending import Letter, send_document
from service.documents.types import DocumentType
from service.extensions import db
from service.mail.models import MessageStatus, OutboxMessage
from service.placements.models import Placement
from service.provider_packs.models import ProviderPack
from service.providers import contacts
from service.providers.contacts import ContactCheck
from service.providers.models import ProviderContact
from service.rules.dates import uk_date
from service.rules.delivery import Delivery, delivery_for
from service.rules.placement_status import PlacementStatus
from service.rules.provider_pack import (
    ALWAYS_CARRIED,
    PackMessage,
    PackSection,
    PackState,
    due_for_automatic_sending,
    kept_out_problems,
    needs_reason,
    pack_send_date,
    pack_state,
    starting_soon,
)
from service.sql import among

PURPOSE = "provider_pack"
#: The request token's action for "Send the pack now" (``documents.earlier_request``).
SEND_ACTION = "send_pack"
ANSWER_FIELDS = (
    "send_needs",
    "literacy",
    "medical_needs",
    "what_works",
    "what_to_avoid",
    "behaviours_that_challenge",
    "strategies_that_worked",
    "aptitudes_interests",
    "transport",
    "other_emergency_contacts",
)
#: A pack is sent once the provider has been asked to take the pupil, and until the placement ends.
SENDABLE_STATUSES = (
    PlacementStatus.REFERRED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
    PlacementStatus.UNDER_REVIEW,
)
#: The scheduler sends only once the plan is agreed: before that the objectives may still change.
AUTOMATIC_STATUSES = (PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)

_OUTCOME = {
    MessageStatus.QUEUED: PackMessage.IN_PROGRESS,
    MessageStatus.SENDING: PackMessage.IN_PROGRESS,
    MessageStatus.SENT: PackMessage.DELIVERED,
    MessageStatus.FAILED: PackMessage.PROBLEM,
    MessageStatus.MAY_HAVE_BEEN_SENT: PackMessage.PROBLEM,
    MessageStatus.CANCELLED: PackMessage.NONE,
}


#: The form field holding the reason for keeping each section out, for the sections that need one.
REASON_FIELDS = {section: f"reason_{section.value}" for section in ALWAYS_CARRIED}


class PackAnswersRefused(Exception):
    """The answers cannot be saved; ``problems`` maps each form field to the message to show next to it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


class PackNotReady(Exception):
    """The pack cannot go yet; ``problems`` says what is missing, in words a SENCO can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class PackStatus:
    """Where one placement's pack stands today, for its page and the dashboard."""

    placement: Placement
    send_on: date
    state: PackState
    message: OutboxMessage | None
    problems: list[str] = field(default_factory=list)
    starting_soon: bool = False
    automatic: bool = False  # the scheduler will send it on the send date (the plan is agreed)
    contact_changed: bool = False  # held: the provider's placement contact changed and is not confirmed yet

    @property
    def may_have_been_sent(self) -> bool:
        """The latest pack email may have reached the provider: the mail server took it but never confirmed.
        Sending again may give the provider two packs, so the SENCO checks with the provider first."""
        return self.message is not None and self.message.status is MessageStatus.MAY_HAVE_BEEN_SENT

    @property
    def label(self) -> str:
        """Where the pack stands, in words that are true of its latest email (the outbox's state of it): a pack
        whose email may have been sent is never called failed."""
        if self.state is PackState.FAILED:
            if self.may_have_been_sent:
                return "May have been sent — check with the provider before sending it again"
            return "Not sent — check the outbox"
        if self.state is PackState.SENDING and self.message is not None:
            return self.message.status.label  # "Waiting to send" until the mail server has it, then "Sending"
        return self.state.label


def pack_of(placement: Placement) -> ProviderPack | None:
    return placement.provider_pack


def save_pack(user: User, placement: Placement, answers: Mapping[str, Any]) -> ProviderPack:
    """Record the pack's answers, the sections kept out and why. Caller commits.

    The safeguarding status, the risks and the SEN are kept out only with a recorded reason
    (``rules.provider_pack.ALWAYS_CARRIED``): without one, nothing is saved and ``PackAnswersRefused`` names the
    reason field to fill in. A reason is kept only while its section is kept out. Each section newly kept out, or
    kept out for a new reason, is audited by name (the reason itself is on the pack, not in the audit trail).
    """
    known = {section.value for section in PackSection}
    withheld = [value for value in answers.get("withheld") or [] if value in known]
    reasons = {
        section.value: (answers.get(field) or "").strip()
        for section, field in REASON_FIELDS.items()
        if section.value in withheld
    }
    problems = kept_out_problems(withheld, reasons)
    if problems:
        raise PackAnswersRefused({REASON_FIELDS[section]: message for section, message in problems.items()})
    pack = placement.provider_pack
    if pack is None:
        pack = ProviderPack(placement=placement, withheld=[], withheld_reasons={})
        db.session.add(pack)
    before = dict(pack.withheld_reasons or {})
    for name in ANSWER_FIELDS:
        setattr(pack, name, answers.get(name) or "")
    pack.withheld = withheld
    pack.withheld_reasons = reasons
    pack.updated_by_id = user.id
    audit.record("update", "provider_pack", placement.id, user, {"withheld": pack.withheld})
    for value, reason in reasons.items():
        if before.get(value) != reason:
            audit.record("keep_out", "provider_pack", placement.id, user, {"section": value})
    return pack


def kept_out_with_reasons(placement: Placement) -> list[tuple[PackSection, str]]:
    """The sections that need a reason and are kept out of the pack, each with its reason ("" when none is
    recorded), for the pack's pages: the SENCO sees what the provider will not get, and why."""
    pack = placement.provider_pack
    if pack is None:
        return []
    return [
        (section, pack.reason_for(section))
        for section in PackSection
        if needs_reason(section) and not pack.shares(section)
    ]


def plan_shows_what_is_kept_out(placement: Placement) -> tuple[Document | None, list[PackSection]]:
    """The latest AP Support Plan version, and the sections kept out of the pack that it still shows.

    Why: the plan leaves out what the pack leaves out (the provider reads and signs it), but a version produced
    before a section was ticked keeps what it showed. The SENCO is told to produce the plan again.
    """
    latest = documents.latest_plan(placement.id)
    pack = placement.provider_pack
    if latest is None or pack is None:
        return latest, []
    shown = latest.context.get("shared", {}) if isinstance(latest.context, dict) else {}
    return latest, [
        PackSection(name) for name, _what in PLAN_SECTIONS if name in (pack.withheld or []) and shown.get(name, True)
    ]


def send_date(placement: Placement) -> date:
    return pack_send_date(placement.planned_start, placement.commissioning_organisation.pack_lead_working_days)


def contact_check(placement: Placement) -> ContactCheck:
    """The provider's placement contact as the commissioning organisation may use it (``providers.contacts``)."""
    return contacts.contact_check(placement.commissioning_organisation_id, placement.provider)


def placement_contact(placement: Placement, check: ContactCheck | None = None) -> ProviderContact | None:
    """Whom the pack goes to: the provider's placement contact, once the commissioning organisation has confirmed
    its address (a change by the catalogue entry's owner never silently redirects a pack)."""
    check = check or contact_check(placement)
    return check.contact if check.address else None


#: ``pack`` not given: the placement's own (``placement.provider_pack``).
_ITS_OWN: Any = object()


def sending_problems(
    placement: Placement, check: ContactCheck | None = None, pack: ProviderPack | None = _ITS_OWN
) -> list[str]:
    """What stops the pack going: each one named, so the SENCO knows what to fix and where. ``pack``: the
    placement's pack when the caller has read it already (the dashboard's placements are plain values)."""
    problems: list[str] = []
    check = check or contact_check(placement)
    if placement.status not in SENDABLE_STATUSES:
        problems.append(f"A pack is sent once the placement is referred; this one is {placement.status.label.lower()}.")
    if check.needs_confirmation:
        problems.append(
            f"{placement.provider.name}'s placement contact changed to {check.current_email}. The pack is not sent "
            "to a new address until your organisation confirms it on the provider's page."
        )
    elif not check.address:
        problems.append("The provider has no contact with an email address: add one to the provider's record.")
    organisation = placement.commissioning_organisation
    if not (organisation.dsl_name and organisation.dsl_phone):
        problems.append(
            "Your organisation's designated safeguarding lead and their phone number are not recorded: "
            "an administrator adds them in Organisation settings."
        )
    # The provider must know what is expected of it and whom to tell, before the pupil arrives (Keeping Children
    # Safe in Education; the Oxfordshire commissioning guidance): a pack without them is not sent at all.
    if not (organisation.child_protection_expectations or "").strip():
        problems.append(
            "Your organisation's child-protection expectations (what you expect of a provider on child protection) "
            "are not recorded: an administrator adds them in Organisation settings, under Safeguarding."
        )
    if not (organisation.concern_procedure or "").strip():
        problems.append(
            "Your organisation's concern procedure (how a provider raises a concern about a pupil) is not recorded: "
            "an administrator adds it in Organisation settings, under Safeguarding."
        )
    if pack is _ITS_OWN:
        pack = placement.provider_pack
    if pack is not None:
        for section in kept_out_problems(pack.withheld or [], pack.withheld_reasons or {}):
            problems.append(
                f"The pack keeps out {section.label} without saying why: record the reason on the pack's page, "
                "or share it."
            )
    return problems


def pack_messages(placement_ids: Iterable[int], *, state_only: bool = False) -> dict[int, OutboxMessage]:
    """The latest pack message of each placement (one query for a whole dashboard). ``state_only``: only what the
    dashboard shows of each (its status and when it went), not the text and addresses of thousands of emails."""
    ids = list(placement_ids)
    if not ids:
        return {}
    stmt = (
        sa.select(OutboxMessage)
        .where(among(OutboxMessage.placement_id, ids), OutboxMessage.purpose == PURPOSE)
        .order_by(OutboxMessage.id)
    )
    if state_only:
        stmt = stmt.options(load_only(OutboxMessage.placement_id, OutboxMessage.status, OutboxMessage.sent_at))
    rows = db.session.scalars(stmt).all()
    return {row.placement_id: row for row in rows if row.placement_id is not None}


def status_of(
    placement: Placement,
    today: date,
    message: OutboxMessage | None = None,
    *,
    look_up: bool = True,
    check: ContactCheck | None = None,
    pack: ProviderPack | None = _ITS_OWN,
) -> PackStatus:
    if message is None and look_up:
        message = pack_messages([placement.id]).get(placement.id)
    outcome = _OUTCOME[message.status] if message is not None else PackMessage.NONE
    send_on = send_date(placement)
    check = check or contact_check(placement)
    return PackStatus(
        placement=placement,
        send_on=send_on,
        state=pack_state(today=today, starts_on=placement.planned_start, send_on=send_on, message=outcome),
        message=message,
        problems=sending_problems(placement, check, pack),
        starting_soon=starting_soon(today=today, starts_on=placement.planned_start),
        automatic=placement.status in AUTOMATIC_STATUSES,
        contact_changed=check.needs_confirmation,
    )


def statuses(placements: Iterable[Placement], today: date) -> list[PackStatus]:
    """Every sendable placement's pack status, for the dashboard: a fixed number of queries (the latest pack
    messages, the packs, each organisation's contact confirmations), whatever the number of placements. The
    placements may be the dashboard's plain values (``dashboard.read_model``): their packs are passed along, not
    set on them."""
    wanted = [p for p in placements if p.status in SENDABLE_STATUSES]
    latest = pack_messages((p.id for p in wanted), state_only=True)
    packs = _packs_of([p.id for p in wanted])
    checks: dict[tuple[int, int], ContactCheck] = {}
    for organisation_id in {p.commissioning_organisation_id for p in wanted}:  # one query per organisation
        providers = [p.provider for p in wanted if p.commissioning_organisation_id == organisation_id]
        for provider_id, check in contacts.contact_checks(organisation_id, providers).items():
            checks[organisation_id, provider_id] = check
    return [
        status_of(
            p,
            today,
            latest.get(p.id),
            look_up=False,
            check=checks[p.commissioning_organisation_id, p.provider_id],
            pack=packs.get(p.id),
        )
        for p in wanted
    ]


def _packs_of(placement_ids: list[int]) -> dict[int, ProviderPack]:
    """Every placement's pack in one query, by placement, so the send checks (which read what the pack keeps out)
    cost no query per placement on the dashboard."""
    if not placement_ids:
        return {}
    return {
        pack.placement_id: pack
        for pack in db.session.scalars(sa.select(ProviderPack).where(among(ProviderPack.placement_id, placement_ids)))
    }


def send_pack(
    user: User | None, placement: Placement, output_dir: Path, *, on: date | None = None
) -> tuple[Document, OutboxMessage]:
    """Produce a new version of the pack and queue it to the provider's placement contact.

    A new version each time, so the provider gets the pack as it is now and the outbox records exactly
    which version went. The caller commits, then enqueues the document and then the message.
    """
    check = contact_check(placement)
    problems = sending_problems(placement, check)
    if problems:
        raise PackNotReady(problems)
    today = on or date.today()
    document = documents.request_document(user, placement, DocumentType.PROVIDER_PACK, output_dir, on=today)
    db.session.flush()
    contact = placement_contact(placement, check)
    assert contact is not None  # sending_problems checked
    letter = Letter(
        subject=f"Provider information pack: placement starting {uk_date(placement.planned_start)} "
        f"(ref AP-{placement.id})",
        body=_pack_body(placement, contact.name),
        purpose=PURPOSE,
    )
    message, _how = send_document(user, placement.commissioning_organisation, document, contact.email, letter)
    audit.record(
        "send",
        "provider_pack",
        placement.id,
        user,
        {"document_id": document.id, "message_id": message.id},
        organisation_id=placement.commissioning_organisation_id,
    )
    return document, message


def send_outcome(message: OutboxMessage | None) -> tuple[str, str]:
    """What "Send the pack now" tells the SENCO, and the message's category: the pack's email as the outbox has it
    now (waiting, sent, not sent, or may have been sent), never "sent" while it is only queued."""
    status = message.status if message is not None else None
    if status is MessageStatus.SENT:
        return "The pack was sent to the provider. The email is in the outbox.", "success"
    if status is MessageStatus.MAY_HAVE_BEEN_SENT:
        return (
            "The pack's email may have been sent: the mail server did not confirm it. Check with the provider "
            "before sending it again. The details are in the outbox.",
            "error",
        )
    if status is MessageStatus.FAILED:
        return "The pack's email could not be sent. The reason is in the outbox.", "error"
    if status is MessageStatus.CANCELLED:
        return "The pack's email was cancelled. The outbox says who cancelled it.", "error"
    return "The pack is being produced, and its email is waiting to be sent. Its progress is in the outbox.", "success"


def _pack_body(placement: Placement, contact_name: str) -> str:
    organisation = placement.commissioning_organisation
    return (
        f"Dear {contact_name or 'colleague'},\n\n"
        f"{organisation.name} has placed a pupil with {placement.provider.name}, starting on "
        f"{uk_date(placement.planned_start)} (our reference AP-{placement.id}). This is the provider information "
        "pack: what you need to keep the pupil safe and taught, how to report attendance twice a day, and whom "
        "to call with a concern. Please read it before the pupil arrives.\n\n"
        "{delivery}\n\n"
        f"If anything in it is wrong or missing, contact {organisation.name}"
        + (f" on {organisation.attendance_contact_phone}" if organisation.attendance_contact_phone else "")
        + ".\n"
    )


def send_due_packs(today: date, output_dir: Path) -> list[tuple[Document, OutboxMessage]]:
    """Send every pack whose send date has come, that nobody has sent, and that can go. The caller commits
    and enqueues. A pack that cannot go (no contact email, no DSL) stays on the dashboard as due."""
    candidates = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.status.in_(AUTOMATIC_STATUSES),
            Placement.planned_start >= today,
        )
        .order_by(Placement.id)  # each is held while its pack is numbered: always in the same order
    ).all()
    already = pack_messages(p.id for p in candidates)
    sent: list[tuple[Document, OutboxMessage]] = []
    for placement in candidates:
        if placement.id in already:
            continue
        if not due_for_automatic_sending(today=today, starts_on=placement.planned_start, send_on=send_date(placement)):
            continue
        if sending_problems(placement):
            continue
        sent.append(send_pack(None, placement, output_dir, on=today))
    return sent


def delivery_of(placement: Placement, check: ContactCheck | None = None) -> Delivery | None:
    """How the pack would go to the placement contact, for the page that offers to send it."""
    address = (check or contact_check(placement)).address
    if not address:
        return None
    organisation = placement.commissioning_organisation
    return delivery_for(address, organisation.mail_delivery, organisation.trusted_domain_list)
