"""Signing's background work and what it does when documents are asked for or made: cancelling a round when the
plan changes, sealing the signed copy as it is made, asking again when the changed plan's PDF is ready, sending the
sealed plan to the parents when it is made, and reminders to signers who have not signed after a few working days.
It also answers which plans provider staff may open. Its receivers are connected here because this module is in
``service.app.JOB_MODULES``: the web app and the worker both import it."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import sqlalchemy as sa
from huey import crontab

from service.auth.models import User
from service.documents.models import Document
from service.documents.types import DocumentType
from service.extensions import db
from service.mail.jobs import deliver_message
from service.placements.models import Placement
from service.queue import enqueue_after_commit, periodic_app_task
from service.signals import document_ready, document_requested, provider_documents, sealing_document
from service.signing import rounds, signatures
from service.signing.signed_copy import SignedPlanSealer, plans_asked_to_sign

log = logging.getLogger(__name__)


@document_requested.connect
def cancel_round_for_changed_plan(placement: Placement, *, user: User | None, doc_type: DocumentType) -> None:
    """A new version of the plan is not what anyone was asked to sign: an open round of signatures stops, and its
    signers are asked again once this version is ready (``after_document_ready``)."""
    if doc_type is DocumentType.SUPPORT_PLAN:
        rounds.cancel_for_changed_plan(user, placement)


@sealing_document.connect
def seal_signed_plan(document: Document) -> SignedPlanSealer | None:
    """A sealed document is the signed copy of a plan, made by ``signatures`` once everyone has signed: signing
    prints its certificate of completion and seals it."""
    return SignedPlanSealer(document) if document.sealed else None


@provider_documents.connect
def plans_for_providers(_model: Any) -> sa.ColumnElement[bool]:
    """Provider staff may open the plan versions they were asked to sign and the signed copies."""
    return plans_asked_to_sign()


@document_ready.connect
def after_document_ready(document: Document) -> None:
    _request, asks = rounds.ask_again_after_change(document)
    copies = signatures.send_signed_plan(document) if document.sealed else []
    for message in [*asks, *copies]:
        enqueue_after_commit(deliver_message, message.id)
    db.session.commit()


def send_reminders_now(today: date | None = None) -> int:
    """Remind every signer who is due a reminder (in an app context); returns how many were sent."""
    messages = [rounds.remind(None, signer) for signer in rounds.reminders_due(today or date.today())]
    for message in messages:
        enqueue_after_commit(deliver_message, message.id)
    db.session.commit()
    return len(messages)


@periodic_app_task(crontab(minute="30"), lock="send-signing-reminders")
def send_signing_reminders() -> None:
    count = send_reminders_now()
    if count:
        log.info("sent %d signing reminder(s)", count)
