"""The DOCX→PDF converter pool against a real LibreOffice (no mocks).

Needs ``soffice`` and a Python that can ``import uno`` (``/usr/bin/python3`` with python3-uno). Outside
CI the tests skip with the reason when those are missing; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from service.documents.engine.converter import (
    ConversionFailed,
    ConverterPool,
    PoolSettings,
    soffice_available,
    uno_python_available,
)
from service.documents.engine.converter.processes import process_alive
from tests.helpers import require

BASE = PoolSettings.from_env()

EMOJI = "\U0001f600"
HOSTILE_LINES = [
    "Tom & Jerry <b>not bold</b> </w:t> &amp; ]]>",
    "\"double\" 'single' \u201ccurly\u201d \u2018quotes\u2019 \u00ab guillemets \u00bb",
    f"Smile {EMOJI} please",
    "Arabic: \u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 end",
]


def _long_paragraph() -> str:
    words, length, i = [], 0, 0
    while length < 10_000:
        word = f"w{i:05d}"
        words.append(word)
        length += len(word) + 1
        i += 1
    return " ".join(words)[:10_000].rsplit(" ", 1)[0]


LONG = _long_paragraph()


@pytest.fixture(scope="module", autouse=True)
def libreoffice():
    missing = []
    if not soffice_available(BASE):
        missing.append(f"LibreOffice ({BASE.soffice!r}) is not installed")
    if not uno_python_available(BASE):
        missing.append(f"{BASE.uno_python} cannot `import uno` (install python3-uno)")
    require("; ".join(missing))


def settings(**changes) -> PoolSettings:
    values = {"size": 1, "timeout_s": 30.0, "max_docs_per_instance": 200, "retries": 1}
    values.update(changes)
    return PoolSettings(**{**BASE.__dict__, **values})


def make_docx(path: Path, title: str = "Placement agreement", paragraphs: list[str] | None = None) -> Path:
    document = docx.Document()
    document.add_heading(title, level=1)
    for text in paragraphs or ["Pupil: Alex Example", "Provider: Example Provision Ltd"]:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Start", "1 September 2026"
    table.cell(1, 0).text, table.cell(1, 1).text = "Days", "Mon, Wed, Fri"
    document.save(path)
    return path


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def xmp(path: Path) -> str:
    root = PdfReader(path).trailer["/Root"]
    if "/Metadata" not in root:
        return ""
    return root["/Metadata"].get_object().get_data().decode("utf-8", "replace")


def soffice_pid(pool: ConverterPool) -> int:
    (pid,) = pool.process_ids()["soffice"]
    return pid


def wait_until_dead(pid: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        assert time.monotonic() < deadline, f"process {pid} is still alive"
        time.sleep(0.02)


def assert_only(directory: Path, names: set[str]) -> None:
    assert {p.name for p in directory.iterdir()} == names  # no output, no leftover .part file


@pytest.fixture(scope="module")
def shared_pool():
    with ConverterPool(settings(size=2)) as pool:
        pool.start()
        yield pool


@pytest.fixture
def pool():
    """A one-instance pool with a short timeout, for the crash and hang tests."""
    pool = ConverterPool(settings(size=1, timeout_s=5.0))
    yield pool
    pool.close()
    for pid in pool.process_ids()["all"]:
        assert not process_alive(pid)


# -- conversions -------------------------------------------------------------------------------------


def test_hostile_text_survives_conversion(shared_pool, tmp_path):
    src = make_docx(tmp_path / "hostile.docx", "Hostile <text> & co", [*HOSTILE_LINES, LONG])
    out = tmp_path / "hostile.pdf"

    shared_pool.convert(src, out)

    text = pdf_text(out)
    # The emoji is drawn with a fallback font; pypdf extracts it, but out of place (after the next
    # word: "Smile please😀"), so each line is compared without it and its presence checked apart.
    without_emoji = squash(text.replace(EMOJI, " "))
    for line in ["Hostile <text> & co", *HOSTILE_LINES, LONG]:
        assert squash(line.replace(EMOJI, " ")) in without_emoji
    assert EMOJI in text


def test_pdf_a_mode_declares_pdfa_2b_and_plain_mode_does_not(shared_pool, tmp_path):
    src = make_docx(tmp_path / "a.docx")
    shared_pool.convert(src, tmp_path / "a.pdf", pdf_a=True)
    shared_pool.convert(src, tmp_path / "plain.pdf", pdf_a=False)

    archival = xmp(tmp_path / "a.pdf")
    assert re.search(r"pdfaid:part(>|=\")\s*2", archival), archival[:500]
    assert re.search(r"pdfaid:conformance(>|=\")\s*B", archival)
    assert "pdfaid" not in xmp(tmp_path / "plain.pdf")


def test_two_threads_share_the_pool(shared_pool, tmp_path):
    sources = [make_docx(tmp_path / f"doc{i}.docx", f"Document number {i}") for i in range(6)]
    before = shared_pool.stats()["converted"]

    with ThreadPoolExecutor(max_workers=2) as executor:
        list(executor.map(lambda src: shared_pool.convert(src, src.with_suffix(".pdf")), sources))

    for i, src in enumerate(sources):
        assert f"Document number {i}" in pdf_text(src.with_suffix(".pdf"))
    stats = shared_pool.stats()
    assert stats["converted"] == before + 6
    assert stats["alive"] == 2
    assert 0 < stats["peak_rss_mb"] < 1000


def test_not_a_docx_fails_readably_and_writes_nothing(shared_pool, tmp_path):
    text_file = tmp_path / "notes.docx"
    text_file.write_text("just some text, not a Word file")
    with pytest.raises(ConversionFailed, match="not a Word .docx file"):
        shared_pool.convert(text_file, tmp_path / "notes.pdf")
    assert_only(tmp_path, {"notes.docx"})


def test_corrupt_docx_fails_readably_and_keeps_previous_output(shared_pool, tmp_path):
    corrupt = tmp_path / "corrupt.docx"
    with zipfile.ZipFile(corrupt, "w") as package:
        package.writestr("[Content_Types].xml", "<Types")
        package.writestr("word/document.xml", "<w:document><<< not xml")
    previous = tmp_path / "corrupt.pdf"
    previous.write_bytes(b"%PDF-1.7 previous version")

    with pytest.raises(ConversionFailed, match="LibreOffice could not open the document") as failure:
        shared_pool.convert(corrupt, previous)

    assert failure.value.reason.startswith("LibreOffice could not open the document: ")
    assert previous.read_bytes() == b"%PDF-1.7 previous version"
    assert_only(tmp_path, {"corrupt.docx", "corrupt.pdf"})
    assert shared_pool.stats()["alive"] == 2  # a bad document does not cost an instance


# -- crashes, hangs, recycling ------------------------------------------------------------------------


def test_soffice_killed_between_conversions_is_replaced(tmp_path):
    src = make_docx(tmp_path / "a.docx")
    # retries=0: an instance found dead before the request must be replaced without spending a retry.
    with ConverterPool(settings(retries=0)) as pool:
        pool.convert(src, tmp_path / "1.pdf")
        victim = soffice_pid(pool)
        os.kill(victim, signal.SIGKILL)
        wait_until_dead(victim)

        pool.convert(src, tmp_path / "2.pdf")

        assert "Placement agreement" in pdf_text(tmp_path / "2.pdf")
        assert soffice_pid(pool) != victim
        assert pool.stats()["restarts"] == 1


def test_soffice_killed_during_a_conversion_is_retried(pool, tmp_path):
    src = make_docx(tmp_path / "a.docx", paragraphs=[LONG] * 5)
    pool.start()
    victim = soffice_pid(pool)
    # Freeze it first so the kill lands while the request is certainly in progress.
    os.kill(victim, signal.SIGSTOP)
    worker = threading.Thread(target=pool.convert, args=(src, tmp_path / "a.pdf"))
    worker.start()
    time.sleep(0.5)
    os.kill(victim, signal.SIGKILL)
    worker.join(timeout=30)

    assert not worker.is_alive()
    assert "Placement agreement" in pdf_text(tmp_path / "a.pdf")
    stats = pool.stats()
    assert stats["restarts"] == 1
    assert stats["crashes"] == 1 and stats["timeouts"] == 0  # seen as a crash, not waited out as a hang
    wait_until_dead(victim)


def test_hung_soffice_times_out_and_a_fresh_instance_delivers(pool, tmp_path):
    src = make_docx(tmp_path / "a.docx")
    pool.start()
    old = pool.process_ids()
    victim = soffice_pid(pool)
    os.kill(victim, signal.SIGSTOP)

    started = time.monotonic()
    pool.convert(src, tmp_path / "a.pdf")
    elapsed = time.monotonic() - started

    assert "Placement agreement" in pdf_text(tmp_path / "a.pdf")
    assert 5.0 <= elapsed < 20.0
    stats = pool.stats()
    assert stats["timeouts"] == 1 and stats["restarts"] == 1
    for pid in old["all"]:  # the stopped soffice.bin and the rest of its process group are gone
        assert not process_alive(pid)
    assert_only(tmp_path, {"a.docx", "a.pdf"})


def test_hang_on_every_attempt_fails_with_readable_reason(tmp_path):
    src = make_docx(tmp_path / "a.docx")
    with ConverterPool(settings(timeout_s=2.0, retries=0)) as pool:
        pool.start()
        victim = soffice_pid(pool)
        os.kill(victim, signal.SIGSTOP)
        with pytest.raises(ConversionFailed, match=r"^LibreOffice did not finish converting within 2 s$"):
            pool.convert(src, tmp_path / "a.pdf")
        assert not process_alive(victim)
        assert_only(tmp_path, {"a.docx"})


def test_instance_is_recycled_after_max_docs(tmp_path):
    src = make_docx(tmp_path / "a.docx")
    with ConverterPool(settings(max_docs_per_instance=2)) as pool:
        pool.convert(src, tmp_path / "1.pdf")
        first = soffice_pid(pool)
        pool.convert(src, tmp_path / "2.pdf")
        pool.convert(src, tmp_path / "3.pdf")
        assert soffice_pid(pool) != first
        assert not process_alive(first)
        stats = pool.stats()
        assert stats["recycles"] == 1 and stats["converted"] == 3


def test_close_leaves_no_libreoffice_behind_and_is_idempotent(tmp_path):
    pool = ConverterPool(settings(size=2))
    assert pool.process_ids()["all"] == []  # lazy: nothing started yet
    pool.start()
    ids = pool.process_ids()
    assert len(ids["soffice"]) == 2 and set(ids["soffice"]) <= set(ids["all"])
    workdirs = [Path(slot.workdir) for slot in pool._slots]  # profile + scratch files of each instance
    assert all(workdir.is_dir() for workdir in workdirs)

    pool.close()
    pool.close()

    for pid in ids["all"]:
        assert not process_alive(pid), f"process {pid} survived close()"
    assert not any(workdir.exists() for workdir in workdirs)
    with pytest.raises(ConversionFailed, match="closed"):
        pool.convert(make_docx(tmp_path / "a.docx"), tmp_path / "a.pdf")


def test_killed_service_leaves_no_libreoffice_behind():
    """The service is SIGKILLed (no close, no atexit) while its LibreOffice hangs: the worker notices."""
    script = (
        "import os, signal\n"
        "from service.documents.engine.converter import ConverterPool, PoolSettings\n"
        f"pool = ConverterPool({settings()!r})\n"
        "pool.start()\n"
        "ids = pool.process_ids()\n"
        "print(' '.join(map(str, ids['all'])), flush=True)\n"
        "os.kill(ids['soffice'][0], signal.SIGSTOP)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    pids = [int(pid) for pid in result.stdout.split()]
    assert len(pids) == 3, result.stderr  # worker, oosplash, soffice.bin
    for pid in pids:
        wait_until_dead(pid, timeout=10)


def test_missing_libreoffice_fails_readably(tmp_path):
    with ConverterPool(settings(soffice=str(tmp_path / "no-soffice"), retries=0)) as pool:
        with pytest.raises(ConversionFailed, match="^LibreOffice could not start: .*no-soffice"):
            pool.convert(make_docx(tmp_path / "a.docx"), tmp_path / "a.pdf")
        assert pool.process_ids()["all"] == []
    assert_only(tmp_path, {"a.docx"})


# -- settings ------------------------------------------------------------------------------------------


def test_settings_from_env():
    settings = PoolSettings.from_env(
        {
            "APDOCS_CONVERTER_POOL_SIZE": "3",
            "APDOCS_CONVERTER_TIMEOUT_S": "12.5",
            "APDOCS_CONVERTER_MAX_DOCS": "50",
            "APDOCS_UNO_PYTHON": "/opt/py",
            "APDOCS_SOFFICE": "/opt/soffice",
        }
    )
    assert (settings.size, settings.timeout_s, settings.max_docs_per_instance) == (3, 12.5, 50)
    assert (settings.uno_python, settings.soffice) == ("/opt/py", "/opt/soffice")
    defaults = PoolSettings.from_env({})
    cpus = os.cpu_count() or 1
    assert defaults.size == (min(cpus, 2) if cpus <= 2 else cpus)
    assert (defaults.timeout_s, defaults.max_docs_per_instance) == (60.0, 200)
    assert (defaults.uno_python, defaults.soffice) == ("/usr/bin/python3", "soffice")
    with pytest.raises(ValueError, match="APDOCS_CONVERTER_TIMEOUT_S"):
        PoolSettings.from_env({"APDOCS_CONVERTER_TIMEOUT_S": "soon"})
    assert not uno_python_available(PoolSettings(uno_python="/nonexistent/python3"))
