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

This module is the core: it imports no feature. Features declare their tasks in their own ``jobs.py``, listed once
in ``service.app.JOB_MODULES``, imported with the app factory, before it binds the queue.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.consumer import Consumer
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from service.extensions import db
from service.settings import Settings, instance_dir_from_env, queue_url_from_env

log = logging.getLogger(__name__)

P = ParamSpec("P")

#: Where the calls waiting for the commit are kept, in ``Session.info``.
_PENDING = "apdocs_after_commit"


def build_huey(url: str) -> Huey:
    """The Huey instance for a queue URL: ``immediate``, ``redis://…``/``rediss://…``, or ``sqlite:///path``."""
    if url == "immediate":
        return MemoryHuey("apdocs", immediate=True)
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("apdocs", url=url)
    if not url.startswith("sqlite:///"):
        raise ValueError("APDOCS_QUEUE_URL must be immediate, redis://…, rediss://… or sqlite:///…")
    filename = Path(url.removeprefix("sqlite:///"))
    filename.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("apdocs", filename=str(filename))


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
    imported every job module (``service.app.JOB_MODULES``): every task is registered before the consumer starts."""
    queue.init_app(app)
    return huey.create_consumer(workers=workers, worker_type="thread")
