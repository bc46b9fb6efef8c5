"""LibreOffice's faults as users and operators meet them, with real parts: a real full file system (a tiny tmpfs
mounted for the test), real LibreOffice frozen past its timeout inside the real `apdocs serve`, and the real job
queue retrying.

* A full disk shows the user a plain reason; LibreOffice's own words and the server's paths go to the log.
* A passing LibreOffice fault is retried on a fresh instance after a back-off, and then by the job itself, so the
  document is made; a corrupt template still fails at once.
* Every failure and restart is logged, and ``/healthz`` shows the converter degraded with the counts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from service.db import utcnow
from service.documents import jobs, services
from service.documents.engine.converter import ConversionFailed, ConverterPool, PoolSettings
from service.documents.engine.converter.events import ConverterEvents
from service.documents.engine.converter.settings import DISK_FULL
from service.documents.engine.render_pool import shared_pool
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from tests.documents.test_converter_pool import libreoffice, make_docx, settings  # noqa: F401 - skips without it
from tests.documents.test_converter_processes import (
    comm,
    descendants,
    enqueue,
    placement,  # noqa: F401 - a placement with a plan to make
    request,
    status_of,
)
from tests.server.conftest import poll, start_server  # noqa: F401 - the real `apdocs serve`

pytestmark = pytest.mark.usefixtures("default_templates")

#: What LibreOffice and the server's folders look like in a raw error; none of it may reach a user.
RAW = ("file://", "IOException", "SfxBaseModel", "0x", "/tmp", ".part")  # noqa: S108


def fill(folder: Path, leave: int = 0) -> None:
    """Write into ``folder`` until its file system is full but for about ``leave`` bytes."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    with contextlib.suppress(OSError), open(folder / "filler", "ab") as fh:
        fh.write(b"\0" * max(free - leave, 0))
    if leave == 0:
        with contextlib.suppress(OSError), open(folder / "filler-rest", "ab") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MB tmpfs mounted on a folder of the test's own. Needs root (CI runs the suite as root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(folder)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)  # noqa: S603, S607


def test_a_full_disk_gives_a_plain_reason_and_logs_the_detail(small_disk, tmp_path, caplog):  # type: ignore[no-untyped-def]
    src = make_docx(tmp_path / "a.docx")
    fill(small_disk)
    caplog.set_level(logging.WARNING)
    with ConverterPool(settings()) as pool, pytest.raises(ConversionFailed) as failure:
        pool.convert(src, small_disk / "support-plan-placement-1-v1.pdf")

    assert failure.value.plain == DISK_FULL
    assert failure.value.transient  # the same document converts once there is space again
    assert not any(raw in failure.value.plain for raw in RAW)
    logged = "\n".join(record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR)
    assert "disk_full" in logged


def test_a_document_made_on_a_full_disk_fails_with_a_plain_reason(  # type: ignore[no-untyped-def]
    app,
    placement,  # noqa: F811
    db_session,
    small_disk,
    caplog,
    as_commissioner,  # noqa: F811
):
    """Through ``produce``: the Word file fits, the PDF does not (LibreOffice's store fails), as on a real server."""
    output = small_disk
    document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
    db_session.commit()

    class FillsTheDiskAfterRendering:
        def render(self, template: bytes, context: dict) -> bytes:  # type: ignore[type-arg]
            docx = shared_pool().render(template, context)
            fill(output, leave=len(docx) + 64 * 1024)  # room for the Word file, none for the PDF
            return docx

    caplog.set_level(logging.WARNING)
    with ConverterPool(settings(retries=0)) as pool:
        made = services.produce(document.id, pool, output, renderer=FillsTheDiskAfterRendering())

    assert made.status is DocumentStatus.FAILED
    assert made.error == DISK_FULL
    page = as_commissioner.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert DISK_FULL in page.replace("&#39;", "'")
    for raw in RAW:
        assert raw not in made.error
    logged = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert any(f"document {document.id} (support-plan)" in message for message in logged), logged
    for message in logged:
        assert placement.pupil.legal_last_name not in message


def test_a_full_disk_for_the_word_file_gives_the_same_plain_reason(app, placement, db_session, small_disk):  # type: ignore[no-untyped-def]  # noqa: F811
    output = small_disk
    document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
    db_session.commit()
    fill(output)
    with ConverterPool(settings(retries=0)) as pool:
        made = services.produce(document.id, pool, output)
    assert made.status is DocumentStatus.FAILED
    assert made.error == DISK_FULL


