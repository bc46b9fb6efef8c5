"""The background queue: one Huey instance for every feature's jobs, bound to the app like any Flask extension.

The queue lives in SQLite by default (``queue.sqlite3`` in the instance folder: nothing else to install) and in
Redis when ``APDOCS_QUEUE_URL=redis://…``, so workers can run on other machines. ``APDOCS_QUEUE_URL=immediate``
runs each job at once in the process that enqueues it (tests), on the same code path.

The Huey instance is built when this module is imported, because tasks are declared at import (``@app_task``) and
a process that only enqueues needs no app. ``init_app(app)`` then binds the app whose context every task runs in:
the worker's (``apdocs worker``, which ``apdocs serve`` also starts as its own child process), the web process's
(which only enqueues, or runs each job at once in immediate mode) or a test's. The default SQLite file is shared by
the web process and its worker child, as Redis is shared between machines.

A job must never look for a row that is not there yet, so work that follows a change to the database is handed to
``enqueue_after_commit``: the call waits on the SQLAlchemy session and is made only once the transaction has
committed; a rollback drops it. The rule is kept by this code, not by each caller remembering to commit first.

A worker holds what it works on by a lease (``claimed_by``, ``lease_until`` on the row), taken with one conditional
UPDATE and renewed by a ``Heartbeat`` thread while it works. Every worker process also runs a ``Sweeper`` thread that,
every ``APDOCS_SWEEP_INTERVAL_S`` seconds, runs the features' stalled-work sweeps (``register_sweep``): they take back
only rows whose lease ran out, each with its own conditional UPDATE, so several workers sweeping at once agree, and
work a killed worker left is started again within the lease plus one sweep (well under a minute at the defaults).

This module is the core: it imports no feature. Features declare their tasks in their own ``jobs.py``, listed once
in ``service.app.JOB_MODULES``, imported with the app factory, before it binds the queue.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Task, TaskLock, TaskWrapper
from huey.constants import EmptyData
from huey.consumer import Consumer
from huey.exceptions import TaskLockedException
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from service.extensions import db
from service.settings import Settings, instance_dir_from_env, queue_url_from_env

log = logging.getLogger(__name__)

P = ParamSpec("P")

#: Where the calls waiting for the commit are kept, in ``Session.info``.
_PENDING = "apdocs_after_commit"


#: How long Redis remembers that a periodic task was enqueued for a given minute (longer than any consumer's drift).
PERIODIC_CLAIM_S = 3600
#: How long a task's ``lock=`` holds on Redis when its holder never lets go (killed mid-run): then it frees itself.
TASK_LOCK_S = 3600


class SharedRedisHuey(RedisHuey):
    """Huey on Redis, shared by several ``apdocs worker`` processes (on one machine or many).

    Two things Huey does not do for several consumers, done here:

    - **Periodic tasks once per period.** Every consumer runs its own scheduler, which enqueues each periodic task
      that is due once a minute, at the second that consumer started. With two workers, "send the packs due" would
      be enqueued twice for the same minute, and ``lock=`` does not stop the second run unless both overlap (they
      rarely do: the first has usually finished). So the first consumer to ask for a task's minute claims it in
      Redis (``SET … NX``, forgotten after ``PERIODIC_CLAIM_S``); the others skip that minute.
    - **Locks that free themselves.** Huey's ``lock_task`` is a key deleted when the task ends: a worker killed
      mid-run (which the recovery tests do) leaves it for good, and that periodic task never runs again. Here the
      lock is a Redis key with an owner and an expiry (``TASK_LOCK_S``), released only by its owner.
    """

    def read_periodic(self, timestamp: datetime | None) -> list[Task]:
        timestamp = timestamp or self._get_timestamp()
        minute = timestamp.strftime("%Y-%m-%dT%H:%M")
        claimed = []
        for task in super().read_periodic(timestamp):
            key = f"{self.name}.periodic.{task.name}.{minute}"
            if self.storage.conn.set(key, "1", nx=True, ex=PERIODIC_CLAIM_S):
                claimed.append(task)
        return claimed

    def lock_task(self, lock_name: str) -> TaskLock:
        return ExpiringRedisLock(self, lock_name)


class ExpiringRedisLock(TaskLock):
    """A task lock in Redis with an owner token and an expiry (see :class:`SharedRedisHuey`). The token is kept per
    thread: one lock object serves every run of its task, in each of the worker's threads."""

    def __init__(self, huey: Huey, name: str) -> None:
        super().__init__(huey, name)
        self._tokens = threading.local()

    def acquire(self) -> bool:
        token = uuid.uuid4().hex
        if not self._huey.storage.conn.set(self._key, token, nx=True, ex=TASK_LOCK_S):
            raise TaskLockedException(f"unable to acquire lock {self._name}")
        self._tokens.token = token
        return True

    def __exit__(self, *exc: object) -> None:
        # Delete it only if it is still ours (it may have expired and been taken by another run meanwhile).
        token = getattr(self._tokens, "token", None)
        self._tokens.token = None
        if token is not None:
            self._huey.storage.conn.eval(_RELEASE_IF_OWNED, 1, self._key, token)

    def is_locked(self) -> bool:
        return bool(self._huey.storage.conn.exists(self._key))

    locked = is_locked

    def clear(self) -> bool:
        return bool(self._huey.storage.conn.delete(self._key))

    release = clear


