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

Failure handling
    * Every worker is started with ``start_new_session=True``, so worker, ``oosplash`` and
      ``soffice.bin`` share one process group, and stopping a slot is one ``os.killpg(SIGKILL)``
      (SIGKILL also ends a SIGSTOPped process). No orphan ``soffice`` survives its slot.
    * Before a request the slot checks that the worker and its ``soffice.bin`` are alive; a dead
      idle instance is replaced without spending a retry.
    * A conversion that passes ``timeout_s`` (hung LibreOffice), an EOF from the worker, or a
      ``fatal`` reply (``DisposedException``, the bridge went away, soffice exited) kills the slot's
      process group; the document is retried ``retries`` times on a fresh instance.
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
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from service.documents.engine.child_env import ask_to_quit, minimal_environment

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


class ConversionFailed(Exception):
    """A document could not be converted; ``reason`` is readable by a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _default_pool_size() -> int:
    cpus = os.cpu_count() or 1
    return min(cpus, 2) if cpus <= 2 else cpus


@dataclass(frozen=True)
class PoolSettings:
    size: int = field(default_factory=_default_pool_size)
    timeout_s: float = 60.0
    max_docs_per_instance: int = 200
    retries: int = 1
    uno_python: str = "/usr/bin/python3"
    soffice: str = "soffice"
    start_timeout_s: float = 60.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> PoolSettings:
        env = os.environ if environ is None else environ

        def number(name: str, default, cast):
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = cast(raw)
            except ValueError as exc:
                raise ValueError(f"{name} must be a number, got {raw!r}") from exc
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {raw!r}")
            return value

        return cls(
            size=number("APDOCS_CONVERTER_POOL_SIZE", _default_pool_size(), int),
            timeout_s=number("APDOCS_CONVERTER_TIMEOUT_S", 60.0, float),
            max_docs_per_instance=number("APDOCS_CONVERTER_MAX_DOCS", 200, int),
            uno_python=env.get("APDOCS_UNO_PYTHON", "").strip() or "/usr/bin/python3",
            soffice=env.get("APDOCS_SOFFICE", "").strip() or "soffice",
            start_timeout_s=number("APDOCS_CONVERTER_START_TIMEOUT_S", 60.0, float),
        )


def uno_python_available(settings: PoolSettings | None = None) -> bool:
    """Can ``settings.uno_python`` ``import uno``?"""
    settings = settings or PoolSettings()
    try:
        result = subprocess.run(  # noqa: S603
            [settings.uno_python, "-I", "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def soffice_available(settings: PoolSettings | None = None) -> bool:
    """Is ``settings.soffice`` an executable (a path, or a name on PATH)?"""
    settings = settings or PoolSettings()
    return shutil.which(settings.soffice) is not None


# --------------------------------------------------------------------------------------------------
# /proc helpers (Linux)


def _proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, pgid) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def process_alive(pid: int | None) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    if not pid:
        return False
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def group_members(pgids: set[int]) -> list[int]:
    """Live (non-zombie) processes whose process group is one of ``pgids``."""
    if not pgids:
        return []
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        stat = _proc_stat(int(entry))
        if stat and stat[2] in pgids and stat[0] not in ("Z", "X"):
            members.append(int(entry))
    return members


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0


# --------------------------------------------------------------------------------------------------


class _SlotFailure(Exception):
    """One attempt failed; ``retry`` says whether another instance might succeed."""

    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class _Slot:
    """One worker subprocess and its LibreOffice. Used by one thread at a time (the pool's queue)."""

    def __init__(self, index: int, settings: PoolSettings) -> None:
        self.index = index
        self.settings = settings
        self.lock = threading.Lock()  # guards process state against close() from another thread
        self.process: subprocess.Popen | None = None
        self.workdir: str | None = None  # profile/ and tmp/ of this instance; removed when it stops
        self.pipe: str | None = None
        self.soffice_pid: int | None = None
        self.replies: queue.Queue = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=20)
        self.docs = 0
        self.next_id = 0
        self.closed = False

    # -- life cycle ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self) -> bool:
        return self.running and process_alive(self.soffice_pid)

    def start(self) -> None:
        with self.lock:
            if self.closed:
                raise _SlotFailure("the converter pool is closed", retry=False)
            self.workdir = tempfile.mkdtemp(prefix=f"apdocs-lo-{self.index}-")
            self.pipe = f"apdocs_{os.getpid()}_{self.index}_{uuid.uuid4().hex[:12]}"
            self.replies = queue.Queue()
            self.stderr_tail.clear()
            self.docs = 0
            cmd = [
                self.settings.uno_python,
                "-I",
                str(WORKER_SCRIPT),
                "--soffice",
                self.settings.soffice,
                "--profile",
                os.path.join(self.workdir, "profile"),
                "--tmpdir",
                os.path.join(self.workdir, "tmp"),
                "--pipe",
                self.pipe,
                "--start-timeout",
                str(self.settings.start_timeout_s),
            ]
            try:
                self.process = subprocess.Popen(  # noqa: S603
                    cmd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                    close_fds=True,
                    # Never the service's environment (secret key, database URL, SMTP password): see child_env.
                    env=minimal_environment(self.workdir, os.path.join(self.workdir, "tmp")),
                )
            except OSError as exc:
                self._remove_leftovers()
                raise _SlotFailure(
                    f"could not start the converter worker with {self.settings.uno_python}: {exc}", retry=False
                ) from exc
            process, replies = self.process, self.replies
        threading.Thread(target=self._read_stdout, args=(process, replies), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(process,), daemon=True).start()
        message = self._wait(self.settings.start_timeout_s + 5)
        if message is None:
            self.kill()
            raise _SlotFailure(f"LibreOffice did not start within {self.settings.start_timeout_s:g} s", retry=True)
        if message is EOFError or message.get("event") != "ready":
            error = message.get("error") if isinstance(message, dict) else None
            self.kill()
            detail = error or self._stderr_summary() or "the worker exited"
            raise _SlotFailure(f"LibreOffice could not start: {detail}", retry=True)
        self.soffice_pid = message.get("soffice_pid")

    def _read_stdout(self, process: subprocess.Popen, replies: queue.Queue) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            try:
                replies.put(json.loads(raw))
            except ValueError:
                self.stderr_tail.append("unexpected output: " + raw.decode("utf-8", "replace").strip())
        replies.put(EOFError)
        with contextlib.suppress(OSError):
            process.stdout.close()

    def _read_stderr(self, process: subprocess.Popen) -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self.stderr_tail.append(line)
        with contextlib.suppress(OSError):
            process.stderr.close()

    def _stderr_summary(self) -> str:
        lines = [line for line in self.stderr_tail if "javaldx" not in line]
        return " | ".join(lines[-3:])

    def _wait(self, timeout: float):
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self, grace_s: float = 10.0) -> None:
        """Ask the worker to quit (it terminates LibreOffice), then kill whatever is left."""
        with self.lock:
            process = self.process
        ask_to_quit(process, grace_s)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the slot's whole process group and forget it. Safe to call twice, from any thread."""
        with self.lock:
            process, self.process = self.process, None
            self.soffice_pid = None
            if process is None:
                self._remove_leftovers()
                return
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(OSError, ValueError):
                if process.stdin is not None:
                    process.stdin.close()  # stdout/stderr are closed by their reader threads at EOF
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            # Grandchildren (oosplash, soffice.bin) were reparented when the worker died; make sure
            # none survived the group kill (e.g. one that was stopped and is being torn down).
            deadline = time.monotonic() + 5
            while group_members({process.pid}) and time.monotonic() < deadline:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                time.sleep(0.02)
            self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """Delete the instance's profile and scratch files and its UNO pipe socket (left if it was killed)."""
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        if self.pipe:
            for folder in ("/tmp", "/var/tmp"):  # noqa: S108  (where LibreOffice's osl puts pipe sockets)
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, f"OSL_PIPE_{os.getuid()}_{self.pipe}"))
            self.pipe = None

    # -- conversion ---------------------------------------------------------------------------------

    def convert(self, src: Path, tmp: Path, pdf_a: bool) -> None:
        with self.lock:
            process = self.process
            if self.closed or process is None:
                raise _SlotFailure("the converter pool is closed", retry=False)
            self.next_id += 1
            rid = self.next_id
        request = {"id": rid, "src": str(src), "dst": str(tmp), "pdf_a": pdf_a}
        try:
            assert process.stdin is not None
            process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            process.stdin.flush()
        except (OSError, ValueError) as exc:
            self.kill()
            raise _SlotFailure(f"LibreOffice stopped unexpectedly ({exc})", retry=True) from exc
        deadline = time.monotonic() + self.settings.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            reply = self._wait(max(remaining, 0)) if remaining > 0 else None
            if reply is None:
                self.kill()
                raise _SlotFailure(
                    f"LibreOffice did not finish converting within {self.settings.timeout_s:g} s", retry=True
                )
            if reply is EOFError:
                detail = self._stderr_summary()
                self.kill()
                raise _SlotFailure(
                    "LibreOffice stopped unexpectedly while converting" + (f" ({detail})" if detail else ""),
                    retry=True,
                )
            if reply.get("id") == rid:
                break
        self.docs += 1
        if reply.get("ok"):
            return
        kind, error = reply.get("kind"), reply.get("error") or "no detail"
        if kind in ("open", "export") and not self.healthy():
            kind = "fatal"  # the instance died under the document: not the document's fault
        if kind == "open":
            raise _SlotFailure(f"LibreOffice could not open the document: {error}", retry=False)
        if kind == "export":
            raise _SlotFailure(f"LibreOffice could not export the document to PDF: {error}", retry=False)
        self.kill()
        raise _SlotFailure(f"LibreOffice stopped unexpectedly while converting ({error})", retry=True)

    def pgid(self) -> int | None:
        process = self.process
        return process.pid if process is not None else None


