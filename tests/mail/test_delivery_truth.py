"""What the outbox says about each attempt is what happened, and a retry goes when its back-off ends.

Real SMTP servers on loopback: aiosmtpd that stops answering (before the content, or once it has it) past our own
timeout, refuses, or a bare server that hangs up in the middle of the content (``tests.mail.stalling``).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from service.db import utcnow
from service.extensions import db
from service.mail import delivery, jobs, transports
from service.mail.models import MessageStatus, OutboxMessage
from service.queue import huey
from tests.helpers import text
from tests.mail.helpers import audit_actions, queue, reload
from tests.mail.stalling import dropping_smtp, stalling_smtp


@pytest.fixture
def stalling_server():  # type: ignore[no-untyped-def]
    with stalling_smtp() as server:
        yield server


@pytest.fixture
def mid_data_dropper():  # type: ignore[no-untyped-def]
    with dropping_smtp() as server:
        yield server


def _use(app, port: int, timeout_s: int = 1) -> None:  # type: ignore[no-untyped-def]
    app.config.update(
        APDOCS_SMTP_HOST="127.0.0.1",
        APDOCS_SMTP_PORT=port,
        APDOCS_SMTP_SECURITY="none",
        APDOCS_SMTP_TIMEOUT_S=timeout_s,
        APDOCS_MAIL_FROM="apdocs@northbridge.example",
        APDOCS_BASE_URL="https://apdocs.example",
    )


def test_our_own_timeout_before_the_content_is_named_as_ours_and_retried(
    app, stalling_server, placement, document, as_commissioner
):
    handler, port = stalling_server
    handler.stall_at = "MAIL"
    _use(app, port)
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert message.status is MessageStatus.QUEUED and message.attempts == 1
    assert message.last_error == "Not sent: could not give the sender (no answer in time)"
    assert "closed the connection" not in message.last_error
    assert handler.messages() == []


def test_our_own_timeout_after_the_content_is_may_have_been_sent_with_its_attempt_counted(
    app, stalling_server, placement, document, as_commissioner
):
    handler, port = stalling_server
    handler.stall_at = "DATA"
    _use(app, port)
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert message.status is MessageStatus.MAY_HAVE_BEEN_SENT and message.attempts == 1
    assert message.last_error == (
        "May have been sent: the mail server did not confirm receiving the message within 1 second, "
        "so we stopped waiting (no answer in time)"
    )
    assert len(handler.messages()) == 1  # the server has it: exactly why it is never sent again on its own
    assert delivery.sweep(now=utcnow() + timedelta(days=1)) == []
    detail = text(as_commissioner.get(f"/outbox/{message_id}"))
    assert "1 of 5" in detail and "did not confirm receiving the message within 1 second" in detail


def test_a_connection_dropped_in_the_middle_of_the_content_may_have_been_sent(
    app, mid_data_dropper, placement, document
):
    _use(app, mid_data_dropper.port, timeout_s=30)
    message_id = queue(placement, attachments=[document])
    message = delivery.deliver(message_id, transports.transport_for(app))
    assert mid_data_dropper.content_bytes_seen > 0  # the content had started to go
    assert message.status is MessageStatus.MAY_HAVE_BEEN_SENT and message.attempts == 1
    assert message.last_error.startswith("May have been sent: the connection to the mail server was lost")
    assert message.content_started_at is not None


def test_a_message_a_stopped_worker_left_may_have_been_sent_counts_its_attempt(
    app, smtp, placement, document, as_commissioner
):
    message_id = queue(placement, attachments=[document])
    now = utcnow()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=MessageStatus.SENDING, claimed_at=now - timedelta(hours=1))
    )
    db.session.commit()
    delivery.sweep(now=now)
    stuck = reload(message_id)
    assert stuck.status is MessageStatus.MAY_HAVE_BEEN_SENT
    assert stuck.attempts == 1
    assert "1 of 5" in text(as_commissioner.get(f"/outbox/{message_id}"))


def test_a_refused_attempt_schedules_the_next_for_the_end_of_its_back_off(app, smtp, placement, document):
    """Not the sweep: the job that made the attempt schedules the next one (Huey's eta), which then delivers."""
    huey.flush()
    app.config["APDOCS_MAIL_RETRY_BASE_S"] = 1
    smtp.rcpt_reply = "450 4.2.1 Mailbox busy, try again later"
    message_id = queue(placement, attachments=[document])
    jobs.deliver_message(message_id)  # immediate mode: the job runs now, as a worker would run it
    message = reload(message_id)
    assert message.status is MessageStatus.QUEUED and message.attempts == 1
    scheduled = [t for t in huey.scheduled() if t.name.endswith("deliver_message") and t.args == (message_id,)]
    assert len(scheduled) == 1
    assert scheduled[0].eta == message.next_attempt_at.astimezone(UTC).replace(tzinfo=None)

    smtp.rcpt_reply = None
    deadline = time.monotonic() + 30
    while utcnow() < message.next_attempt_at and time.monotonic() < deadline:
        time.sleep(0.1)  # the back-off (one second here) is over
    huey.execute(scheduled[0])  # what the worker's scheduler does at the eta
    assert reload(message_id).status is MessageStatus.SENT
    assert len(smtp.messages()) == 1
    huey.flush()


def test_a_message_waiting_to_try_again_says_so_and_why(app, smtp, placement, document, as_commissioner):
    smtp.rcpt_reply = "450 4.2.1 Mailbox busy, try again later"
    message_id = queue(placement, attachments=[document])
    delivery.deliver(message_id, transports.transport_for(app))
    listing = text(as_commissioner.get("/outbox"))
    assert "Not sent yet, trying again" in listing
    assert "Not sent: the mail server refused recipient 1 of 1 (450)" in listing
    detail = text(as_commissioner.get(f"/outbox/{message_id}"))
    assert "Not sent yet, trying again" in detail and "1 of 5" in detail and "next try" in detail


def test_a_worker_whose_lease_was_taken_back_before_the_content_sends_nothing(
    app, stalling_server, placement, document
):
    """A live worker that missed its heartbeats for a whole lease: the sweep queued the message again, so the
    worker must not send its content; the next attempt sends it once."""
    handler, port = stalling_server
    handler.stall_at, handler.stall_s = "MAIL", 2.0
    _use(app, port, timeout_s=30)
    message_id = queue(placement, attachments=[document])

    def the_sweep_takes_it_back() -> None:
        assert handler.stalled.wait(30)
        with app.app_context():
            db.session.execute(  # as if its worker had not renewed the lease for a whole lease
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(lease_until=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()
            delivery.sweep()

    sweeper = threading.Thread(target=the_sweep_takes_it_back)
    sweeper.start()
    delivery.deliver(message_id, transports.transport_for(app))
    sweeper.join()
    taken_back = reload(message_id)
    assert taken_back.status is MessageStatus.QUEUED and taken_back.attempts == 1
    assert taken_back.last_error == delivery.STOPPED_BEFORE_CONTENT
    assert handler.messages() == []

    assert delivery.deliver(message_id, transports.transport_for(app)).status is MessageStatus.SENT
    assert len(handler.messages()) == 1


def test_two_workers_sweeping_at_once_take_a_stopped_workers_message_back_once(app, smtp, placement, document):
    message_id = queue(placement, attachments=[document])
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=MessageStatus.SENDING,
            claimed_at=utcnow(),
            claimed_by="gone:1:1",
            lease_until=utcnow() - timedelta(seconds=1),
            content_started_at=utcnow(),
        )
    )
    db.session.commit()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def sweep() -> None:
        with app.app_context():
            barrier.wait()
            try:
                delivery.sweep()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    checked = reload(message_id)
    assert checked.status is MessageStatus.MAY_HAVE_BEEN_SENT and checked.attempts == 1
    assert checked.claimed_by is None and checked.lease_until is None
    assert audit_actions(message_id).count("send_uncertain") == 1
    assert smtp.messages() == []
