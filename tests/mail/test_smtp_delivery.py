"""Delivery over real SMTP: what arrives, and every way a conversation can go wrong.

The server is a real aiosmtpd on loopback. Time is passed in (``now``) rather than waited for, so
the back-off is tested without sleeping.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.db import utcnow
from service.documents.models import DocumentStatus
from service.extensions import db
from service.mail import delivery, jobs, transports
from service.mail.models import MessageStatus, OutboxMessage
from tests import factories
from tests.mail.conftest import free_port
from tests.mail.helpers import BODY, audit_actions, queue, reload


def test_a_message_with_its_pdf_arrives_once_with_the_stored_bytes(app, smtp, placement, document, commissioner):
    message_id = queue(placement, attachments=[document], created_by=commissioner)
    queued = reload(message_id)
    assert queued.status is MessageStatus.QUEUED and queued.message_id.endswith("@northbridge.example>")

    jobs.deliver_message(message_id)  # runs at once in tests (APDOCS_QUEUE_URL=immediate)

    [received] = smtp.messages()
    assert received.rcpt_tos == ["staff@horizon.example"]
    assert received.mail_from == "apdocs@northbridge.example"
    email = received.email
    assert email["Message-ID"] == queued.message_id
    assert email["Subject"] == f"Provider information pack for placement {placement.id}"
    assert email.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == BODY.strip()
    [attachment] = list(email.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"support-plan-v{document.version}.pdf"
    assert hashlib.sha256(attachment.get_content()).hexdigest() == document.pdf_sha256

    sent = reload(message_id)
    assert sent.status is MessageStatus.SENT
    assert sent.transport == "smtp" and sent.sent_at is not None and sent.attempts == 1 and sent.last_error == ""
    actions = audit_actions(message_id)
    assert actions == ["queue", "send"]


def test_a_second_delivery_or_sweep_sends_nothing_twice(app, smtp, placement, document):
    message_id = queue(placement, attachments=[document])
    transport = transports.transport_for(app)
    delivery.deliver(message_id, transport)
    delivery.deliver(message_id, transport)  # a Huey retry, or the same job run twice
    assert delivery.sweep() == []
    jobs.deliver_due_messages.call_local()  # the minute's periodic task
    assert len(smtp.messages()) == 1
    assert reload(message_id).attempts == 1


def test_two_workers_at_once_send_one_copy(app, smtp, placement, document):
    """Four workers race for one message: the conditional claim lets exactly one of them send it."""
    message_id = queue(placement, attachments=[document])
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                start.wait(timeout=60)
                delivery.deliver(message_id, transports.transport_for(app))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(smtp.messages()) == 1
    assert reload(message_id).status is MessageStatus.SENT


def test_a_refused_recipient_is_retried_with_back_off_then_fails_for_a_person(
    app, smtp, placement, document, as_commissioner
):
    smtp.rcpt_reply = "550 5.1.1 <staff@horizon.example>: no such user"
    message_id = queue(placement, attachments=[document])
    transport = transports.transport_for(app)
    now = utcnow()

    message = delivery.deliver(message_id, transport, now=now)
    assert message.status is MessageStatus.QUEUED and message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert "refused recipient 1 of 1 (550)" in message.last_error
    assert delivery.deliver(message_id, transport, now=now + timedelta(seconds=30)).attempts == 1  # not due yet

    delays = []
    for _ in range(4):
        due = reload(message_id).next_attempt_at
        assert message_id in delivery.sweep(now=due)
        before = due
        message = delivery.deliver(message_id, transport, now=due)
        delays.append(message.next_attempt_at - before)
    assert delays[:3] == [timedelta(minutes=5), timedelta(minutes=25), timedelta(minutes=125)]
    failed = reload(message_id)
    assert failed.status is MessageStatus.FAILED and failed.attempts == 5
    assert failed.last_error == "Not sent: the mail server refused recipient 1 of 1 (550). Tried 5 times."
    assert "horizon.example" not in failed.last_error  # what the server said is not kept: it quotes the address
    assert smtp.messages() == []
    assert delivery.sweep(now=failed.next_attempt_at + timedelta(days=1)) == []  # a person decides now

    page = as_commissioner.get("/outbox")
    text = page.get_data(as_text=True)
    assert "Not sent" in text and "refused recipient 1 of 1 (550)" in text

    smtp.rcpt_reply = None  # the address is fixed at the other end
    detail = as_commissioner.get(f"/outbox/{message_id}")
    from tests.helpers import form_data

    response = as_commissioner.post(f"/outbox/{message_id}/resend", data=form_data(detail, {}))
    assert response.status_code == 302
    resent = reload(message_id)
    assert resent.status is MessageStatus.SENT and resent.attempts == 1 and resent.last_error == ""
    assert len(smtp.messages()) == 1
    assert smtp.messages()[0].email["Message-ID"] == resent.message_id


def test_a_mail_server_that_is_down_leads_to_retries_then_failed(app, placement, document):
    closed_port = free_port()  # nothing listens there
    app.config.update(APDOCS_SMTP_HOST="127.0.0.1", APDOCS_SMTP_PORT=closed_port, APDOCS_SMTP_SECURITY="none")
    app.config["APDOCS_MAIL_MAX_ATTEMPTS"] = 2
    message_id = queue(placement, attachments=[document])
    transport = transports.transport_for(app)
    now = utcnow()
    first = delivery.deliver(message_id, transport, now=now)
    assert first.status is MessageStatus.QUEUED and first.attempts == 1 and first.max_attempts == 2
    assert first.last_error == "Not sent: could not connect to the mail server (connection refused)"
    second = delivery.deliver(message_id, transport, now=first.next_attempt_at)
    assert second.status is MessageStatus.FAILED
    assert second.last_error == "Not sent: could not connect to the mail server (connection refused). Tried 2 times."


def test_a_message_refused_after_its_content_is_not_sent_and_retried(app, smtp, placement, document):
    smtp.data_reply = "554 5.6.0 Message content refused"
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert message.status is MessageStatus.QUEUED and message.attempts == 1
    assert message.last_error == "Not sent: the mail server refused the message (554)"


def test_a_connection_dropped_after_the_content_means_may_have_been_sent_never_resent(
    app, smtp, placement, document, as_commissioner
):
    smtp.drop_after_data = True
    message_id = queue(placement, attachments=[document])
    transport = transports.transport_for(app)
    message = delivery.deliver(message_id, transport)
    assert message.status is MessageStatus.MAY_HAVE_BEEN_SENT
    assert message.last_error.startswith("May have been sent: the connection to the mail server was lost")
    assert len(smtp.messages()) == 1  # it did arrive: exactly why it must not go again on its own

    later = utcnow() + timedelta(days=1)
    assert delivery.sweep(now=later) == []
    delivery.deliver(message_id, transport, now=later)
    assert len(smtp.messages()) == 1

    text = as_commissioner.get("/outbox").get_data(as_text=True)
    assert "May have been sent — check" in text
    detail = as_commissioner.get(f"/outbox/{message_id}")
    assert "It arrived: mark as sent" in detail.get_data(as_text=True)
    from tests.helpers import form_data

    assert as_commissioner.post(f"/outbox/{message_id}/mark-sent", data=form_data(detail, {})).status_code == 302
    checked = reload(message_id)
    assert checked.status is MessageStatus.SENT and checked.sent_at is not None
    assert len(smtp.messages()) == 1
    actions = audit_actions(message_id)
    assert actions == ["queue", "send_uncertain", "view", "mark_sent"]


def test_a_message_a_dead_worker_left_sending_becomes_may_have_been_sent(app, smtp, placement, document):
    message_id = queue(placement, attachments=[document])
    now = utcnow()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=MessageStatus.SENDING, claimed_at=now - timedelta(hours=1))
    )
    db.session.commit()
    assert delivery.sweep(now=now) == []
    stuck = reload(message_id)
    assert stuck.status is MessageStatus.MAY_HAVE_BEEN_SENT
    assert "the worker sending it stopped" in stuck.last_error
    delivery.deliver(message_id, transports.transport_for(app), now=now + timedelta(days=1))
    assert smtp.messages() == []


def test_a_claim_still_fresh_is_left_to_its_worker(app, smtp, placement, document):
    message_id = queue(placement, attachments=[document])
    now = utcnow()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=MessageStatus.SENDING, claimed_at=now - timedelta(seconds=20))
    )
    db.session.commit()
    assert delivery.sweep(now=now) == []
    assert reload(message_id).status is MessageStatus.SENDING


def test_a_document_still_being_made_holds_the_message_without_counting_an_attempt(app, smtp, placement, document):
    document.status = DocumentStatus.CONVERTING
    db.session.commit()
    message_id = queue(placement, attachments=[document])
    now = utcnow()
    message = delivery.deliver(message_id, transports.transport_for(app), now=now)
    assert message.status is MessageStatus.QUEUED and message.attempts == 0 and message.last_error == ""
    assert message.next_attempt_at > now
    assert delivery.sweep(now=now) == []  # not before the wait is over
    assert smtp.messages() == []

    document.status = DocumentStatus.READY
    db.session.commit()
    assert delivery.sweep(now=message.next_attempt_at) == [message_id]
    delivery.deliver(message_id, transports.transport_for(app), now=message.next_attempt_at)
    assert reload(message_id).status is MessageStatus.SENT
    assert len(smtp.messages()) == 1


def test_a_document_that_failed_fails_the_message_with_a_reason(app, smtp, placement):
    document = factories.DocumentFactory(placement=placement, status=DocumentStatus.FAILED)
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert message.status is MessageStatus.FAILED
    assert message.last_error == (
        f"Not sent: AP Support Plan, version {document.version} could not be made. Make it again, then resend"
    )
    assert smtp.messages() == []


def test_a_pdf_changed_on_disk_is_never_sent(app, smtp, placement, document):
    from pathlib import Path

    (Path(app.config["APDOCS_OUTPUT_DIR"]) / document.pdf_path).write_bytes(b"%PDF-1.7 not what was made")
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert message.status is MessageStatus.FAILED and "has changed since it was made" in message.last_error
    assert smtp.messages() == []


def test_nothing_personal_reaches_the_log(app, smtp, placement, document, caplog):
    smtp.rcpt_reply = "550 5.1.1 <staff@horizon.example>: no such user"
    with caplog.at_level("DEBUG"):
        message_id = queue(placement, attachments=[document])
        delivery.deliver(message_id, transports.transport_for(app))
        smtp.rcpt_reply = None
        delivery.deliver(message_id, transports.transport_for(app), now=utcnow() + timedelta(hours=1))
    logged = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("mail.log"))
    assert f"outbox message {message_id}" in logged
    for secret in ("Zoë", "O'Connor-Smith", "horizon.example", "information pack", "Dear"):
        assert secret not in logged


def test_starttls_that_the_server_cannot_do_is_not_sent_never_sent_in_the_clear(app, smtp, placement, document):
    app.config["APDOCS_SMTP_SECURITY"] = "starttls"
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert message.status is MessageStatus.QUEUED and message.attempts == 1
    assert message.last_error.startswith("Not sent: could not start an encrypted connection (STARTTLS)")
    assert smtp.messages() == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback, in a test
def test_the_user_name_and_password_are_given_and_a_wrong_one_is_not_sent(app, placement, document):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.mail.conftest import RecordingHandler

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        given = [v.decode() if isinstance(v, bytes) else v for v in (auth_data.login, auth_data.password)]
        return AuthResult(success=given == ["apdocs", "right password"], handled=False)

    handler = RecordingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        ready_timeout=30,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,  # loopback only, in a test
    )
    controller.start()
    try:
        app.config.update(
            APDOCS_SMTP_HOST="127.0.0.1",
            APDOCS_SMTP_PORT=port,
            APDOCS_SMTP_SECURITY="none",
            APDOCS_SMTP_USER="apdocs",
            APDOCS_SMTP_PASSWORD="wrong password",
        )
        message_id = queue(placement, attachments=[document])
        message = delivery.deliver(message_id, transports.transport_for(app))
        assert message.status is MessageStatus.QUEUED
        assert message.last_error == "Not sent: the mail server did not accept the user name and password (535)"
        app.config["APDOCS_SMTP_PASSWORD"] = "right password"
        delivery.deliver(message_id, transports.transport_for(app), now=message.next_attempt_at)
        assert reload(message_id).status is MessageStatus.SENT
        assert len(handler.messages()) == 1
    finally:
        controller.stop()
