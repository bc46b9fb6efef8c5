"""Documents are held by a lease: one worker at a time, and taken back only once the lease ran out.

Real database rows, threads standing for workers (each with its own app context and session, as separate
processes have); the real process is killed in ``test_recovery_after_kill.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from service.db import utcnow
from service.documents import jobs
from service.documents.models import Document, DocumentStatus
from service.extensions import db
from service.queue import LeaseSettings
from tests import factories

LEASE = LeaseSettings()


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)


def _at_once(app: Flask, work: Callable[[int], Any], n: int = 4) -> list[Any]:
    """``work(i)`` in ``n`` threads released together, each in its own app context; their results."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
            except BaseException as error:  # noqa: BLE001 - returned to the test
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _reload(document_id: int) -> Document:
    db.session.expire_all()
    document = db.session.get(Document, document_id)
    assert document is not None
    return document


def test_four_workers_claiming_one_document_at_once_give_it_to_one(app, placement):
    document_id = factories.DocumentFactory(placement=placement).id
    db.session.commit()
    won = _at_once(app, lambda i: jobs.claim_document(document_id, f"worker-{i}", LEASE))
    assert sorted(won, key=str) == [False, False, False, True]
    assert _reload(document_id).claimed_by == f"worker-{won.index(True)}"


def test_a_document_held_by_a_live_lease_is_left_by_a_second_job_and_by_the_sweep(app, placement):
    document = factories.DocumentFactory(placement=placement, attempts=1, started_at=utcnow() - timedelta(hours=1))
    db.session.commit()
    assert jobs.claim_document(document.id, "the-first-worker", LEASE)
    jobs.produce_document(document.id)  # a duplicate job (immediate mode: it runs now): nothing to do
    assert jobs.stalled_document_ids() == []
    held = _reload(document.id)
    assert held.status is DocumentStatus.QUEUED and held.attempts == 1 and held.claimed_by == "the-first-worker"


def test_an_expired_lease_is_taken_back_once_by_sweeps_running_at_once(app, placement):
    expired = utcnow() - timedelta(seconds=1)
    stalled = factories.DocumentFactory(
        placement=placement, status=DocumentStatus.CONVERTING, attempts=1, started_at=utcnow(), lease_until=expired
    )
    stalled.claimed_by = "a-killed-worker"
    hopeless = factories.DocumentFactory(
        placement=placement, status=DocumentStatus.RENDERING, attempts=3, started_at=utcnow(), lease_until=expired
    )
    live = factories.DocumentFactory(
        placement=placement,
        status=DocumentStatus.CONVERTING,
        attempts=1,
        started_at=utcnow() - timedelta(hours=1),
        lease_until=utcnow() + timedelta(seconds=20),
    )
    db.session.commit()
    results = _at_once(app, lambda i: jobs.stalled_document_ids())
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(sum(results, [])) == [stalled.id]  # queued again by one sweep only
    again = _reload(stalled.id)
    assert again.status is DocumentStatus.QUEUED and again.claimed_by is None and again.lease_until is None
    failed = _reload(hopeless.id)
    assert failed.status is DocumentStatus.FAILED and "worker stopped" in failed.error
    assert _reload(live.id).status is DocumentStatus.CONVERTING


def test_the_lease_settings_are_read_and_checked(monkeypatch):
    assert (LEASE.lease_s, LEASE.heartbeat_s, LEASE.sweep_interval_s) == (20.0, 5.0, 15.0)
    custom = LeaseSettings.from_config({"APDOCS_LEASE_S": "8", "APDOCS_SWEEP_INTERVAL_S": "3"})
    assert (custom.lease_s, custom.heartbeat_s, custom.sweep_interval_s) == (8.0, 2.0, 3.0)
    monkeypatch.setenv("APDOCS_LEASE_S", "12")
    assert LeaseSettings.from_config({}).lease_s == 12.0
    with pytest.raises(ValueError, match="APDOCS_HEARTBEAT_S"):
        LeaseSettings.from_config({"APDOCS_LEASE_S": "5", "APDOCS_HEARTBEAT_S": "5"})
