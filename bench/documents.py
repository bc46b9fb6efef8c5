"""End-to-end document bench: the AP Support Plan rendered, converted and stored, as the worker does it.

Emits ``render_ms`` (docxtpl only, in this process), ``render_in_worker_ms`` and ``render_worker_overhead_ms``
(the same render through the render worker pool, as every render is made, and what that adds),
``end_to_end_ms_p50`` / ``end_to_end_ms_p95`` (request, render, convert to PDF/A, store, one at a time, warm
pool) and ``batch_docs_per_s`` (100 documents over the pool, one thread per instance), with the per-document
``soffice`` baseline and the ratio when given. Then the slowest realistic render of each default template (10,000
characters in every text field, 30 rows in every list), in a worker of its own: processor time, the worker's
memory above what it holds idle, and the size of the filled-in text: what the render limits' defaults are set
from (``settings.RenderLimits``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

SEQUENTIAL = 30
BATCH = 100
RENDERS = 20
WORST_TEXT = 10_000
WORST_ROWS = 30

LONG_ANSWER = (
    "Ellie has found the return to school after a long absence hard & has said she feels 'lost' in big "
    "classes. Staff have noticed she works well in small groups, with practical tasks and clear routines.\n\n"
) * 12


def run(emit) -> None:  # type: ignore[no-untyped-def]
    os.environ.setdefault("APDOCS_SECRET_KEY", "bench-only-secret")
    # Jobs run at once, in this process: the queue is built from this when service.queue is first imported.
    os.environ.setdefault("APDOCS_QUEUE_URL", "immediate")
    from converter import baseline_docs_per_s

    from service.app import create_app
    from service.documents import services, word_templates
    from service.documents.engine.converter import ConverterPool, PoolSettings
    from service.documents.engine.render_pool import RenderPool
    from service.documents.engine.rendering import render_docx
    from service.documents.jobs import worker_threads
    from service.documents.types import DocumentType
    from service.extensions import db
    from service.schema import migrate_database
    from service.settings import Settings
    from tests import factories

    with tempfile.TemporaryDirectory(prefix="apdocs-bench-docs-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrate_database(url)
        output = Path(tmp) / "output"
        app = create_app(replace(Settings.from_env(), database_url=url, instance_dir=Path(tmp), output_dir=output))
        settings = PoolSettings.from_env()
        with app.app_context(), ConverterPool(settings) as pool:
            school = factories.SchoolFactory(name="Bench Academy")
            pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
            for n in range(3):
                factories.ParentCarerFactory(pupil=pupil, name=f"Parent {n}", position=n)
            placement = factories.PlacementFactory(pupil=pupil, reason_for_referral=LONG_ANSWER)
            db.session.commit()

            first = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
            db.session.commit()
            template = word_templates.stored_template(output, first.template_sha256)
            context = first.context
            timings = []
            for _ in range(RENDERS):
                started = time.perf_counter()
                render_docx(template, context)
                timings.append((time.perf_counter() - started) * 1000)
            in_process = statistics.median(timings)
            emit("render_ms", in_process, "ms", renders=RENDERS)
            with RenderPool() as renderer:
                renderer.render(template, context)  # starts the worker
                timings = []
                for _ in range(RENDERS):
                    started = time.perf_counter()
                    renderer.render(template, context)
                    timings.append((time.perf_counter() - started) * 1000)
            in_worker = statistics.median(timings)
            emit("render_in_worker_ms", in_worker, "ms", renders=RENDERS)
            emit("render_worker_overhead_ms", in_worker - in_process, "ms", renders=RENDERS)
            _worst_renders(emit)

            pool.start()
            services.produce(first.id, pool, output)  # warm-up: the first document loads the filters
            pages = _pages(output / db.session.get(type(first), first.id).pdf_path)
            timings = []
            for _ in range(SEQUENTIAL):
                started = time.perf_counter()
                document = services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output)
                db.session.commit()
                services.produce(document.id, pool, output)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            emit("end_to_end_ms_p50", statistics.median(timings), "ms", pages=pages)
            emit("end_to_end_ms_p95", timings[int(len(timings) * 0.95) - 1], "ms", pages=pages)

            ids = []
            for _ in range(BATCH):
                ids.append(services.request_document(None, placement, DocumentType.SUPPORT_PLAN, output).id)
            db.session.commit()

            def produce(document_id: int) -> None:
                with app.app_context():
                    services.produce(document_id, pool, output)

            threads = worker_threads(settings.size)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=threads) as executor:
                list(executor.map(produce, ids))
            rate = BATCH / (time.perf_counter() - started)
            # The baseline on this same support plan: one new soffice process per document.
            plan = output / db.session.get(type(first), first.id).docx_path
            work = Path(tmp) / "baseline"
            work.mkdir()
            baseline = baseline_docs_per_s(plan, work, settings.soffice)
            emit(
                "batch_docs_per_s",
                rate,
                "docs/s",
                documents=BATCH,
                threads=threads,
                instances=settings.size,
                baseline=round(baseline, 3),
                ratio=round(rate / baseline, 2),
            )
            emit("pool_peak_rss_mb", pool.stats()["peak_rss_mb"], "MB", size=settings.size)


def _worst_renders(emit) -> None:  # type: ignore[no-untyped-def]
    """Each default template with the longest realistic context, each in a fresh worker, measured from /proc."""
    import io
    import zipfile

    from service.documents.engine.render_pool import RenderPool
    from service.documents.engine.sample_context import sample_context
    from service.documents.kinds import schema_for
    from service.documents.types import DocumentType
    from service.documents.word_templates import DEFAULT_TEMPLATES_DIR
    from service.settings import RenderLimits

    for doc_type in DocumentType:
        schema = schema_for(doc_type)
        if schema is None:
            continue
        context = sample_context(schema, text_length=WORST_TEXT, rows=WORST_ROWS, all_long=True)
        template = (DEFAULT_TEMPLATES_DIR / doc_type.default_template).read_bytes()
        with RenderPool(RenderLimits(workers=1)) as renderer:
            renderer.start()
            (pid,) = renderer.process_ids()
            idle_kb, cpu_before = _status_kb(pid, "VmRSS"), _cpu_s(pid)
            started = time.perf_counter()
            docx = renderer.render(template, context)
            wall_ms = (time.perf_counter() - started) * 1000
            cpu_ms = (_cpu_s(pid) - cpu_before) * 1000
            peak_mb = (_status_kb(pid, "VmHWM") - idle_kb) / 1024
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            text_mb = sum(info.file_size for info in package.infolist()) / (1024 * 1024)
        extra = {"type": doc_type.value, "text_chars": WORST_TEXT, "rows": WORST_ROWS}
        emit("render_worst_cpu_ms", cpu_ms, "ms", wall_ms=round(wall_ms), **extra)
        emit("render_worst_memory_mb", peak_mb, "MB", **extra)
        emit("render_worst_output_mb", text_mb, "MB", docx_mb=round(len(docx) / (1024 * 1024), 2), **extra)


def _status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    import os

    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)
