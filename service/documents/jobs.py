"""Background jobs for documents, on Huey.

The queue lives in SQLite by default (``instance/queue.sqlite3``: nothing else to install) and in
Redis when ``APDOCS_QUEUE_URL=redis://…``, so converter workers can run on other machines.
``APDOCS_QUEUE_URL=immediate`` runs each job at once in the process that enqueues it (tests).

Jobs are enqueued only after the transaction that created their document has committed: a job
must never look for a row that is not there yet. A worker that dies mid-job loses the job, not the
document: ``recover_stalled_documents`` runs every minute and queues again any document left in
progress, or marks it failed with a reason after three attempts.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from service.db import utcnow
from service.documents.engine.converter import ConverterPool, PoolSettings
from service.documents.models import Document, DocumentStatus
from service.settings import REPO_ROOT

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def _make_queue() -> Huey:
    url = os.environ.get("APDOCS_QUEUE_URL", "")
    if url == "immediate":
        return MemoryHuey("apdocs", immediate=True)
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("apdocs", url=url)
    if url.startswith("sqlite:///"):
        filename = url.removeprefix("sqlite:///")
    else:
        instance = Path(os.environ.get("APDOCS_INSTANCE_DIR") or REPO_ROOT / "instance")
        instance.mkdir(parents=True, exist_ok=True)
        filename = str(instance / "queue.sqlite3")
    return SqliteHuey("apdocs", filename=filename)


queue = _make_queue()

_app: Flask | None = None
_pool: ConverterPool | None = None
_pool_lock = threading.Lock()


def configure(app: Flask) -> None:
    """Tell the jobs which app (database, output folder) they work for: the worker's, or a test's."""
    global _app
    _app = app


def converter_pool() -> ConverterPool:
    """This process's warm LibreOffice pool, started on first use and closed at exit (a new one if closed)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.closed:
            _pool = ConverterPool(PoolSettings.from_env())
            atexit.register(_pool.close)
        return _pool


def _require_app() -> Flask:
    if _app is None:
        raise RuntimeError("service.documents.jobs.configure(app) was not called in this process")
    return _app


#: What other features do the moment a document is ready (in the worker, in an app context): the emails
#: waiting for its PDF go, a changed plan's signers are asked again. Registered by ``when_ready``.
READY_HOOKS: list[Callable[[Document], None]] = []


def when_ready(hook: Callable[[Document], None]) -> Callable[[Document], None]:
    """Run ``hook(document)`` after each document is made ready. Hooks commit their own work."""
    READY_HOOKS.append(hook)
    return hook


def enqueue_produce(document_id: int) -> None:
    """Queue the production of a committed document. Call only after the commit."""
    produce_document(document_id)


@queue.task(retries=2, retry_delay=10)
def produce_document(document_id: int) -> None:
    """Render and convert one document. A document problem ends as a failed row, not a retry."""
    from service.documents.services import produce

    app = _require_app()
    with app.app_context():
        document = produce(document_id, converter_pool(), Path(app.config["APDOCS_OUTPUT_DIR"]))
        if document.status is DocumentStatus.READY:
            for hook in READY_HOOKS:
                hook(document)


@queue.periodic_task(crontab(minute="*"))
def recover_stalled_documents() -> None:
    """Queue again the documents a dead worker left in progress; give up after three attempts."""
    app = _require_app()
    with app.app_context():
        for document_id in stalled_document_ids():
            produce_document(document_id)


def stalled_document_ids(now_minus: timedelta | None = None) -> list[int]:
    """Documents in progress for longer than any conversion may take, set back to queued (or failed).

    A conversion times out after APDOCS_CONVERTER_TIMEOUT_S and is retried once, so a document still
    in progress well after that was abandoned by a worker that stopped.
    """
    from service.extensions import db

    settings = PoolSettings.from_env()
    cutoff = utcnow() - (now_minus or timedelta(seconds=settings.timeout_s * (settings.retries + 2) + 60))
    queued_cutoff = utcnow() - timedelta(minutes=10)
    stalled = db.session.scalars(
        sa.select(Document).where(
            sa.or_(
                sa.and_(
                    Document.status.in_([DocumentStatus.RENDERING, DocumentStatus.CONVERTING]),
                    Document.started_at < cutoff,
                ),
                sa.and_(Document.status == DocumentStatus.QUEUED, Document.requested_at < queued_cutoff),
            )
        )
    ).all()
    again: list[int] = []
    for document in stalled:
        if document.attempts >= MAX_ATTEMPTS:
            document.status = DocumentStatus.FAILED
            document.error = "The document could not be made: the worker stopped while making it, three times"
            document.completed_at = utcnow()
        else:
            document.status = DocumentStatus.QUEUED
            again.append(document.id)
    db.session.commit()
    if again:
        log.warning("re-queued %d stalled document(s)", len(again))
    return again


def worker_threads(pool_size: int) -> int:
    """One more thread than LibreOffice instances: while one thread fills in a template (Python, holding
    the GIL), every instance still has a document to convert. Measured in `make bench`."""
    return pool_size + 1


def create_consumer(app: Flask, workers: int | None = None):  # type: ignore[no-untyped-def]
    """A Huey consumer working for this app, with one more thread than LibreOffice instances by default."""
    # Every feature's tasks and hooks must be registered before the consumer starts.
    import service.attendance.jobs  # noqa: F401
    import service.mail.jobs  # noqa: F401
    import service.provider_packs.jobs  # noqa: F401
    import service.reviews.jobs  # noqa: F401
    import service.signing.jobs  # noqa: F401

    configure(app)
    threads = workers or worker_threads(PoolSettings.from_env().size)
    return queue.create_consumer(workers=threads, worker_type="thread")


def start_embedded_worker(app: Flask, workers: int | None = None):  # type: ignore[no-untyped-def]
    """Run the consumer inside this (main-thread) process, for the one-machine set-up of `make run`."""
    consumer = create_consumer(app, workers)
    consumer.start()
    return consumer
