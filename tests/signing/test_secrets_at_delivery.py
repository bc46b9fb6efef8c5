"""Signing links and codes are made when their email is delivered, never before, and only the newest counts.

Until delivery the signer has no link at all; a message delivered after a newer one (a reminder, a second code)
says it was replaced instead of undoing the newer one; a signer who no longer has to sign gets a sentence, not a
link; a retry after a failed attempt makes new values. Through a real SMTP server (aiosmtpd), the parent signs
with what arrived, while the outbox pages and the logs hold neither the link nor the code.
"""

from __future__ import annotations

import hashlib
import logging
import re

import sqlalchemy as sa

from service.db import utcnow
from service.extensions import db
from service.mail import delivery, message_secrets, transports
from service.mail.models import MessageStatus, OutboxMessage, SecretState
from service.signing import identity, rounds
from service.signing.models import Signer, SignerRole, SignerStatus, SigningMethod
from tests.conftest import browser
from tests.helpers import form_data, text
from tests.signing.conftest import code_in, delivered_text, drawn_signature, link_token
from tests.signing.test_staff_cannot_sign_as_parent import what_staff_can_read

PEOPLE = [
    rounds.SignerDetails("Pat Parent", SignerRole.PARENT_CARER, SigningMethod.LINK, "pat@example.com"),
    rounds.SignerDetails("Ms K Owen", SignerRole.SCHOOL_REPRESENTATIVE, SigningMethod.IN_PERSON),
    rounds.SignerDetails("Alex Jones", SignerRole.PROVIDER_REPRESENTATIVE, SigningMethod.LINK, "alex@provider.example"),
]


def _ask_without_delivering(placement, commissioner):  # type: ignore[no-untyped-def]
    """Ask, commit, and keep the emails in the outbox: as if the worker had not got to them yet."""
    _request, messages = rounds.request_signatures(commissioner, placement, PEOPLE)
    db.session.commit()
    [to_parent] = [m for m in messages if m.to_addresses == ["pat@example.com"]]
    parent = db.session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()
    return parent, to_parent.id


def _deliver(app, message_id: int) -> OutboxMessage:  # type: ignore[no-untyped-def]
    delivery.deliver(message_id, transports.transport_for(app))
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_until_its_email_is_delivered_a_signer_has_no_link(app, placement, commissioner, client):
    parent, message_id = _ask_without_delivering(placement, commissioner)
    assert parent.token_sha256 is None and parent.token_expires_at is None
    message = db.session.get(OutboxMessage, message_id)
    assert message_secrets.secret_placeholder(1) in message.body_text and "/sign/" not in message.body_text
    [secret] = message.secrets
    assert secret.state is SecretState.WAITING and secret.signer_id == parent.id and secret.generation == 1

    message = _deliver(app, message_id)
    assert message.status is MessageStatus.SENT and message.secrets[0].state is SecretState.SENT
    token = link_token(message)
    db.session.refresh(parent)
    assert parent.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert parent.token_expires_at == message.secrets[0].expires_at
    assert "Open this link (it works once, until " in delivered_text(message)
    assert "Check it is you" in text(client.get(f"/sign/{token}"))
    assert token not in message.body_text


def test_an_older_email_delivered_late_says_it_was_replaced_and_never_undoes_the_newer_link(
    app, placement, commissioner, client
):
    parent, first_id = _ask_without_delivering(placement, commissioner)
    reminder = rounds.remind(commissioner, parent)
    db.session.commit()
    newer = _deliver(app, reminder.id)
    token = link_token(newer)
    older = _deliver(app, first_id)  # the first email, delivered late
    assert older.status is MessageStatus.SENT
    assert identity.LINK_REPLACED in delivered_text(older) and "/sign/" not in delivered_text(older)
    assert older.secrets[0].state is SecretState.REPLACED and newer.secrets[0].state is SecretState.SENT
    assert "Check it is you" in text(client.get(f"/sign/{token}"))  # the newer link still works


def test_a_reminder_makes_an_older_link_already_sent_stop(app, placement, commissioner, client):
    parent, first_id = _ask_without_delivering(placement, commissioner)
    old_token = link_token(_deliver(app, first_id))
    reminder = rounds.remind(commissioner, parent)
    db.session.commit()
    assert "This link does not work" in text(client.get(f"/sign/{old_token}"))  # at once, before the reminder goes
    new_token = link_token(_deliver(app, reminder.id))
    assert "Check it is you" in text(client.get(f"/sign/{new_token}"))


def test_a_signer_who_no_longer_has_to_sign_is_sent_a_sentence_not_a_link(app, placement, commissioner):
    parent, message_id = _ask_without_delivering(placement, commissioner)
    rounds.cancel_request(commissioner, parent.request, "Asked the wrong people")
    db.session.commit()
    message = _deliver(app, message_id)
    assert identity.LINK_NOT_NEEDED in delivered_text(message) and "/sign/" not in delivered_text(message)
    assert message.secrets[0].state is SecretState.NOT_NEEDED
    db.session.refresh(parent)
    assert parent.status is SignerStatus.CANCELLED and parent.token_sha256 is None