_RELEASE_IF_OWNED = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class EmbeddedSqliteHuey(SqliteHuey):
    """Huey in a SQLite file (the embedded default): the queue of one machine's web process and its worker.

    Huey's ``lock_task`` is a row in the file deleted when the task ends, so a worker killed mid-run (SIGKILL, the
    out-of-memory killer, a power cut) would leave it there for good, and that periodic task (sending the packs due,
    the alerts, the reminders) would be refused at every later run, silently. Here the lock names its holder (host,
    process id and that process's start time) and an expiry (``TASK_LOCK_S``): a lock whose holder is gone from this
    machine is taken over at once, and logged; one held from another machine (a queue file on a shared disk, which is
    not supported) frees itself at its expiry. A worker also clears such locks when it starts
    (``clear_abandoned_locks``), so the log says so even before the task is next due.
    """

    def lock_task(self, lock_name: str) -> TaskLock:
        return OwnedSqliteLock(self, lock_name)

    def clear_abandoned_locks(self) -> list[str]:
        """Delete every task lock whose holder has gone (or that has expired); returns their names."""
        prefix = f"{self.name}.lock."
        rows = self.storage.sql(
            "select key, value from kv where queue = ? and key like ?", (self.name, prefix + "%"), results=True
        )
        cleared = []
        for key, value in rows:
            lock_name = key.removeprefix(prefix)
            if OwnedSqliteLock(self, lock_name).take_back_if_abandoned(bytes(value)):
                cleared.append(lock_name)
        return cleared


