"""`apdocs serve` runs its worker as a supervised child process: a worker that dies (killed, or a segmentation
fault) leaves the web answering and is started again, and the new worker does the work; stopping the server, or
the server dying, leaves no worker behind. The real processes, a real SQLite or PostgreSQL database, a real SMTP
server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.mail.helpers import queue
from tests.server.conftest import children_of, parent_of, poll, process_gone


def _enqueue_delivery(env: dict[str, str], message_id: int) -> None:
    """Another process enqueues, as a web request does after its commit (this test process's queue is immediate)."""
    subprocess.run(  # noqa: S603 - this Python, this package
        [sys.executable, "-c", f"from service.mail.jobs import deliver_message; deliver_message({message_id})"],
        env=env,
        check=True,
        timeout=180,
    )


@pytest.mark.parametrize("death", [signal.SIGKILL, signal.SIGSEGV], ids=["killed", "segmentation-fault"])
def test_a_dead_worker_is_started_again_and_the_new_one_sends_the_mail(start_server, smtp_server, placement, death):  # type: ignore[no-untyped-def]
    handler, smtp_port = smtp_server
    server = start_server(
        {"APDOCS_SMTP_HOST": "127.0.0.1", "APDOCS_SMTP_PORT": str(smtp_port), "APDOCS_SMTP_SECURITY": "none"}
    )
    first = poll(server.worker_pid, "the worker process to start")
    assert parent_of(first) == server.process.pid, "the worker is a child of the web process"
    assert first != server.process.pid

    os.kill(first, death)

    second = poll(lambda: (pid := server.worker_pid()) != first and pid, "a new worker process")
    assert process_gone(first)
    assert parent_of(second) == server.process.pid
    assert server.process.poll() is None, "the web process is still running"
    log = server.log()
    assert f"background worker (pid {first}) stopped: signal {death.name} ({death.value})" in log
    if death is signal.SIGSEGV:  # faulthandler wrote the dying worker's stacks to the log
        assert "Fatal Python error: Segmentation fault" in log
        assert "most recent call first" in log

    message_id = queue(placement)
    _enqueue_delivery(server.env, message_id)
    poll(handler.messages, "the new worker to send the email")
    assert server.health() is not None


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["service-manager", "ctrl-c"])
def test_stopping_the_server_leaves_no_worker_behind(start_server, stop):  # type: ignore[no-untyped-def]
    server = start_server()
    worker = poll(server.worker_pid, "the worker process to start")
    # SIGUSR1 writes every thread's stack to the log and the server carries on.
    os.kill(server.process.pid, signal.SIGUSR1)
    poll(lambda: "most recent call first" in server.log(), "the stacks in the log")
    assert server.health() is not None

    server.process.send_signal(stop)
    assert server.process.wait(timeout=120) == 0
    poll(lambda: process_gone(worker), "the worker to stop")


def test_a_worker_whose_server_died_stops_by_itself(start_server):  # type: ignore[no-untyped-def]
    server = start_server()
    worker = poll(server.worker_pid, "the worker process to start")
    server.process.kill()  # no chance to stop its worker
    server.process.wait()
    poll(lambda: process_gone(worker), "the orphaned worker to stop")


def test_no_worker_serves_without_a_worker_process(start_server):  # type: ignore[no-untyped-def]
    server = start_server(args=("--no-worker",))
    health = poll(server.health, "the server to answer")
    assert health["status"] == "ok"
    assert "process" not in health["checks"]["worker"]  # no worker of its own to report on
    assert children_of(server.process.pid) == set()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=120) == 0
