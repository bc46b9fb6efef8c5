"""A produce job lost between the queue and its document: taken from the queue by a worker that was then killed
before it claimed the document. The document has no lease, so the lease sweep cannot see it; the sweep queues it
again once it has waited ``APDOCS_LOST_JOB_S`` and no call for it is waiting in the queue, and not before.

The real thing in ``test_a_job_lost_after_dequeue_before_claim_is_queued_again_and_made_once``: a real
``apdocs worker`` takes the job from the real queue (a SQLite file), its claim is held up by a row lock the test
holds (a write lock on SQLite, a row lock on PostgreSQL), and it is SIGKILLed there, before the claim could commit.
No hook in the code: the lock is what makes the moment certain. The rest are the rule itself, on a queue that keeps
its jobs (Huey's in-memory storage, the same calls as the SQLite file and Redis).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.db import utcnow
from service.documents import jobs
from service.documents.models import Document, DocumentStatus
from service.documents.services import request_document
from service.documents.types import DocumentType
from service.extensions import db
from service.queue import LeaseSettings, build_huey, huey, waiting_calls
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.queue.processes import crash, document_row, end, enqueue, start_worker, stop_worker, wait_for, worker_env

#: A sweep every second, a job counted lost after 3 s: the wait below is many sweeps past both.
QUICK = {"APDOCS_SWEEP_INTERVAL_S": "1", "APDOCS_LOST_JOB_S": "3"}
#: How long the made document may take at most, LibreOffice included (a deadline for the test, not a measurement);
#: without the rule the document would wait ten minutes for the backstop.
READY_WITHIN_S = 90


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )


def _produce_calls_waiting(queue_url: str, document_id: int) -> bool:
    return (document_id,) in waiting_calls(jobs.produce_document, build_huey(queue_url))


@pytest.mark.usefixtures("default_templates")
def test_a_job_lost_after_dequeue_before_claim_is_queued_again_and_made_once(app, placement, commissioner, tmp_path):
    document = request_document(
        commissioner, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    db.session.commit()  # queued, and not produced here: only the workers make it
    document_id = document.id
    env = worker_env(app, tmp_path, APDOCS_CONVERTER_POOL_SIZE="1", **QUICK)
    log = tmp_path / "workers.log"
    first = second = None
    children: list[int] = []
    try:
        with db.engine.connect() as blocker:
            # Hold the document's row (SQLite: the database's write lock) so the worker's claim must wait.
            blocker.execute(sa.update(Document).where(Document.id == document_id).values(attempts=Document.attempts))
            enqueue(env, f"from service.documents.jobs import produce_document; produce_document({document_id})")
            assert _produce_calls_waiting(env["APDOCS_QUEUE_URL"], document_id)
            first = start_worker(env, log, threads=1)
            taken = wait_for(lambda: not _produce_calls_waiting(env["APDOCS_QUEUE_URL"], document_id), 120, every=0.02)
            assert taken, log.read_text(errors="replace")
            children = crash(first)  # the job is gone with it: taken from the queue, the document never claimed
            blocker.rollback()
        lost = document_row(document_id)
        assert lost.status is DocumentStatus.QUEUED and lost.claimed_by is None and lost.attempts == 0
        second = start_worker(env, log)
        wait_for(lambda: document_row(document_id).status is DocumentStatus.READY, READY_WITHIN_S)
        made = document_row(document_id)
        assert made.status is DocumentStatus.READY, log.read_text(errors="replace")
        assert made.attempts == 1  # the lost job never started it: made once, by the job the sweep queued
        assert made.claimed_by is None and made.lease_until is None
        assert (Path(app.config["APDOCS_OUTPUT_DIR"]) / made.pdf_path).read_bytes().startswith(b"%PDF")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 1
    finally:
        end(children)
        for worker in (first, second):
            if worker is not None:
                stop_worker(worker)


@pytest.fixture
def keeping_queue() -> Iterator[None]:
    """The tests' queue, made to keep its jobs (as a worker's queue does) instead of running them at once."""
    huey.immediate = False
    try:
        yield
    finally:
        huey.flush()
        huey.immediate = True


def _queued(placement, minutes_ago: float, **fields: object) -> int:  # type: ignore[no-untyped-def]
    document = factories.DocumentFactory(
        placement=placement, requested_at=utcnow() - timedelta(minutes=minutes_ago), **fields
    )
    db.session.commit()
    return document.id


@pytest.mark.usefixtures("keeping_queue")
def test_a_queued_document_is_queued_again_after_forty_seconds_only_when_no_job_for_it_waits(app, placement):
    assert LeaseSettings().lost_job_s == 40.0
    lost = _queued(placement, 2)
    waiting = _queued(placement, 2)
    retrying = _queued(placement, 2)
    recent = _queued(placement, 0.5)
    jobs.produce_document(waiting)  # a busy queue: its job has not come up yet
    retry = jobs.produce_document.s(retrying)
    retry.eta = huey._get_timestamp() + timedelta(seconds=60)  # noqa: SLF001 - the queue's own clock
    huey.add_schedule(retry)  # a retry, waiting for its time in the schedule, as a failed job's retry does
    assert huey.pending_count() == 1 and huey.scheduled_count() == 1

    assert jobs.stalled_document_ids() == [lost]
    for document_id in (lost, waiting, retrying, recent):
        db.session.expire_all()
        assert db.session.get(Document, document_id).status is DocumentStatus.QUEUED
    assert sorted(waiting_calls(jobs.produce_document)) == sorted([(waiting,), (retrying,)])


@pytest.mark.usefixtures("keeping_queue")
def test_the_sweep_queues_a_lost_job_once_and_leaves_it_while_its_job_waits(app, placement):
    lost = _queued(placement, 2)
    jobs.requeue_stalled_documents()
    assert waiting_calls(jobs.produce_document) == [(lost,)]
    jobs.requeue_stalled_documents()  # its job waits in the queue now: no second one
    assert waiting_calls(jobs.produce_document) == [(lost,)]


@pytest.mark.usefixtures("keeping_queue")
def test_a_lost_job_whose_document_was_started_recently_is_left_to_its_retry(app, placement):
    # produce() put it back to queued for its job's retry just now: the retry holds it (the ten-minute rule too).
    _queued(placement, 30, attempts=1, started_at=utcnow() - timedelta(seconds=10))
    assert jobs.stalled_document_ids() == []


@pytest.mark.usefixtures("keeping_queue")
def test_the_ten_minute_rule_still_takes_back_a_document_whose_job_waits(app, placement):
    stuck = _queued(placement, 11)
    jobs.produce_document(stuck)
    assert jobs.stalled_document_ids() == [stuck]


def test_a_lease_left_on_a_finished_document_by_a_worker_killed_before_its_release_is_cleared(app, placement):
    # Killed between produce()'s last commit and the release: ready, still naming the dead worker.
    left = factories.DocumentFactory(
        placement=placement,
        status=DocumentStatus.READY,
        completed_at=utcnow() - timedelta(seconds=30),
        lease_until=utcnow() + timedelta(seconds=5),
    )
    left.claimed_by = "a-killed-worker"
    # Finished this instant by a live worker, which lets go itself a moment later: left alone.
    just_made = factories.DocumentFactory(
        placement=placement, status=DocumentStatus.READY, completed_at=utcnow(), lease_until=utcnow()
    )
    just_made.claimed_by = "a-live-worker"
    db.session.commit()
    jobs.requeue_stalled_documents()
    db.session.expire_all()
    assert (left.claimed_by, left.lease_until, left.status) == (None, None, DocumentStatus.READY)
    assert just_made.claimed_by == "a-live-worker"
