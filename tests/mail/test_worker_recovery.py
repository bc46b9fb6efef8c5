"""A worker killed in the middle of an email: another worker finishes it within a minute, exactly once.

Real processes: ``apdocs worker`` started as a subprocess, SIGKILLed while a real SMTP server (aiosmtpd) keeps it
waiting, then a second worker started. The defaults are used for the lease and the sweep (20 s, 15 s), so this is
the recovery time an installation gets. The server counts what it received.
"""

from __future__ import annotations

import signal

import pytest

from service.mail import delivery
from service.mail.models import MessageStatus
from tests.mail.helpers import queue, reload
from tests.mail.stalling import stalling_smtp
from tests.queue.processes import crash, end, enqueue, start_worker, stop_worker, wait_for, worker_env

RECOVERY_S = 60


@pytest.fixture
def stalling_server():  # type: ignore[no-untyped-def]
    with stalling_smtp() as server:
        yield server


def _env(app, tmp_path, port):  # type: ignore[no-untyped-def]
    return worker_env(
        app,
        tmp_path,
        APDOCS_SMTP_HOST="127.0.0.1",
        APDOCS_SMTP_PORT=str(port),
        APDOCS_SMTP_SECURITY="none",
        APDOCS_SMTP_TIMEOUT_S="600",  # our own timeout never ends the stall: only the crash does
    )


def _status(message_id: int) -> MessageStatus:
    return reload(message_id).status


def test_a_worker_killed_before_the_content_went_is_replaced_and_the_email_arrives_once(
    app, stalling_server, placement, document, tmp_path
):
    handler, port = stalling_server
    handler.stall_at = "MAIL"  # the first conversation stops before any content: nothing can have been delivered
    message_id = queue(placement, attachments=[document])
    env = _env(app, tmp_path, port)
    log = tmp_path / "workers.log"
    first = start_worker(env, log)
    second = None
    try:
        enqueue(env, f"from service.mail.jobs import deliver_message; deliver_message({message_id})")
        assert handler.stalled.wait(120), log.read_text(errors="replace")
        assert _status(message_id) is MessageStatus.SENDING
        end(crash(first))
        second = start_worker(env, log)
        wait_for(lambda: _status(message_id) is MessageStatus.SENT, RECOVERY_S)
        sent = reload(message_id)
        assert sent.status is MessageStatus.SENT, log.read_text(errors="replace")
        assert len(handler.messages()) == 1
        assert sent.attempts == 2  # the attempt the crash ended counts
        assert sent.claimed_by is None and sent.lease_until is None
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)


def test_a_worker_killed_after_the_content_went_leaves_may_have_been_sent_never_resent(
    app, stalling_server, placement, document, tmp_path
):
    handler, port = stalling_server
    handler.stall_at = "DATA"  # the server has the content and never answers: it may deliver it
    message_id = queue(placement, attachments=[document])
    env = _env(app, tmp_path, port)
    log = tmp_path / "workers.log"
    first = start_worker(env, log)
    second = None
    try:
        enqueue(env, f"from service.mail.jobs import deliver_message; deliver_message({message_id})")
        assert handler.stalled.wait(120), log.read_text(errors="replace")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        second = start_worker(env, log)
        wait_for(lambda: _status(message_id) is MessageStatus.MAY_HAVE_BEEN_SENT, RECOVERY_S)
        checked = reload(message_id)
        assert checked.status is MessageStatus.MAY_HAVE_BEEN_SENT, log.read_text(errors="replace")
        assert checked.last_error == delivery.STOPPED_AFTER_CONTENT
        assert checked.attempts == 1
        assert len(handler.messages()) == 1  # received once, and never sent again on its own
        handler.stalls = 0
        enqueue(env, f"from service.mail.jobs import deliver_message; deliver_message({message_id})")
        assert wait_for(lambda: len(handler.messages()) > 1, 5) is False
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)
