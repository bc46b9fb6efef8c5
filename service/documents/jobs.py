"""The documents' background jobs: produce a requested document, and recover the ones a dead worker left.

They run on the one queue (``service.queue``), enqueued only after the transaction that created their document
has committed (``enqueue_after_commit``): a job must never look for a row that is not there yet. A worker that
dies mid-job loses the job, not the document: ``recover_stalled_documents`` runs every minute and queues again
any document left in progress, or marks it failed with a reason after three attempts. A document made ready is
announced by the ``document_ready`` signal, for the features that wait for it.
"""

from __future__ import annotations

import atexit
import logging
import threading
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from huey import crontab

from service.db import utcnow
from service.documents.engine.converter import ConverterPool, PoolSettings
from service.documents.engine.converter.events import ConverterEvents
from service.documents.models import Document, DocumentStatus
from service.documents.services import produce
from service.extensions import db
from service.queue import app_task, periodic_app_task
from service.signals import document_ready

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3

_pool: ConverterPool | None = None
_pool_lock = threading.Lock()


def converter_events() -> ConverterEvents:
    """Where this installation's converter trouble is counted: a file in the instance folder, which the worker
    (that owns the pool) and the web process (that answers ``/healthz``) share (``engine/converter/events.py``)."""
    from service.settings import instance_dir_from_env

    settings = current_app.extensions.get("apdocs_settings") if has_app_context() else None
    instance_dir = settings.instance_dir if settings is not None else instance_dir_from_env()
    return ConverterEvents(Path(instance_dir) / "converter-events.jsonl")


def converter_pool() -> ConverterPool:
    """This process's warm LibreOffice pool, started on first use and closed at exit (a new one if closed)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.closed:
            _pool = ConverterPool(PoolSettings.from_env(), events=converter_events())
            atexit.register(_pool.close)
        return _pool


#: The job's own retries, after the pool's: LibreOffice crashed, hung or could not start on every attempt, or the
#: disk was full. Ten seconds apart, so a passing fault has passed.
JOB_RETRIES = 2


@app_task(retries=JOB_RETRIES, retry_delay=10, context=True)
def produce_document(document_id: int, task=None) -> None:  # type: ignore[no-untyped-def]
    """Render and convert one document. A document problem ends as a failed row; a passing converter fault leaves
    it queued and raises, so this job's retry makes it (the last retry fails it with a plain reason)."""
    retries_left = getattr(task, "retries", 0) or 0
    # TryAgainLater propagates: Huey logs it (the document's number only) and runs the job again after retry_delay.
    document = produce(
        document_id, converter_pool(), Path(current_app.config["APDOCS_OUTPUT_DIR"]), retry_later=retries_left > 0
    )
    if document.status is DocumentStatus.READY:
        document_ready.send(document)


@periodic_app_task(crontab(minute="*"))
def recover_stalled_documents() -> None:
    """Queue again the documents a dead worker left in progress; give up after three attempts."""
    for document_id in stalled_document_ids():
        produce_document(document_id)


def stalled_document_ids(now_minus: timedelta | None = None) -> list[int]:
    """Documents in progress for longer than any conversion may take, set back to queued (or failed).

    A conversion times out after APDOCS_CONVERTER_TIMEOUT_S and is retried once, so a document still
    in progress well after that was abandoned by a worker that stopped.
    """
    settings = PoolSettings.from_env()
    backoff = settings.retry_backoff_s * (2 ** max(settings.retries, 0) - 1)
    cutoff = utcnow() - (now_minus or timedelta(seconds=settings.timeout_s * (settings.retries + 2) + backoff + 60))
    queued_cutoff = utcnow() - timedelta(minutes=10)
    stalled = db.session.scalars(
        sa.select(Document).where(
            sa.or_(
                sa.and_(
                    Document.status.in_([DocumentStatus.RENDERING, DocumentStatus.CONVERTING]),
                    Document.started_at < cutoff,
                ),
                sa.and_(
                    Document.status == DocumentStatus.QUEUED,
                    Document.requested_at < queued_cutoff,
                    # Put back to queued by produce() for its job's retry (10 s later): that job still holds it.
                    sa.or_(Document.started_at.is_(None), Document.started_at < queued_cutoff),
                ),
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


def default_worker_threads() -> int:
    """The worker's threads when not told: one more than the configured LibreOffice instances."""
    return worker_threads(PoolSettings.from_env().size)
