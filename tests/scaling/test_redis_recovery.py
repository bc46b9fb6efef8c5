"""Leases and the sweep work the same with the queue in Redis: two ``apdocs worker`` processes share one Redis queue;
the one that took a document is killed in the middle of it, and the other (already running, sweeping) makes it,
exactly once, within a minute. Real processes, docxtpl and LibreOffice; lease and sweep at their defaults."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.documents.models import Document, DocumentStatus
from service.documents.services import request_document
from service.documents.types import DocumentType
from service.extensions import db
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.queue.processes import crash, document_row, end, enqueue, wait_for
from tests.scaling.processes import scaled_env

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("default_templates")]

RECOVERY_S = 60
IN_PROGRESS = (DocumentStatus.RENDERING, DocumentStatus.CONVERTING)


def test_a_document_left_by_a_killed_worker_is_made_once_by_the_other_worker_on_redis(  # type: ignore[no-untyped-def]
    app, school, provider, commissioner, tmp_path, processes, redis_url
):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )
    output = tmp_path / "output"
    document = request_document(commissioner, placement, DocumentType.SUPPORT_PLAN, output)
    db.session.commit()  # queued, and not produced here: only the workers make it
    document_id = document.id
    env = scaled_env(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, tmp_path, APDOCS_CONVERTER_POOL_SIZE="1")
    log = tmp_path / "workers.log"
    workers = {process.pid: process for process in (processes.worker(env, log), processes.worker(env, log))}
    children: list[int] = []
    try:
        enqueue(env, f"from service.documents.jobs import produce_document; produce_document({document_id})")
        started = wait_for(
            lambda: (row := document_row(document_id)).claimed_by is not None and row.status in IN_PROGRESS,
            120,
            every=0.02,
        )
        assert started, log.read_text(errors="replace")
        holder = workers[int(document_row(document_id).claimed_by.split(":")[1])]
        holder.send_signal(signal.SIGSTOP)  # frozen mid-way: it can record nothing more
        frozen = document_row(document_id)
        assert frozen.status in IN_PROGRESS and frozen.attempts == 1
        children = crash(holder)

        wait_for(lambda: document_row(document_id).status is DocumentStatus.READY, RECOVERY_S)
        made = document_row(document_id)
        assert made.status is DocumentStatus.READY, log.read_text(errors="replace")
        assert made.attempts == 2  # the crashed attempt and the one that made it: no third
        assert made.claimed_by is None and made.lease_until is None
        assert (Path(output) / made.pdf_path).read_bytes().startswith(b"%PDF")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 1  # no second version
    finally:
        end(children)
