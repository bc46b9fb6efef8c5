"""No LibreOffice outlives the process that owns it: the real `apdocs serve` (with its worker child) and the real
`apdocs worker` are killed or stopped while a real LibreOffice is in the middle of a conversion, and afterwards no
``soffice.bin`` of theirs runs and no ``apdocs-lo-*`` profile folder of theirs is left in the temporary directory.

LibreOffice is frozen (SIGSTOP) once it has been sent the document, so the kill certainly lands mid-conversion.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.documents import services
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.documents.test_converter_pool import libreoffice  # noqa: F401 - skips without LibreOffice
from tests.server.conftest import poll, process_gone, start_server  # noqa: F401 - the real `apdocs serve`

pytestmark = pytest.mark.usefixtures("default_templates")


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(
        provider=provider, pupil=factories.PupilFactory(organisation=school), status=PlacementStatus.AGREED
    )


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> set[int]:
    """Every live process below ``root`` (children, their children, ...)."""
    parents = {int(entry): _ppid(int(entry)) for entry in os.listdir("/proc") if entry.isdigit()}
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {pid for pid in found if not process_gone(pid)}


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def profile_folder(pid: int) -> Path:
    """The ``apdocs-lo-*`` folder a soffice.bin runs from (its ``-env:UserInstallation=file:///…/profile``)."""
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    (profile,) = [arg.decode() for arg in args if arg.startswith(b"-env:UserInstallation=file://")]
    return Path(profile.removeprefix("-env:UserInstallation=file://")).parent


def soffice_under(root: int) -> int | None:
    found = [pid for pid in descendants(root) if comm(pid) == "soffice.bin"]
    return found[0] if found else None


def request(placement, db_session) -> int:  # type: ignore[no-untyped-def]
    document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, _output())
    db_session.commit()
    return document.id


def _output() -> Path:
    from flask import current_app

    return Path(current_app.config["APDOCS_OUTPUT_DIR"])


def enqueue(env: dict[str, str], document_id: int) -> None:
    """Another process enqueues, as the web request does after its commit (this test's own queue is immediate)."""
    subprocess.run(  # noqa: S603 - this Python, this package
        [sys.executable, "-c", f"from service.documents.jobs import produce_document; produce_document({document_id})"],
        env=env,
        check=True,
        timeout=180,
    )


def status_of(db_session, document_id: int) -> DocumentStatus:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(sa.select(Document.status).where(Document.id == document_id))


def frozen_mid_conversion(server, placement, db_session) -> tuple[int, int, Path]:  # type: ignore[no-untyped-def]
    """A worker whose LibreOffice is frozen while converting a document: (worker pid, soffice.bin pid, folder)."""
    worker = poll(server.worker_pid, "the worker process to start")
    first = request(placement, db_session)
    enqueue(server.env, first)
    poll(lambda: status_of(db_session, first) is DocumentStatus.READY, "the first document to be made")
    soffice = poll(lambda: soffice_under(worker), "the worker's LibreOffice")
    folder = profile_folder(soffice)
    assert folder.is_dir() and folder.name.startswith("apdocs-lo-")
    os.kill(soffice, signal.SIGSTOP)
    second = request(placement, db_session)
    enqueue(server.env, second)
    poll(lambda: status_of(db_session, second) is DocumentStatus.CONVERTING, "the second document to be converting")
    return worker, soffice, folder


def assert_cleaned_up(soffice: int, folder: Path) -> None:
    poll(lambda: process_gone(soffice), "the orphaned soffice.bin to go", deadline_s=60)
    poll(lambda: not folder.exists(), f"the profile folder {folder.name} to be removed", deadline_s=60)


@pytest.mark.parametrize("death", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped"])
def test_killing_the_server_mid_conversion_leaves_no_libreoffice(start_server, placement, db_session, death):  # type: ignore[no-untyped-def]  # noqa: F811
    server = start_server()
    worker, soffice, folder = frozen_mid_conversion(server, placement, db_session)

    server.process.send_signal(death)
    server.process.wait(timeout=120)

    poll(lambda: process_gone(worker), "the worker to stop")
    assert_cleaned_up(soffice, folder)


def test_killing_the_worker_mid_conversion_leaves_no_libreoffice(start_server, placement, db_session):  # type: ignore[no-untyped-def]  # noqa: F811
    server = start_server()
    worker, soffice, folder = frozen_mid_conversion(server, placement, db_session)

    os.kill(worker, signal.SIGKILL)

    assert_cleaned_up(soffice, folder)
    poll(lambda: (pid := server.worker_pid()) != worker and pid, "a new worker process")


def test_a_new_pool_sweeps_what_a_killed_process_group_left(start_server, placement, db_session):  # type: ignore[no-untyped-def]  # noqa: F811
    """The worker and its converter processes are SIGKILLed together (as the out-of-memory killer or `kill -9` of a
    whole service can): nobody is left to clean up, so the next pool does it when it starts."""
    server = start_server()
    worker, soffice, folder = frozen_mid_conversion(server, placement, db_session)
    survivors = [pid for pid in descendants(worker) if comm(pid) != "soffice.bin" and pid != soffice]
    for pid in [worker, *survivors]:
        os.kill(pid, signal.SIGSTOP)  # nobody may notice the others die
    for pid in [worker, *survivors]:
        os.kill(pid, signal.SIGKILL)
    oosplash = [pid for pid in survivors if comm(pid) == "oosplash"]
    for pid in oosplash:
        poll(lambda pid=pid: process_gone(pid), "oosplash to die")
    assert not process_gone(soffice), "the frozen soffice.bin was left behind, as by a kill of the whole service"

    third = request(placement, db_session)
    enqueue(server.env, third)
    poll(lambda: status_of(db_session, third) is DocumentStatus.READY, "the new worker to make a document")
    assert_cleaned_up(soffice, folder)
    assert tempfile.gettempdir() == str(folder.parent)


def test_the_sweep_removes_only_what_a_dead_owner_left(libreoffice, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    """A new pool's sweep leaves a live pool's instance running and removes a folder whose owner has exited."""
    from service.documents.engine.converter import ConverterPool
    from tests.documents.test_converter_pool import settings

    gone = subprocess.run(  # noqa: S603 - a process that has exited: its pid is nobody's now
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    stale = Path(tempfile.mkdtemp(prefix="apdocs-lo-9-"))
    (stale / "profile").mkdir()
    (stale / "owner").write_text(f"{int(gone.stdout)} 1\n")
    with ConverterPool(settings(size=1)) as live:
        live.start()
        folder = Path(live._slots[0].workdir)
        (soffice,) = live.process_ids()["soffice"]

        with ConverterPool(settings(size=1)):
            pass

        assert folder.is_dir() and not process_gone(soffice)
        assert live.stats()["alive"] == 1
        assert not stale.exists()
