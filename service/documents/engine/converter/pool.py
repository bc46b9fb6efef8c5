"""A pool of warm LibreOffice instances converting DOCX to PDF (plain or PDF/A-2b).

Why a pool
    Starting ``soffice --convert-to pdf`` per document costs about 1.9 s here; a warm instance
    driven over UNO converts the same 4-page document in about 250 ms, and two instances on a
    2-core machine give about 7 documents/s (see docs/converter.md and bench/converter.py).

Shape
    ``ConverterPool`` has ``size`` slots. A slot is one *worker* subprocess
    (``/usr/bin/python3 -I uno_worker.py``: the system Python that has ``python3-uno``; the
    service's own Python cannot ``import uno``) which starts and owns one ``soffice`` with its own
    temporary profile directory (two instances sharing a profile silently lose documents). The pool
    and a worker speak JSON lines over the worker's stdin/stdout; a reader thread per worker turns
    its stdout into a queue so every wait has a deadline.

    Idle slots sit in a ``queue.Queue``: ``convert()`` takes one (blocking while all are busy),
    starts it if it is not running (slots start lazily, or all at once with ``start()``), sends the
    request, waits at most ``timeout_s`` for the reply and puts the slot back.

    The pieces: this module (the pool: slots, retries, delivery of the PDF, statistics), ``slot.py`` (one worker
    and its ``soffice``), ``processes.py`` (what /proc says about them) and ``settings.py`` (``PoolSettings``,
    ``ConversionFailed``, and whether LibreOffice and ``uno`` are installed).

Failure handling
    * Every worker is started with ``start_new_session=True``, so worker, ``oosplash`` and
      ``soffice.bin`` share one process group, and stopping a slot is one ``os.killpg(SIGKILL)``
      (SIGKILL also ends a SIGSTOPped process). No orphan ``soffice`` survives its slot.
    * Before a request the slot checks that the worker and its ``soffice.bin`` are alive; a dead
      idle instance is replaced without spending a retry.
    * A conversion that passes ``timeout_s`` (hung LibreOffice), an EOF from the worker, or a
      ``fatal`` reply (``DisposedException``, the bridge went away, soffice exited) kills the slot's
      process group; the document is retried ``retries`` times on a fresh instance, after a back-off
      (``retry_backoff_s``, doubling). When every attempt failed so, ``ConversionFailed.transient`` is true and
      the caller's job may try again later.
    * A full disk (LibreOffice's store fails and writing to that folder fails with ENOSPC) is told to the user
      plainly (``ConversionFailed.plain``); LibreOffice's own text stays in ``reason`` and the log.
    * Every failed attempt is logged (no document name) and counted in ``events`` (``events.py``), which the web
      process's ``/healthz`` reads; a new pool first sweeps instances a dead process left (``leftovers.py``).
    * A document LibreOffice cannot open or export fails without retry (it would fail again) with
      ``ConversionFailed("LibreOffice could not open the document: ...")``.
    * After ``max_docs_per_instance`` documents an instance is recycled (quit cleanly, killed if it
      does not), bounding LibreOffice's slow memory growth.
    * The PDF is exported to a hidden temporary file next to the target and moved into place with
      ``os.replace`` only once it is complete and starts with ``%PDF``: a half-written PDF never
      appears at the target path. The temporary file is removed on every failure path.
    * ``close()`` is idempotent and also runs from a ``weakref.finalize`` (so at interpreter exit and
      when the pool is garbage collected): nothing depends on callers remembering to close.

Memory
    ``stats()["peak_rss_mb"]`` is the largest sum of VmRSS over every process in the pool's process
    groups (workers, oosplash, soffice.bin) seen so far; it is sampled after every start and
    conversion and on each ``stats()`` call. Shared library pages are counted once per process,
    so it overstates real use slightly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import sys
import threading
import time
import uuid
import weakref
import zipfile
from pathlib import Path

from service.documents.engine.converter import leftovers
from service.documents.engine.converter.events import ConverterEvents
from service.documents.engine.converter.processes import group_members, rss_kb
from service.documents.engine.converter.settings import ConversionFailed, PoolSettings
from service.documents.engine.converter.slot import PLAIN, Slot, SlotFailure, out_of_space

log = logging.getLogger(__name__)


class _Resources:
    """What the finalizer needs to clean up; must not reference the pool itself."""

    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots

    def shutdown(self, graceful: bool) -> None:
        for slot in self.slots:
            slot.closed = True
        if graceful:
            threads = [threading.Thread(target=slot.stop, args=(5.0,)) for slot in self.slots]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        for slot in self.slots:
            slot.kill()


def _finalize(resources: _Resources) -> None:
    resources.shutdown(graceful=False)


class ConverterPool:
    """Thread-safe DOCX→PDF conversion over ``settings.size`` warm LibreOffice instances."""

    def __init__(self, settings: PoolSettings | None = None, events: ConverterEvents | None = None) -> None:
        """``events``, when given, is where failures and restarts are counted for ``/healthz`` (another process)."""
        self.settings = settings or PoolSettings.from_env()
        if self.settings.size < 1:
            raise ValueError("PoolSettings.size must be at least 1")
        self.events = events
        # Instances a dead process left running (and their folders) are this pool's to clean: nobody else will.
        orphans = leftovers.sweep()
        if orphans and events is not None:
            for _ in range(orphans):
                events.record("orphan_removed")
        self._slots = [Slot(i, self.settings) for i in range(self.settings.size)]
        self._idle: queue.Queue[Slot] = queue.Queue()
        for slot in self._slots:
            self._idle.put(slot)
        self._resources = _Resources(self._slots)
        self._finalizer = weakref.finalize(self, _finalize, self._resources)
        self._lock = threading.Lock()
        self._closed = False
        self._converted = 0
        self._failed = 0
        self._restarts = 0
        self._recycles = 0
        self._timeouts = 0
        self._crashes = 0
        self._starts = 0
        self._peak_rss_kb = 0

    # -- public API ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start every instance now (in parallel) instead of on first use."""
        self._check_open()
        taken = [self._idle.get() for _ in self._slots]
        errors: list[tuple[SlotFailure, int]] = []

        def warm(slot: Slot) -> None:
            try:
                if not slot.healthy():
                    self._start_slot(slot)
            except SlotFailure as exc:
                errors.append((exc, slot.index))

        threads = [threading.Thread(target=warm, args=(slot,)) for slot in taken]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for slot in taken:
            self._idle.put(slot)
        self._sample_rss()
        for failure, index in errors:
            self._count_failure(failure, index, False)
        if errors:
            failure = errors[0][0]
            raise ConversionFailed(failure.reason, plain=failure.plain, transient=True)

    def convert(self, docx: Path | str, pdf: Path | str, pdf_a: bool = True) -> None:
        """Convert ``docx`` to ``pdf`` (PDF/A-2b unless ``pdf_a`` is false). Blocks; thread-safe."""
        self._check_open()
        src = Path(docx).resolve()
        target = Path(pdf).resolve()
        self._check_input(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.part")
        attempts = 1 + max(self.settings.retries, 0)
        failure: SlotFailure | None = None
        try:
            for attempt in range(attempts):
                if attempt and failure is not None:
                    self._back_off(attempt)
                slot = self._idle.get()
                try:
                    self._check_open()
                    self._prepare(slot)
                    with contextlib.suppress(FileNotFoundError):
                        tmp.unlink()
                    slot.convert(src, tmp, pdf_a)
                    self._deliver(tmp, target)
                    with self._lock:
                        self._converted += 1
                    self._sample_rss()
                    return
                except SlotFailure as exc:
                    if self._closed:
                        failure = SlotFailure(
                            "the converter pool was closed before the conversion finished", retry=False, kind="closed"
                        )
                        break
                    failure = exc
                    self._count_failure(exc, slot.index, attempt + 1 < attempts)
                    if not exc.retry:
                        break
                finally:
                    self._idle.put(slot)
            with self._lock:
                self._failed += 1
            if failure is None:  # pragma: no cover - attempts is at least one
                failure = SlotFailure("no attempt was made", retry=False, kind="export")
            transient = failure.kind in ("timeout", "crash", "start_failed", "disk_full", "closed")
            if transient:  # the converter's trouble; a document LibreOffice cannot read is its template's
                self._record("failed")
            raise ConversionFailed(failure.reason, plain=failure.plain, transient=transient)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def stats(self) -> dict:
        self._sample_rss()
        with self._lock:
            return {
                "size": self.settings.size,
                "alive": sum(1 for slot in self._slots if slot.healthy()),
                "converted": self._converted,
                "failed": self._failed,
                "restarts": self._restarts,
                "recycles": self._recycles,
                "crashes": self._crashes,
                "timeouts": self._timeouts,
                "starts": self._starts,
                "rss_mb": round(self._current_rss_kb() / 1024, 1),
                "peak_rss_mb": round(self._peak_rss_kb / 1024, 1),
            }

    def process_ids(self) -> dict[str, list[int]]:
        """Worker pids, soffice.bin pids and every pid in the pool's process groups (for tests, ops)."""
        workers = [pgid for slot in self._slots if (pgid := slot.pgid())]
        return {
            "workers": workers,
            "soffice": [slot.soffice_pid for slot in self._slots if slot.soffice_pid],
            "all": group_members(set(workers)),
        }

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop every instance (cleanly if possible, SIGKILL otherwise). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._resources.shutdown(graceful=True)
        self._finalizer.detach()

    def __enter__(self) -> ConverterPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise ConversionFailed("the converter pool is closed", plain=PLAIN["closed"], transient=True)

    @staticmethod
    def _check_input(src: Path) -> None:
        plain = PLAIN["open"]
        if not src.is_file():
            raise ConversionFailed(f"the document {src.name} does not exist", plain=plain)
        if not zipfile.is_zipfile(src):
            raise ConversionFailed(f"{src.name} is not a Word .docx file (it is not a ZIP package)", plain=plain)
        try:
            with zipfile.ZipFile(src) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise ConversionFailed(f"{src.name} is not a readable Word .docx file ({exc})", plain=plain) from exc
        if "word/document.xml" not in names:
            raise ConversionFailed(f"{src.name} is not a Word .docx file (it has no word/document.xml)", plain=plain)

    def _back_off(self, attempt: int) -> None:
        """Wait before trying again on a fresh instance: ``retry_backoff_s``, doubling with each attempt, so a machine
        short of memory or a LibreOffice still dying gets a moment. Returns early if the pool is closed."""
        delay = self.settings.retry_backoff_s * (2 ** (attempt - 1))
        deadline = time.monotonic() + delay
        while not self._closed and time.monotonic() < deadline:
            time.sleep(min(0.05, max(deadline - time.monotonic(), 0)))

    def _record(self, event: str) -> None:
        if self.events is not None:
            self.events.record(event)

    def _prepare(self, slot: Slot) -> None:
        """Make sure the slot has a healthy instance that has not reached its document limit."""
        if slot.running and slot.docs >= self.settings.max_docs_per_instance:
            slot.stop()
            with self._lock:
                self._recycles += 1
                self._restarts += 1
        if slot.process is not None and not slot.healthy():
            slot.kill()  # died while idle: replace it without spending a retry
            with self._lock:
                self._crashes += 1
                self._restarts += 1
            log.warning("converter instance %d had stopped while idle; starting a new one", slot.index)
            self._record("crash")
            self._record("restart")
        if slot.process is None:
            self._start_slot(slot)

    def _start_slot(self, slot: Slot) -> None:
        slot.start()
        with self._lock:
            self._starts += 1
        self._sample_rss()

    def _count_failure(self, failure: SlotFailure, index: int, will_retry: bool) -> None:
        """Count one failed attempt and tell the operator: the log (no document name, no path beyond the temporary
        files', which are named by document type, placement and version) and the shared events for ``/healthz``."""
        with self._lock:
            if failure.kind == "timeout":
                self._timeouts += 1
                self._restarts += 1
            elif failure.kind == "crash":
                self._crashes += 1
                self._restarts += 1
        if failure.kind in ("timeout", "crash", "start_failed", "disk_full"):
            self._record(failure.kind)
        if failure.kind in ("timeout", "crash"):
            self._record("restart")
        then = "trying again on a fresh instance" if will_retry and failure.retry else "giving up"
        level = logging.WARNING if failure.kind in ("open", "export", "closed") else logging.ERROR
        log.log(level, "converter instance %d failed (%s): %s; %s", index, failure.kind, failure.reason, then)

    @staticmethod
    def _deliver(tmp: Path, target: Path) -> None:
        try:
            with open(tmp, "rb") as fh:
                head = fh.read(5)
        except OSError as exc:
            if out_of_space(target.parent):
                raise SlotFailure("no space left: LibreOffice wrote no PDF", retry=False, kind="disk_full") from exc
            raise SlotFailure("LibreOffice reported success but wrote no PDF", retry=True) from exc
        if head != b"%PDF-":
            if out_of_space(target.parent):
                raise SlotFailure("no space left: the PDF is incomplete", retry=False, kind="disk_full")
            raise SlotFailure("LibreOffice wrote something that is not a PDF", retry=True)
        os.replace(tmp, target)

    def _current_rss_kb(self) -> int:
        pgids = {pgid for slot in self._slots if (pgid := slot.pgid())}
        return sum(rss_kb(pid) for pid in group_members(pgids))

    def _sample_rss(self) -> None:
        current = self._current_rss_kb()
        with self._lock:
            self._peak_rss_kb = max(self._peak_rss_kb, current)


if sys.platform != "linux":  # pragma: no cover - the pool relies on /proc and process groups
    import warnings

    warnings.warn("service.documents.engine.converter.pool is only supported on Linux", RuntimeWarning, stacklevel=1)
