"""End-to-end document bench: the AP Support Plan rendered, converted and stored, as the worker does it.

Emits ``render_ms`` (docxtpl only), ``end_to_end_ms_p50`` / ``end_to_end_ms_p95`` (request, render,
convert to PDF/A, store, one at a time, warm pool) and ``batch_docs_per_s`` (100 documents over the
pool, one thread per instance), with the per-document ``soffice`` baseline and the ratio when given.
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

LONG_ANSWER = (
    "Ellie has found the return to school after a long absence hard & has said she feels 'lost' in big "
    "classes. Staff have noticed she works well in small groups, with practical tasks and clear routines.\n\n"
) * 12


def run(emit) -> None:  # type: ignore[no-untyped-def]
    os.environ.setdefault("APDOCS_SECRET_KEY", "bench-only-secret")
    from converter import baseline_docs_per_s

    from service import create_app
    from service.cli import migrate_database
    from service.documents import services, templates
    from service.documents.converter import ConverterPool, PoolSettings
    from service.documents.jobs import worker_threads
    from service.documents.rendering import render_docx
    from service.documents.types import DocumentType
    from service.extensions import db
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
            template = (templates.template_store(output) / f"{first.template_sha256}.docx").read_bytes()
            context = first.context
            timings = []
            for _ in range(RENDERS):
                started = time.perf_counter()
                render_docx(template, context)
                timings.append((time.perf_counter() - started) * 1000)
            emit("render_ms", statistics.median(timings), "ms", renders=RENDERS)

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


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)
