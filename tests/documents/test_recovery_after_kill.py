"""A worker killed in the middle of a document: another worker makes it within a minute, exactly once.

Real processes and the real engine: ``apdocs worker`` started as a subprocess makes a support plan with docxtpl and
LibreOffice; it is frozen (SIGSTOP) the moment it holds the document and has started on it, checked to be mid-way,
then SIGKILLed, as a crash would; a second worker is started. The lease and sweep are at their defaults (20 s,
15 s), so this is the recovery time an installation gets.
"""

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
from tests.queue.processes import crash, document_row, end, enqueue, start_worker, stop_worker, wait_for, worker_env

pytestmark = pytest.mark.usefixtures("default_templates")

RECOVERY_S = 60
IN_PROGRESS = (DocumentStatus.RENDERING, DocumentStatus.CONVERTING)


def test_a_worker_killed_mid_document_is_replaced_and_the_document_is_made_once(
    app, school, provider, commissioner, tmp_path
):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )
    document = request_document(
        commissioner, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    db.session.commit()  # queued, and not produced here: only the workers make it
    document_id = document.id
    env = worker_env(app, tmp_path, APDOCS_CONVERTER_POOL_SIZE="1")
    log = tmp_path / "workers.log"
    first = start_worker(env, log)
    second = None
    children: list[int] = []
    try:
        enqueue(env, f"from service.documents.jobs import produce_document; produce_document({document_id})")
        started = wait_for(
            lambda: (row := document_row(document_id)).claimed_by is not None and row.status in IN_PROGRESS,
            120,
            every=0.02,
        )
        assert started, log.read_text(errors="replace")
        first.send_signal(signal.SIGSTOP)  # frozen mid-way: it can record nothing more
        frozen = document_row(document_id)
        assert frozen.status in IN_PROGRESS and frozen.attempts == 1
        children = crash(first)
        second = start_worker(env, log)
        wait_for(lambda: document_row(document_id).status is DocumentStatus.READY, RECOVERY_S)
        made = document_row(document_id)
        assert made.status is DocumentStatus.READY, log.read_text(errors="replace")
        assert made.attempts == 2  # the crashed attempt and the one that made it: no third
        assert made.claimed_by is None and made.lease_until is None
        assert (Path(app.config["APDOCS_OUTPUT_DIR"]) / made.pdf_path).read_bytes().startswith(b"%PDF")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 1  # no second version
    finally:
        end(children)
        stop_worker(first)
        if second is not None:
            stop_worker(second)