def test_a_corrupt_template_still_fails_at_once_without_retry(app, placement, db_session, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    output = Path(app.config["APDOCS_OUTPUT_DIR"])
    document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
    db_session.commit()

    class CorruptWord:
        def render(self, template: bytes, context: dict) -> bytes:  # type: ignore[type-arg]
            import io
            import zipfile

            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as package:
                package.writestr("[Content_Types].xml", "<Types")
                package.writestr("word/document.xml", "<w:document><<< not xml")
            return buffer.getvalue()

    with ConverterPool(settings(retries=3, retry_backoff_s=30.0)) as pool:
        made = services.produce(document.id, pool, output, renderer=CorruptWord(), retry_later=True)
        assert pool.stats()["starts"] == 1  # no fresh instance, no back-off: it would fail again

    assert made.status is DocumentStatus.FAILED
    assert made.error.startswith("The document could not be turned into a PDF: LibreOffice could not read it")
    assert not any(raw in made.error for raw in RAW)


def test_a_passing_crash_is_retried_after_a_back_off_on_a_fresh_instance(tmp_path):  # type: ignore[no-untyped-def]
    """Two instances in a row die under the document; the third, after the back-off, makes it."""
    src = make_docx(tmp_path / "a.docx")
    events = ConverterEvents(tmp_path / "events.jsonl")
    with ConverterPool(settings(timeout_s=3.0, retries=2, retry_backoff_s=0.5), events=events) as pool:
        pool.start()
        killed: list[int] = []

        def freeze_each_new_instance() -> None:
            for pid in pool.process_ids()["soffice"]:
                if pid not in killed and len(killed) < 2:
                    os.kill(pid, signal.SIGSTOP)
                    killed.append(pid)

        import threading

        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                freeze_each_new_instance()
                stop.wait(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            pool.convert(src, tmp_path / "a.pdf")
        finally:
            stop.set()
            watcher.join()

        assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
        assert len(killed) == 2
        assert pool.stats()["timeouts"] == 2
    counts = events.counts()
    assert counts["timeout"] == 2 and counts["restart"] == 2 and counts["failed"] == 0


def _freeze_instances(worker: int, how_many: int, stop: object) -> list[int]:
    """Freeze (SIGSTOP) each new soffice.bin under ``worker`` as it appears, ``how_many`` of them."""
    import time

    frozen: list[int] = []
    deadline = time.monotonic() + 300
    while len(frozen) < how_many and time.monotonic() < deadline and not stop.is_set():  # type: ignore[attr-defined]
        for pid in descendants(worker):
            if comm(pid) == "soffice.bin" and pid not in frozen:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
                frozen.append(pid)
        time.sleep(0.02)
    return frozen


def test_the_job_retries_when_every_attempt_of_the_pool_met_a_passing_fault(start_server, placement, db_session):  # type: ignore[no-untyped-def]  # noqa: F811
    """The real server: LibreOffice hangs on the first attempt and on the pool's retry, so the pool gives up; the
    job's own retry (ten seconds later) makes the document. Operators see it in the log and in /healthz."""
    import threading

    server = start_server(
        {
            "APDOCS_CONVERTER_TIMEOUT_S": "3",
            "APDOCS_CONVERTER_START_TIMEOUT_S": "5",
            "APDOCS_CONVERTER_RETRIES": "1",
            "APDOCS_CONVERTER_RETRY_BACKOFF_S": "0.5",
            "APDOCS_CONVERTER_POOL_SIZE": "1",
        }
    )
    worker = poll(server.worker_pid, "the worker process to start")
    assert server.health()["checks"]["converter"]["status"] == "ok"
    first = request(placement, db_session)
    enqueue(server.env, first)
    poll(lambda: status_of(db_session, first) is DocumentStatus.READY, "the first document to be made")

    stop = threading.Event()
    frozen: list[int] = []
    freezer = threading.Thread(target=lambda: frozen.extend(_freeze_instances(worker, 2, stop)))
    freezer.start()
    try:
        second = request(placement, db_session)
        enqueue(server.env, second)
        poll(lambda: status_of(db_session, second) is DocumentStatus.READY, "the job's retry to make the document")
    finally:
        stop.set()
        freezer.join()

    assert len(frozen) == 2
    db_session.expire_all()
    made = db_session.get(Document, second)
    assert made.error == "" and made.attempts == 2
    converter = server.health()["checks"]["converter"]
    assert converter["status"] == "degraded"
    assert int(converter["last_15_min_timeout"]) + int(converter["last_15_min_start_failed"]) == 2
    assert int(converter["last_15_min_restart"]) >= 1
    log = server.log()
    assert "converter instance 0 failed (timeout)" in log
    assert f"document {second} (support-plan) will be tried again" in log
    assert placement.pupil.legal_last_name not in log


def test_the_last_retry_fails_the_document_with_a_plain_reason(app, placement, db_session, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    """With no retry left (the job's last run, or `apdocs render`), a passing fault fails the row, plainly."""
    output = Path(app.config["APDOCS_OUTPUT_DIR"])
    document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
    db_session.commit()
    with ConverterPool(settings(timeout_s=2.0, retries=0)) as pool:
        pool.start()
        os.kill(pool.process_ids()["soffice"][0], signal.SIGSTOP)
        with pytest.raises(services.TryAgainLater):
            services.produce(document.id, pool, output, retry_later=True)
        waiting = db_session.get(Document, document.id)
        assert waiting.status is DocumentStatus.QUEUED
        # Its job's retry holds it: the minute's recovery must not queue a second job, even for an old request.
        waiting.requested_at = utcnow() - timedelta(minutes=30)
        db_session.commit()
        assert document.id not in jobs.stalled_document_ids()
        pool.start()
        os.kill(pool.process_ids()["soffice"][0], signal.SIGSTOP)
        made = services.produce(document.id, pool, output, retry_later=False)
    assert made.status is DocumentStatus.FAILED
    assert made.error.startswith("The PDF converter took too long with this document")
    assert not any(raw in made.error for raw in RAW)


def test_the_pool_of_the_worker_counts_events_where_the_web_reads_them(app):  # type: ignore[no-untyped-def]
    events = jobs.converter_events()
    assert events.path.parent == Path(app.extensions["apdocs_settings"].instance_dir)
    with contextlib.suppress(OSError):
        events.path.unlink()
    assert set(events.counts().values()) == {0}
    assert PoolSettings.from_env({"APDOCS_CONVERTER_RETRIES": "0"}).retries == 0
    assert PoolSettings.from_env({"APDOCS_CONVERTER_RETRY_BACKOFF_S": "2.5"}).retry_backoff_s == 2.5
    with pytest.raises(ValueError, match="APDOCS_CONVERTER_RETRIES"):
        PoolSettings.from_env({"APDOCS_CONVERTER_RETRIES": "-1"})


def test_apdocs_render_survives_two_passing_faults_in_a_row(app, placement, db_session, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    """`apdocs render --all`, the real command: LibreOffice hangs, then its replacement hangs while starting; the
    pool's third attempt, after the back-off, makes the document and the command succeeds."""
    import sys
    import threading

    from tests.server.conftest import HEALTH_TOKEN  # noqa: F401 - the same environment as the server tests

    db_session.commit()  # the placement, for the command's own connection
    out = tmp_path / "out"
    env = {
        **os.environ,
        "APDOCS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APDOCS_INSTANCE_DIR": str(tmp_path / "instance"),
        "APDOCS_OUTPUT_DIR": app.config["APDOCS_OUTPUT_DIR"],
        "APDOCS_QUEUE_URL": f"sqlite:///{tmp_path / 'instance' / 'queue.sqlite3'}",
        "APDOCS_CONVERTER_TIMEOUT_S": "3",
        "APDOCS_CONVERTER_START_TIMEOUT_S": "5",
        "APDOCS_CONVERTER_POOL_SIZE": "1",
        "APDOCS_CONVERTER_RETRY_BACKOFF_S": "0.5",
    }
    command = subprocess.Popen(  # noqa: S603 - this virtualenv's apdocs
        [str(Path(sys.executable).parent / "apdocs"), "render", "support-plan", "--all", "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stop = threading.Event()
    frozen: list[int] = []
    freezer = threading.Thread(target=lambda: frozen.extend(_freeze_instances(command.pid, 2, stop)))
    freezer.start()
    try:
        stdout, stderr = command.communicate(timeout=300)
    finally:
        stop.set()
        freezer.join()
    assert len(frozen) == 2, stderr.decode(errors="replace")[-2000:]
    assert command.returncode == 0, stderr.decode(errors="replace")[-2000:]
    assert any(name.endswith(".pdf") for name in os.listdir(out))