class _Resources:
    """What the finalizer needs to clean up; must not reference the pool itself."""

    def __init__(self, slots: list[_Slot]) -> None:
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

    def __init__(self, settings: PoolSettings | None = None) -> None:
        self.settings = settings or PoolSettings.from_env()
        if self.settings.size < 1:
            raise ValueError("PoolSettings.size must be at least 1")
        self._slots = [_Slot(i, self.settings) for i in range(self.settings.size)]
        self._idle: queue.Queue[_Slot] = queue.Queue()
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
        errors: list[str] = []

        def warm(slot: _Slot) -> None:
            try:
                if not slot.healthy():
                    self._start_slot(slot)
            except _SlotFailure as exc:
                errors.append(exc.reason)

        threads = [threading.Thread(target=warm, args=(slot,)) for slot in taken]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for slot in taken:
            self._idle.put(slot)
        self._sample_rss()
        if errors:
            raise ConversionFailed(errors[0])

    def convert(self, docx: Path | str, pdf: Path | str, pdf_a: bool = True) -> None:
        """Convert ``docx`` to ``pdf`` (PDF/A-2b unless ``pdf_a`` is false). Blocks; thread-safe."""
        self._check_open()
        src = Path(docx).resolve()
        target = Path(pdf).resolve()
        self._check_input(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.part")
        attempts = 1 + max(self.settings.retries, 0)
        reason = "no attempt was made"
        try:
            for _attempt in range(attempts):
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
                except _SlotFailure as exc:
                    if self._closed:
                        reason = "the converter pool was closed before the conversion finished"
                        break
                    reason = exc.reason
                    self._count_failure(reason)
                    if not exc.retry:
                        break
                finally:
                    self._idle.put(slot)
            with self._lock:
                self._failed += 1
            raise ConversionFailed(reason)
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
            raise ConversionFailed("the converter pool is closed")

    @staticmethod
    def _check_input(src: Path) -> None:
        if not src.is_file():
            raise ConversionFailed(f"the document {src.name} does not exist")
        if not zipfile.is_zipfile(src):
            raise ConversionFailed(f"{src.name} is not a Word .docx file (it is not a ZIP package)")
        try:
            with zipfile.ZipFile(src) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise ConversionFailed(f"{src.name} is not a readable Word .docx file ({exc})") from exc
        if "word/document.xml" not in names:
            raise ConversionFailed(f"{src.name} is not a Word .docx file (it has no word/document.xml)")

    def _prepare(self, slot: _Slot) -> None:
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
        if slot.process is None:
            self._start_slot(slot)

    def _start_slot(self, slot: _Slot) -> None:
        slot.start()
        with self._lock:
            self._starts += 1
        self._sample_rss()

    def _count_failure(self, reason: str) -> None:
        with self._lock:
            if "did not finish converting" in reason:
                self._timeouts += 1
                self._restarts += 1
            elif "stopped unexpectedly" in reason:
                self._crashes += 1
                self._restarts += 1

    @staticmethod
    def _deliver(tmp: Path, target: Path) -> None:
        try:
            with open(tmp, "rb") as fh:
                head = fh.read(5)
        except OSError as exc:
            raise _SlotFailure("LibreOffice reported success but wrote no PDF", retry=True) from exc
        if head != b"%PDF-":
            raise _SlotFailure("LibreOffice wrote something that is not a PDF", retry=True)
        os.replace(tmp, target)

    def _current_rss_kb(self) -> int:
        pgids = {pgid for slot in self._slots if (pgid := slot.pgid())}
        return sum(_rss_kb(pid) for pid in group_members(pgids))

    def _sample_rss(self) -> None:
        current = self._current_rss_kb()
        with self._lock:
            self._peak_rss_kb = max(self._peak_rss_kb, current)


if sys.platform != "linux":  # pragma: no cover - the pool relies on /proc and process groups
    import warnings

    warnings.warn("service.documents.engine.converter.pool is only supported on Linux", RuntimeWarning, stacklevel=1)
