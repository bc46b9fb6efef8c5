"""Converter benchmark: warm LibreOffice pool vs one ``soffice --convert-to pdf`` process per document.

``run(emit)`` prints JSON lines through ``emit(name, value, unit, **extra)``:

* ``convert_ms_p50`` / ``convert_ms_p95``: one document at a time through a warm pool (30 conversions);
* ``convert_batch_docs_per_s``: 100 documents over the pool with one thread per slot, with ``baseline``
  (docs/s of a new ``soffice --headless --convert-to pdf`` per document, each with its own profile,
  measured on 5 documents) and ``ratio``;
* ``convert_pool_peak_rss_mb``: peak resident memory of the whole pool (workers + LibreOffice processes).

Runnable alone: ``.venv/bin/python bench/converter.py``. Pool size follows ``APDOCS_CONVERTER_POOL_SIZE``
(default: the CPU count, 2 on a 2-core machine).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEQUENTIAL = 30
BATCH = 100
BASELINE = 5


def emit(name: str, value: float, unit: str, **extra: float) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, **extra}), flush=True)


def build_docx(path: Path) -> Path:
    """A ~4-page agreement-like document: headings, tables and paragraphs."""
    import docx

    document = docx.Document()
    document.add_heading("Alternative provision placement agreement", level=0)
    text = (
        "The commissioning school and the provider agree the arrangements below for the pupil's placement, "
        "including attendance, safeguarding, curriculum and review. Both parties will share information "
        "promptly and record any change in writing. "
    )
    for section in range(1, 7):
        document.add_heading(f"{section}. Section heading number {section}", level=1)
        for _ in range(3):
            document.add_paragraph(text * 2)
        if section % 2:
            table = document.add_table(rows=6, cols=4)
            table.style = "Table Grid"
            for row in range(6):
                for col in range(4):
                    table.cell(row, col).text = "Heading" if row == 0 else f"Cell {row}.{col}"
        document.add_paragraph("Notes:", style="List Bullet")
        document.add_paragraph("Review every six weeks.", style="List Bullet")
    document.save(path)
    return path


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def baseline_docs_per_s(src: Path, work: Path, soffice: str) -> float:
    """New soffice process per document, each with its own fresh profile (as a naive service would)."""
    elapsed = 0.0
    for i in range(BASELINE):
        profile = work / f"profile-{i}"
        out = work / f"baseline-{i}"
        out.mkdir()
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(src),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
        elapsed += time.perf_counter() - started
        if not (out / f"{src.stem}.pdf").exists():
            raise RuntimeError("soffice --convert-to produced no PDF")
        shutil.rmtree(profile, ignore_errors=True)
    return BASELINE / elapsed


def run(emit=emit) -> float | None:
    """Emit the converter figures; return the per-document ``soffice`` baseline (docs/s) for other benches."""
    from service.documents.engine.converter import ConverterPool, PoolSettings, uno_python_available

    settings = PoolSettings.from_env()
    if not uno_python_available(settings) or shutil.which(settings.soffice) is None:
        print(f"converter bench skipped: needs {settings.soffice} and uno in {settings.uno_python}", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory(prefix="apdocs-bench-") as tmp:
        work = Path(tmp)
        src = build_docx(work / "agreement.docx")
        with ConverterPool(settings) as pool:
            pool.start()
            pool.convert(src, work / "warm-up.pdf")  # first document on an instance loads the filters
            timings = []
            for i in range(SEQUENTIAL):
                started = time.perf_counter()
                pool.convert(src, work / f"seq-{i}.pdf")
                timings.append((time.perf_counter() - started) * 1000)
            emit("convert_ms_p50", statistics.median(timings), "ms", size=settings.size)
            emit("convert_ms_p95", percentile(timings, 0.95), "ms", size=settings.size)

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=settings.size) as executor:
                list(executor.map(lambda i: pool.convert(src, work / f"batch-{i}.pdf"), range(BATCH)))
            batch = BATCH / (time.perf_counter() - started)
            stats = pool.stats()
        baseline = baseline_docs_per_s(src, work, settings.soffice)
        emit(
            "convert_batch_docs_per_s",
            batch,
            "docs/s",
            baseline=round(baseline, 3),
            ratio=round(batch / baseline, 2),
            threads=settings.size,
            documents=BATCH,
        )
        emit("convert_pool_peak_rss_mb", stats["peak_rss_mb"], "MB", size=settings.size, restarts=stats["restarts"])
        return baseline


if __name__ == "__main__":
    run(emit)
