"""Two machines sharing only the database, the queue and the object store: the web side (this test's app) requests
a plan, which puts its template copy into the bucket; a real ``apdocs worker`` process with an output folder of its
own, empty (another machine's disk), reads the template from the bucket, makes the plan with LibreOffice and puts it
there; the web side serves it through the app. Neither disk keeps anything."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from service.documents.models import Document, DocumentStatus
from service.documents.services import request_document
from service.documents.types import DocumentType
from service.extensions import db
from service.rules.placement_status import PlacementStatus
from service.storage import storage_for
from tests import factories
from tests.queue.processes import enqueue, start_worker, stop_worker, wait_for, worker_env
from tests.storage.conftest import bucket_keys, files_under

pytestmark = pytest.mark.usefixtures("default_templates")


def _status(document_id: int) -> DocumentStatus:
    db.session.expire_all()
    status = db.session.get(Document, document_id).status
    db.session.commit()  # end the read: the worker writes meanwhile
    return status


@pytest.mark.parametrize("store_kind", ["s3"])
def test_a_worker_on_another_machine_makes_the_document_into_the_shared_store(  # type: ignore[no-untyped-def]
    app, request, school, provider, commissioner, as_commissioner, tmp_path
):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )
    document = request_document(
        commissioner, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    db.session.commit()
    document_id = document.id
    worker_disk = tmp_path / "worker-output"
    env = worker_env(
        app,
        tmp_path,
        APDOCS_CONVERTER_POOL_SIZE="1",
        APDOCS_OUTPUT_DIR=str(worker_disk),
        APDOCS_STORAGE_URL=app.config["APDOCS_STORAGE_URL"],
        APDOCS_S3_ENDPOINT_URL=app.config["APDOCS_S3_ENDPOINT_URL"],
    )
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        enqueue(env, f"from service.documents.jobs import produce_document; produce_document({document_id})")
        wait_for(lambda: _status(document_id).is_finished, 180)
    finally:
        stop_worker(worker)
    made = db.session.scalars(sa.select(Document)).one()
    assert made.status is DocumentStatus.READY, (made.error, log.read_text(errors="replace"))

    stored = storage_for(app.config).get(made.pdf_path)
    response = as_commissioner.get(f"/documents/{made.id}/pdf")
    assert response.status_code == 200 and response.get_data() == stored and stored.startswith(b"%PDF-")
    keys = bucket_keys(request.getfixturevalue("s3_server"), app.config["APDOCS_STORAGE_URL"])
    assert f"apdocs/{made.pdf_path}" in keys and f"apdocs/{made.docx_path}" in keys
    assert files_under(worker_disk) == [] and files_under(Path(app.config["APDOCS_OUTPUT_DIR"])) == []
    assert list((tmp_path / "tmp").glob("apdocs-convert-*")) == []  # the worker's scratch folder went
