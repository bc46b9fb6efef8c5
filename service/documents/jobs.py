"""The documents' background jobs: produce a requested document, and recover the ones a dead worker left.

They run on the one queue (``service.queue``), enqueued only after the transaction that created their document
has committed (``enqueue_after_commit``): a job must never look for a row that is not there yet.

A job first claims its document with one conditional UPDATE (``claimed_by``, ``lease_until``; only if no live lease
holds it), so a second job for the same document (a retry, a second worker, the sweep) does nothing while the
first works; its heartbeat renews the lease while it renders and converts. A worker that dies mid-job loses the job,
not the document: its lease runs out, and the stalled-work sweep (every ``APDOCS_SWEEP_INTERVAL_S`` in each worker,
and every minute as a Huey periodic task) queues it again, or marks it failed with a reason after three attempts.
A document made ready is announced by the ``document_ready`` signal, for the features that wait for it.
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
from service.documents.services import REQUEST_TOKEN_DAYS, forget_old_requests, produce
from service.extensions import db
from service.queue import (
    Heartbeat,
    LeaseSettings,
    app_task,
    periodic_app_task,
    register_sweep,
    waiting_calls,
    worker_id,
)
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
    """Render and convert one document, holding it by a lease. A document problem ends as a failed row; a passing
    converter fault leaves it queued and raises, so this job's retry makes it (the last retry fails it with a plain
    reason). The lease is let go however the job ends, so the retry claims it again."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    lease = LeaseSettings.from_config(app.config)
    holder = worker_id()
    if not claim_document(document_id, holder, lease):
        log.info("document %d is ready or held by another worker: nothing to do", document_id)
        return
    retries_left = getattr(task, "retries", 0) or 0
    try:
        with Heartbeat(app, lambda: renew_document_lease(document_id, holder, lease), lease.heartbeat_s):
            # TryAgainLater propagates: Huey logs it (the document's number only) and runs the job again later.
            document = produce(
                document_id, converter_pool(), Path(app.config["APDOCS_OUTPUT_DIR"]), retry_later=retries_left > 0
            )
    finally:
        release_document(document_id, holder)
    if document.status is DocumentStatus.READY:
        document_ready.send(document)


def claim_document(document_id: int, holder: str, lease: LeaseSettings) -> bool:
    """Whether this worker now holds the document: one conditional UPDATE, committed, that only succeeds when the
    document is not ready and no live lease holds it. Works across processes and machines (a row-level claim)."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Document)
        .where(
            Document.id == document_id,
            Document.status != DocumentStatus.READY,
            sa.or_(Document.lease_until.is_(None), Document.lease_until < now),
        )
        .values(claimed_by=holder, lease_until=now + lease.lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def renew_document_lease(document_id: int, holder: str, lease: LeaseSettings) -> bool:
    """The heartbeat: push the lease on while this worker still holds it (the caller commits)."""
    renewed = db.session.execute(
        sa.update(Document)
        .where(Document.id == document_id, Document.claimed_by == holder)
        .values(lease_until=utcnow() + lease.lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(renewed)


def release_document(document_id: int, holder: str) -> None:
    """Let go of the document once the job ends, however it ended (a retry claims it again)."""
    db.session.rollback()  # whatever the job left unfinished is not ours to commit
    db.session.execute(
        sa.update(Document)
        .where(Document.id == document_id, Document.claimed_by == holder)
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@periodic_app_task(crontab(minute="41", hour="3"), lock="forget-old-request-tokens")
def forget_old_request_tokens() -> None:
    """Once a night: the forms' request tokens older than a month (``services.forget_old_requests``)."""
    gone = forget_old_requests(utcnow())
    db.session.commit()
    if gone:
        log.info("forgot %d request token(s) older than %d days", gone, REQUEST_TOKEN_DAYS)


@periodic_app_task(crontab(minute="*"))
def recover_stalled_documents() -> None:
    """Queue again the documents a dead worker left; give up after three attempts (a safety net for the sweeper)."""
    requeue_stalled_documents()


@register_sweep
def requeue_stalled_documents() -> None:
    """The sweep: queue again each document whose worker stopped renewing its lease (or lost its job), and clear
    the leases their dead workers left on finished documents."""
    for document_id in stalled_document_ids():
        produce_document(document_id)
    clear_leases_left_on_finished_documents()