@dataclass(frozen=True)
class LockHolder:
    """Who holds a task lock in the SQLite queue, and until when at the latest (see :class:`EmbeddedSqliteHuey`)."""

    host: str
    pid: int
    started: str  # the process's start time since boot (Linux), so a pid used again is not taken for the holder
    token: str
    until: float

    @classmethod
    def this_thread(cls) -> LockHolder:
        return cls(socket.gethostname(), os.getpid(), _process_start(os.getpid()), uuid.uuid4().hex, 0.0)

    @classmethod
    def parse(cls, raw: bytes) -> LockHolder | None:
        """The holder a stored value names; None for a value that names none (a lock left by Huey's own code)."""
        try:
            fields = json.loads(raw)
            return cls(
                str(fields["host"]),
                int(fields["pid"]),
                str(fields["started"]),
                str(fields["token"]),
                float(fields["until"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def encode(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), sort_keys=True).encode()

    def gone(self) -> bool:
        """Whether this holder can no longer let go: expired, or a process of this machine that has ended."""
        if time.time() > self.until:
            return True
        if self.host != socket.gethostname():
            return False  # another machine's process: only its expiry tells
        return _process_start(self.pid) != self.started


def _process_start(pid: int) -> str:
    """``pid``'s start time (clock ticks since boot, from /proc), or "" when no such process runs (or it is a zombie,
    ended and waiting for its parent). Where /proc is missing, "alive" if the process exists."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return ""
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return ""
        except PermissionError:
            pass
        return "?"
    state, start_ticks = fields[0], fields[19]
    return "" if state in ("Z", "X") else start_ticks


class OwnedSqliteLock(TaskLock):
    """A task lock in the SQLite queue file that names its holder (see :class:`EmbeddedSqliteHuey`). Released only
    by its holder; taken over when its holder has gone. The holder is kept per thread, as
    :class:`ExpiringRedisLock` keeps its token."""

    def __init__(self, huey: Huey, name: str) -> None:
        super().__init__(huey, name)
        self._holders = threading.local()

    def acquire(self) -> bool:
        holder = dataclasses.replace(LockHolder.this_thread(), until=time.time() + TASK_LOCK_S)
        value = holder.encode()
        storage = self._huey.storage
        if not storage.put_if_empty(self._key, value):
            current = storage.peek_data(self._key)
            abandoned = current is not EmptyData and self.take_back_if_abandoned(current)
            if not (abandoned and storage.put_if_empty(self._key, value)):
                raise TaskLockedException(f"unable to acquire lock {self._name}")
        self._holders.value = value
        return True

    def take_back_if_abandoned(self, current: bytes) -> bool:
        """Delete the lock if it still holds ``current`` and that holder has gone; logged (the task's name and the
        holder's process, nothing of what it worked on). Two workers may race here: the delete is conditional on the
        value, so only one deletes, and only one of them then takes the lock."""
        holder = LockHolder.parse(current)
        if holder is not None and not holder.gone():
            return False
        with self._huey.storage.db(commit=True) as cursor:
            cursor.execute(
                "delete from kv where queue = ? and key = ? and value = ?",
                (self._huey.storage.name, self._key, current),
            )
            deleted = cursor.rowcount == 1
        if deleted:
            who = f"worker pid {holder.pid} on {holder.host}" if holder else "a worker of an earlier version"
            log.warning("task lock %s was left by %s, which has gone: cleared", self._name, who)
        return deleted

    def __exit__(self, *exc: object) -> None:
        value = getattr(self._holders, "value", None)
        self._holders.value = None
        if value is not None:  # only if it is still ours
            self._huey.storage.sql(
                "delete from kv where queue = ? and key = ? and value = ?",
                (self._huey.storage.name, self._key, value),
                True,
            )


def build_huey(url: str) -> Huey:
    """The Huey instance for a queue URL: ``immediate``, ``redis://…``/``rediss://…``, or ``sqlite:///path``."""
    if url == "immediate":
        return MemoryHuey("apdocs", immediate=True)
    if url.startswith(("redis://", "rediss://")):
        return SharedRedisHuey("apdocs", url=url)
    if not url.startswith("sqlite:///"):
        raise ValueError("APDOCS_QUEUE_URL must be immediate, redis://…, rediss://… or sqlite:///…")
    filename = Path(url.removeprefix("sqlite:///"))
    filename.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedSqliteHuey("apdocs", filename=str(filename))


class AppQueue:
    """The Huey instance and the app its tasks work for (database, output folder, configuration)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.huey = build_huey(url)
        self._app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        """Bind the app: tasks run in its context from now on. Refuses an app configured for another queue, whose
        jobs would otherwise go where no worker of its own looks."""
        settings: Settings | None = app.extensions.get("apdocs_settings")
        if settings is not None and settings.queue_url and settings.queue_url != self.url:
            raise RuntimeError("this app's queue_url differs from APDOCS_QUEUE_URL, which this process's queue uses")
        self._app = app
        app.extensions["apdocs_queue"] = self

    @property
    def app(self) -> Flask:
        if self._app is None:
            raise RuntimeError("service.queue.init_app(app) was not called in this process")
        return self._app


queue = AppQueue(queue_url_from_env(instance_dir_from_env()))
#: The Huey instance itself, for its own API (``pending_count``, ``lock_task``, ``storage``).
huey = queue.huey


def init_app(app: Flask) -> None:
    """Bind ``app`` to the process's queue (called by the app factory)."""
    queue.init_app(app)


def _in_app_context(func: Callable[P, Any]) -> Callable[P, Any]:
    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> Any:
        with queue.app.app_context():
            return func(*args, **kwargs)

    return run


def app_task(*, lock: str = "", **options: Any) -> Callable[[Callable[P, Any]], TaskWrapper]:
    """A Huey task (``options`` as ``Huey.task``) that runs inside the bound app's context, its own session.

    ``lock`` names a lock held while it runs, in the queue's storage, so one run at a time across every worker.
    """

    def decorate(func: Callable[P, Any]) -> TaskWrapper:
        body = huey.lock_task(lock)(func) if lock else func
        return huey.task(**options)(_in_app_context(body))

    return decorate


def periodic_app_task(
    validate_datetime: Callable[..., bool], *, lock: str = "", **options: Any
) -> Callable[[Callable[[], Any]], TaskWrapper]:
    """A periodic Huey task (``validate_datetime`` as ``huey.crontab(...)``) run inside the bound app's context."""

    def decorate(func: Callable[[], Any]) -> TaskWrapper:
        body = huey.lock_task(lock)(func) if lock else func
        return huey.periodic_task(validate_datetime, **options)(_in_app_context(body))

    return decorate


def enqueue_after_commit(task: Callable[..., Any], *args: Any) -> None:
    """Call ``task(*args)`` (enqueue it) once the current database transaction commits; never if it rolls back.

    The call is kept on the session (``Session.info``), with the savepoint it was asked for in, if any: rolling
    back that savepoint drops it too. So the caller may ask before ``db.session.commit()``, even before the row's
    transaction is certain to commit.
    """
    session = db.session()
    session.info.setdefault(_PENDING, []).append((session.get_nested_transaction(), task, args))


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction has still to commit
        return
    pending = session.info.pop(_PENDING, [])
    for _savepoint, task, args in pending:
        try:
            task(*args)
        except Exception as error:  # noqa: BLE001 - one call failing must not stop the others; the data is safe
            # The type only: a message may quote personal data.
            log.error("enqueueing %s after the commit failed: %s", getattr(task, "name", task), type(error).__name__)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """Drop the calls asked for inside the transaction (or savepoint) just rolled back."""
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        return
    if _PENDING in session.info:
        session.info[_PENDING] = [
            entry for entry in session.info[_PENDING] if not _inside(entry[0], previous_transaction)
        ]


@event.listens_for(Session, "after_transaction_end")
def _drop_unfinished(session: Session, transaction: SessionTransaction) -> None:
    """A session closed without committing: what waited on it never happens (committed calls already ran)."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _inside(savepoint: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is transaction:
            return True
        savepoint = savepoint.parent
    return False


def create_consumer(app: Flask, workers: int) -> Consumer:
    """A Huey consumer working for ``app`` with ``workers`` threads. ``app`` was built by ``create_app``, which
    imported every job module (``service.app.JOB_MODULES``): every task is registered before the consumer starts.

    The process's ``Sweeper`` starts with it: each worker process sweeps, so recovery needs no other process."""
    queue.init_app(app)
    if isinstance(huey, EmbeddedSqliteHuey):
        huey.clear_abandoned_locks()  # left by a worker killed mid-job: each is logged
    Sweeper(app).start()
    # An idle consumer looks at the queue at most every 2 s (Huey's default backs off to 10 s), so work the sweep
    # queues again starts promptly: recovery stays well under a minute.
    return huey.create_consumer(workers=workers, worker_type="thread", max_delay=2.0)


@dataclass(frozen=True)
class LeaseSettings:
    """How long a worker's hold on a row lasts, how often it renews it, and how often the sweep looks.

    ``APDOCS_LEASE_S`` (default 20): a worker that stops renewing loses its rows this long after its last
    heartbeat. ``APDOCS_HEARTBEAT_S`` (default a quarter of the lease): so several heartbeats must be missed
    before a live worker could lose a row. ``APDOCS_SWEEP_INTERVAL_S`` (default 15). Recovery after a crash
    takes at most about lease + sweep interval (35 s at the defaults), plus the work itself.
    ``APDOCS_LOST_JOB_S`` (default 40, so with the sweep lost work is found within a minute): a row waiting for its
    job, unheld, for this long while no call for it waits in the queue (``waiting_calls``) lost its job to a worker
    killed before it claimed the row.
    Read from the app's config, then the environment (a worker is configured by its environment).
    """

    lease_s: float = 20.0
    heartbeat_s: float = 5.0
    sweep_interval_s: float = 15.0
    lost_job_s: float = 40.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None) -> LeaseSettings:
        config = config or {}

        def read(name: str) -> float | None:
            value = config.get(name) or os.environ.get(name)
            return float(value) if value not in (None, "") else None

        lease = read("APDOCS_LEASE_S") or cls.lease_s
        heartbeat = read("APDOCS_HEARTBEAT_S") or lease / 4
        sweep = read("APDOCS_SWEEP_INTERVAL_S") or cls.sweep_interval_s
        lost_job = read("APDOCS_LOST_JOB_S") or cls.lost_job_s
        if heartbeat >= lease:
            raise ValueError("APDOCS_HEARTBEAT_S must be shorter than APDOCS_LEASE_S")
        return cls(lease_s=lease, heartbeat_s=heartbeat, sweep_interval_s=sweep, lost_job_s=lost_job)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_s)


def waiting_calls(task: TaskWrapper, on: Huey | None = None) -> list[tuple[Any, ...]]:
    """The arguments of every call of ``task`` waiting in the queue: enqueued, or scheduled (a retry's delay).

    What tells a job that is merely waiting its turn on a busy queue from one that was lost: a worker that took a job
    from the queue and died before it claimed its row leaves no call here, and no lease on the row. Read from the
    queue's storage (the SQLite file's tables, Redis's list and sorted set, or memory), each message decoded but no
    task built; one pass over the queue, so a sweep asks only when it has a row that may have lost its job. A job in
    a live worker's hands between the queue and its claim is not here either, for a moment: a call queued again
    then is a duplicate its claim turns away. ``on``: another Huey instance (a test's view of a worker's queue).
    """
    queue_huey = on or huey
    name = queue_huey._registry.task_to_string(task.task_class)  # noqa: SLF001 - Huey's own name for the task
    storage = queue_huey.storage
    calls = []
    for data in [*storage.enqueued_items(), *storage.scheduled_items()]:
        message = queue_huey.serializer.deserialize(data)
        if message.name == name:
            calls.append(tuple(message.args))
    return calls


def worker_id() -> str:
    """Who holds a lease: host, process and thread, so two threads of one worker never share a claim."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{threading.get_ident()}"[:120]


class Heartbeat:
    """While a worker works on a row, renew its lease every ``every`` seconds from a thread of its own.

    ``renew`` runs inside the app's context (a session of its own) and returns whether the lease is still
    this worker's. A renewal that fails (the database is away) is logged and tried again at the next beat; a
    lease found taken is logged once: the sweep gave the row to another worker after this one missed its
    beats for a whole lease, which the settings make unlikely for a live worker.
    """

    def __init__(self, app: Flask, renew: Callable[[], bool], every: float) -> None:
        self._app = app
        self._renew = renew
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="apdocs-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop beating. The wait is bounded: a renewal blocked behind this worker's own uncommitted change to the
        row (PostgreSQL's row lock) must not hold the job up for good; it finds the stop flag once it returns."""
        self._stop.set()
        self._thread.join(timeout=max(5.0, 2 * self._every))

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            try:
                with self._app.app_context():
                    held = self._renew()
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 - the next beat tries again; the type only (no personal data)
                log.warning("renewing a lease failed (%s); trying again at the next heartbeat", type(error).__name__)
                continue
            if not held:
                log.warning("a lease was taken back by the sweep while its worker was still working")
                return


#: The stalled-work sweeps the features register (``register_sweep``), run by every worker's ``Sweeper``.
_SWEEPS: list[Callable[[], Any]] = []


def register_sweep(func: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``func`` (in the app's context) every ``APDOCS_SWEEP_INTERVAL_S`` in each worker process."""
    _SWEEPS.append(func)
    return func


def run_sweeps(app: Flask) -> None:
    """Run every registered sweep once, each in its own app context; one failing does not stop the others."""
    for sweep in _SWEEPS:
        try:
            with app.app_context():
                sweep()
        except Exception as error:  # noqa: BLE001 - the next round tries again; the type only (no personal data)
            log.error("the stalled-work sweep %s failed: %s", getattr(sweep, "__name__", sweep), type(error).__name__)


class Sweeper:
    """A daemon thread of the worker process that runs the registered sweeps every ``sweep_interval_s``.

    A thread and not a Huey periodic task: Huey looks at its periodic tasks once a minute, and recovery must
    take well under one. Several workers sweeping at once is safe: each sweep takes a row back with a
    conditional UPDATE on its expired lease and acts only where it changed the row."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._every = LeaseSettings.from_config(app.config).sweep_interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="apdocs-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            run_sweeps(self._app)
