"""The embedded set-up (the queue in a SQLite file, the default): a worker killed while a locked periodic job runs
(here "send the packs due", ``lock="send-due-provider-packs"``) must not leave that job's lock behind for good. Before
this was fixed the lock stayed in the queue file, and every later run of the job was refused ("unable to acquire
lock"), silently: packs, alerts and reminders never went again.

Real processes: an ``apdocs worker`` on the test's database and a queue file of its own, held in the middle of the
job (its database write waits behind one this test holds), killed with SIGKILL there, then started again."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from huey.exceptions import TaskLockedException

from service.extensions import db
from service.queue import LockHolder, build_huey
from tests.provider_packs.conftest import packs_made
from tests.queue.processes import crash, end, enqueue, start_worker, stop_worker, wait_for, worker_env

LOCK_KEY = "apdocs.lock.send-due-provider-packs"
RUN_THE_JOB = "from service.provider_packs.jobs import send_due_provider_packs; send_due_provider_packs()"


def _lock_in(queue_file: Path) -> bytes | None:
    """The job's lock as the queue file holds it (None: free)."""
    if not queue_file.exists():
        return None
    with contextlib.closing(sqlite3.connect(queue_file, timeout=30)) as connection:
        row = connection.execute("select value from kv where key = ?", (LOCK_KEY,)).fetchone()
    return bytes(row[0]) if row else None


@contextlib.contextmanager
def _writes_held(database_url: str) -> Iterator[None]:
    """Hold back every new document row (SQLite: the whole database's write lock; PostgreSQL: the documents table),
    so a job that reaches its first such write waits there, mid-run, until this ends."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, isolation_level=None, timeout=30)
        connection.execute("BEGIN IMMEDIATE")
    else:
        connection = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
        connection.execute("LOCK TABLE documents IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


def test_a_worker_killed_mid_job_leaves_no_lock_that_stops_the_job_for_good(app, placement, tmp_path):  # type: ignore[no-untyped-def]
    placement.planned_start = date.today() + timedelta(days=1)  # its pack is due: the job has work to do
    pupil = placement.pupil
    db.session.commit()
    env = worker_env(app, tmp_path, APDOCS_CONVERTER_POOL_SIZE="1")
    queue_file = Path(env["APDOCS_QUEUE_URL"].removeprefix("sqlite:///"))
    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    second = None
    children: list[int] = []
    try:
        with _writes_held(app.config["SQLALCHEMY_DATABASE_URI"]):
            enqueue(env, RUN_THE_JOB)
            # The job took its lock and waits at its first write: the worker dies there.
            assert wait_for(lambda: _lock_in(queue_file), 60, every=0.02), log.read_text(errors="replace")
            children = crash(first)
        assert packs_made(placement.id) == ([], []), "the killed run wrote nothing"
        assert _lock_in(queue_file) is not None  # the dead worker's lock is still in the queue file

        second = start_worker(env, log)
        enqueue(env, RUN_THE_JOB)  # the next run, as the scheduler enqueues it at the next hour
        wait_for(lambda: packs_made(placement.id)[0], 60)
        documents, messages = packs_made(placement.id)
        assert len(documents) == 1 and len(messages) == 1, (
            "the job never ran again after its worker was killed mid-run: " + log.read_text(errors="replace")[-3000:]
        )
        text = log.read_text(errors="replace")
        assert "unable to acquire lock" not in text
        assert f"task lock send-due-provider-packs was left by worker pid {first.pid}" in text
        assert pupil.legal_first_name not in text and pupil.upn not in text  # no personal data in the log
    finally:
        end(children)
        stop_worker(first)
        if second is not None:
            stop_worker(second)


def test_a_lock_in_the_queue_file_is_kept_while_its_holder_lives_and_taken_once_it_has_gone(tmp_path):  # type: ignore[no-untyped-def]
    huey = build_huey(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    held = huey.lock_task("send-due-provider-packs")
    held.__enter__()  # a live worker (this process) runs the task
    with pytest.raises(TaskLockedException):
        huey.lock_task("send-due-provider-packs").acquire()  # a second worker on the same file waits its turn
    assert huey.clear_abandoned_locks() == []  # a worker starting meanwhile leaves it alone
    held.__exit__(None, None, None)
    assert _lock_in(tmp_path / "queue.sqlite3") is None

    ended = subprocess.Popen(["true"])  # noqa: S607 - a process that has ended: the holder of an abandoned lock
    ended.wait()
    gone = LockHolder(socket.gethostname(), ended.pid, "1", "token", time.time() + 3600)
    huey.storage.put_data(LOCK_KEY, gone.encode())
    taker = huey.lock_task("send-due-provider-packs")
    taker.__enter__()  # taken over at once, not an hour later
    assert LockHolder.parse(_lock_in(tmp_path / "queue.sqlite3") or b"").pid == os.getpid()  # type: ignore[union-attr]
    taker.__exit__(None, None, None)

    elsewhere = LockHolder("another-machine", 1, "1", "token", time.time() - 1)  # expired, from another machine
    huey.storage.put_data(LOCK_KEY, elsewhere.encode())
    assert huey.clear_abandoned_locks() == ["send-due-provider-packs"]
    assert _lock_in(tmp_path / "queue.sqlite3") is None