def clear_leases_left_on_finished_documents() -> int:
    """Clear the lease of a document finished a heartbeat ago or more whose job never let it go: its worker was
    killed between the commit that finished it and the release (a worker with two threads can be killed so while
    the other thread makes a document). No job works on a ready document, so the lease only misleads; a live job
    lets go at once after that commit, so it is never cleared under a live worker's feet."""
    lease = LeaseSettings.from_config(current_app.config)
    finished_before = utcnow() - timedelta(seconds=lease.heartbeat_s)
    cleared = db.session.execute(
        sa.update(Document)
        .where(
            Document.claimed_by.is_not(None),
            Document.status.in_([DocumentStatus.READY, DocumentStatus.FAILED]),
            Document.completed_at < finished_before,
        )
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if cleared:
        log.warning("cleared the lease left on %d finished document(s) by a stopped worker", cleared)
    return cleared


def stalled_document_ids(now_minus: timedelta | None = None) -> list[int]:
    """Documents a stopped worker left, set back to queued (or failed after three attempts), lease cleared.

    A document held by a lease is stalled once the lease ran out: its worker stopped renewing it. One with no
    lease (made before leases) is judged by its age as before: in progress for longer than any conversion may take,
    or queued for ten minutes (the backstop). A queued one whose job was lost before it claimed it (a worker killed
    between taking the job from the queue and the claim) has no lease either: it is queued again once it has
    waited ``APDOCS_LOST_JOB_S`` (40 s) and no call for it waits in the queue (``waiting_calls``), so a queue
    that is merely busy is not flooded with second jobs. Each row is taken back with a conditional UPDATE on what
    was read, so two workers sweeping at once never both queue it.
    """
    settings = PoolSettings.from_env()
    now = utcnow()
    backoff = settings.retry_backoff_s * (2 ** max(settings.retries, 0) - 1)
    cutoff = now - (now_minus or timedelta(seconds=settings.timeout_s * (settings.retries + 2) + backoff + 60))
    queued_cutoff = now - timedelta(minutes=10)
    lost_cutoff = now - timedelta(seconds=LeaseSettings.from_config(current_app.config).lost_job_s)
    in_progress = [DocumentStatus.RENDERING, DocumentStatus.CONVERTING]
    unheld_and_waiting = sa.and_(
        Document.lease_until.is_(None),
        Document.status == DocumentStatus.QUEUED,
        Document.requested_at < lost_cutoff,
        # Put back to queued by produce() for its job's retry (10 s later): that job still holds it.
        sa.or_(Document.started_at.is_(None), Document.started_at < lost_cutoff),
    )
    lost = lost_job_document_ids(db.session.scalars(sa.select(Document.id).where(unheld_and_waiting)).all())
    stalled_rule = sa.or_(
        sa.and_(
            Document.lease_until.is_not(None),
            Document.lease_until < now,
            Document.status.in_([DocumentStatus.QUEUED, *in_progress]),
        ),
        sa.and_(Document.lease_until.is_(None), Document.status.in_(in_progress), Document.started_at < cutoff),
        sa.and_(
            Document.lease_until.is_(None),
            Document.status == DocumentStatus.QUEUED,
            Document.requested_at < queued_cutoff,
            # Put back to queued by produce() for its job's retry (10 s later): that job still holds it.
            sa.or_(Document.started_at.is_(None), Document.started_at < queued_cutoff),
        ),
        sa.and_(unheld_and_waiting, Document.id.in_(lost)),
    )
    stalled = db.session.execute(sa.select(Document.id, Document.attempts).where(stalled_rule)).all()
    again: list[int] = []
    for document_id, attempts in stalled:
        hopeless = attempts >= MAX_ATTEMPTS
        values: dict[str, object] = {"claimed_by": None, "lease_until": None}
        if hopeless:
            values |= {
                "status": DocumentStatus.FAILED,
                "error": "The document could not be made: the worker stopped while making it, three times",
                "completed_at": now,
            }
        else:
            values |= {"status": DocumentStatus.QUEUED}
        changed = db.session.execute(
            sa.update(Document)
            .where(Document.id == document_id, Document.attempts == attempts, stalled_rule)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed and not hopeless:
            again.append(document_id)
    db.session.commit()
    if again:
        log.warning("re-queued %d stalled document(s)", len(again))
    return again


def lost_job_document_ids(candidates: list[int]) -> list[int]:
    """Of these unheld queued documents, the ones no produce job waits for in the queue (nor in its schedule, as a
    retry): their job was lost. The queue is read only when there is a candidate, once per sweep."""
    if not candidates:
        return []
    waiting = {args[0] for args in waiting_calls(produce_document) if args}
    return [document_id for document_id in candidates if document_id not in waiting]


def worker_threads(pool_size: int) -> int:
    """One more thread than LibreOffice instances: while one thread fills in a template (Python, holding
    the GIL), every instance still has a document to convert. Measured in `make bench`."""
    return pool_size + 1


def default_worker_threads() -> int:
    """The worker's threads when not told: one more than the configured LibreOffice instances."""
    return worker_threads(PoolSettings.from_env().size)