def test_an_older_code_delivered_late_says_it_was_replaced(app, placement, commissioner, client):
    parent, message_id = _ask_without_delivering(placement, commissioner)
    token = link_token(_deliver(app, message_id))
    first = identity.send_code(parent)
    db.session.commit()
    page = client.get(f"/sign/{token}")
    waiting = client.post(f"/sign/{token}/confirm", data=form_data(page, {"code": "123456"}))
    assert "Your code is on its way" in text(waiting)  # asked for, not delivered yet: no code exists
    second = identity.send_code(db.session.get(Signer, parent.id))
    db.session.commit()
    code = code_in(_deliver(app, second.id))
    late = _deliver(app, first.id)
    assert identity.CODE_REPLACED in delivered_text(late) and not re.search(r"\d{6}", delivered_text(late))
    page = client.get(f"/sign/{token}")
    assert client.post(f"/sign/{token}/confirm", data=form_data(page, {"code": code})).status_code == 302


def test_through_smtp_a_retry_makes_new_values_and_the_parent_signs_with_what_arrived(
    app, smtp, as_commissioner, placement, db_session, caplog
):
    caplog.set_level(logging.DEBUG)
    smtp.rcpt_reply = "451 4.3.0 Try again later"  # the first attempt delivers nothing
    page = as_commissioner.get(f"/placements/{placement.id}/signatures")
    rows = [
        {"include": "y", "name": "Pat Parent", "role": "parent_carer", "method": "link", "email": "pat@example.com"},
        {"include": "y", "name": "Ms K Owen", "role": "school_representative", "method": "in_person"},
        {"include": "y", "name": "Alex", "role": "provider_representative", "method": "in_person"},
    ]
    fields = {f"signers-{n}-{k}": v for n, row in enumerate(rows) for k, v in row.items()}
    assert (
        as_commissioner.post(f"/placements/{placement.id}/signatures", data=form_data(page, fields)).status_code == 302
    )
    message = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == "signature_request")).one()
    assert message.status is MessageStatus.QUEUED and message.attempts == 1 and smtp.messages() == []
    parent = db_session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()
    never_delivered = parent.token_sha256
    assert message.secrets[0].state is SecretState.WAITING  # a value was made for that attempt, and never went

    smtp.rcpt_reply = None
    message.next_attempt_at = utcnow()
    db_session.commit()
    _deliver(app, message.id)
    [asked] = smtp.messages()
    body = asked.email.get_body(("plain",)).get_content()
    [token] = re.findall(r"https://apdocs\.example/sign/([A-Za-z0-9_-]{43,})", body)
    db_session.refresh(parent)
    assert parent.token_sha256 == hashlib.sha256(token.encode()).hexdigest() != never_delivered

    phone = browser(app)
    page = phone.get(f"/sign/{token}")
    phone.post(f"/sign/{token}/code", data=form_data(page, {}))
    [_, code_email] = smtp.messages()
    [code] = re.findall(r"Your code is (\d{6})", code_email.email.get_body(("plain",)).get_content())
    staff_view = what_staff_can_read(as_commissioner, db_session)
    assert token not in staff_view and code not in staff_view
    assert staff_view.count("sent only to the recipient") >= 4  # two messages: their pages and their copies
    page = phone.get(f"/sign/{token}")
    assert phone.post(f"/sign/{token}/confirm", data=form_data(page, {"code": code})).status_code == 302
    page = phone.get(f"/sign/{token}")
    done = phone.post(f"/sign/{token}", data=form_data(page, {"read_confirmed": "y", "drawn": drawn_signature()}))
    assert "You have signed the plan" in text(done)
    db_session.refresh(parent)
    assert parent.status is SignerStatus.SIGNED
    ours = [r for r in caplog.records if r.name != "mail.log"]  # not the test mail server's own log
    assert ours, "nothing was logged: the check below would prove nothing"
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in ours)
    assert token not in logged and code not in logged


def test_a_signing_link_can_be_stopped_too_and_a_reminder_sends_a_new_one(as_commissioner, placement, db_session):
    from service.audit.models import AuditEvent
    from tests.signing.conftest import messages_to
    from tests.signing.test_signing_flow import _ask

    _ask(as_commissioner, placement)
    [asked] = messages_to(db_session, "pat@example.com")
    token = link_token(asked)
    page = as_commissioner.get(f"/outbox/{asked.id}")
    assert "Stop this link" in text(page) and "send them a reminder with a new link" in text(page)
    as_commissioner.post(f"/outbox/{asked.id}/stop-links", data=form_data(page, {}))
    assert "This link does not work" in text(as_commissioner.get(f"/sign/{token}"))
    assert "Signing link: Stopped" in text(as_commissioner.get(f"/outbox/{asked.id}"))
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "revoke_links")).one()
    assert event.detail == {"links": 0, "signing_links": 1}

    parent = db_session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()
    page = as_commissioner.get(f"/placements/{placement.id}/signatures")
    as_commissioner.post(
        f"/placements/{placement.id}/signatures/{parent.request_id}/signers/{parent.id}/remind",
        data=form_data(page, {}),
    )
    fresh = link_token(messages_to(db_session, "pat@example.com")[-1])
    assert "Check it is you" in text(as_commissioner.get(f"/sign/{fresh}"))
