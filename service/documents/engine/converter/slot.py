"""One slot of the converter pool: a worker process (``uno_worker.py`` under the system Python with ``uno``) that
owns one warm ``soffice``, started when first needed, killed with its whole process group, and asked to convert one
document at a time over JSON lines with a deadline on every wait (see ``pool.py`` for the whole design)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import deque
from pathlib import Path

from service.documents.engine.child_env import ask_to_quit, minimal_environment
from service.documents.engine.converter.leftovers import write_owner
from service.documents.engine.converter.processes import group_members, process_alive
from service.documents.engine.converter.settings import DISK_FULL, PoolSettings

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")


#: What a user is told, by what went wrong (``SlotFailure.kind``); the detail goes to the log only.
PLAIN = {
    "timeout": "The PDF converter took too long with this document. Try again; if it fails again, tell your "
    "administrator",
    "crash": "The PDF converter stopped while making this document. Try again; if it fails again, tell your "
    "administrator",
    "start_failed": "The PDF converter could not be started. Try again later, or tell your administrator",
    "disk_full": DISK_FULL,
    "open": "The document could not be turned into a PDF: LibreOffice could not read it. Check the Word "
    "template; if it looks right, tell your administrator",
    "export": "The document could not be turned into a PDF. Try again; if it fails again, tell your administrator",
    "closed": "The PDF converter was stopping. Try again",
}


class SlotFailure(Exception):
    """One attempt failed; ``retry`` says whether another instance might succeed, ``kind`` what went wrong
    (a key of ``PLAIN``), ``reason`` the detail for engineers and the log."""

    def __init__(self, reason: str, retry: bool, kind: str = "crash") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.kind = kind

    @property
    def plain(self) -> str:
        return PLAIN.get(self.kind, PLAIN["export"])


def out_of_space(*folders: Path | str | None) -> bool:
    """Whether any of ``folders`` is on a full file system: writing 64 kB there fails with ENOSPC or EDQUOT.

    LibreOffice reports a full disk as a general I/O error (``SfxBaseModel::impl_store … 0x20d``), the same code as
    other write failures, so the pool asks the file system instead of reading LibreOffice's message."""
    for folder in folders:
        if not folder or not os.path.isdir(folder):
            continue
        try:
            with tempfile.TemporaryFile(dir=folder) as probe:
                probe.write(b"\0" * 65536)
                probe.flush()
                os.fsync(probe.fileno())
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                return True
    return False


class Slot:
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
                raise SlotFailure("the converter pool is closed", retry=False, kind="closed")
            try:
                self.workdir = tempfile.mkdtemp(prefix=f"apdocs-lo-{self.index}-")
                write_owner(self.workdir)  # for the sweep, should this process die without removing it
            except OSError as exc:
                self._remove_leftovers()
                full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
                raise SlotFailure(
                    f"could not create LibreOffice's profile folder: {exc.strerror}",
                    retry=True,
                    kind="disk_full" if full else "start_failed",
                ) from exc
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
                "--workdir",
                self.workdir,
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
                raise SlotFailure(
                    f"could not start the converter worker with {self.settings.uno_python}: {exc}",
                    retry=False,
                    kind="start_failed",
                ) from exc
            process, replies = self.process, self.replies
        threading.Thread(target=self._read_stdout, args=(process, replies), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(process,), daemon=True).start()
        message = self._wait(self.settings.start_timeout_s + 5)
        if message is None:
            self.kill()
            raise SlotFailure(
                f"LibreOffice did not start within {self.settings.start_timeout_s:g} s", retry=True, kind="start_failed"
            )
        if message is EOFError or message.get("event") != "ready":
            error = message.get("error") if isinstance(message, dict) else None
            self.kill()
            detail = error or self._stderr_summary() or "the worker exited"
            full = out_of_space(tempfile.gettempdir())
            raise SlotFailure(
                f"LibreOffice could not start: {detail}", retry=True, kind="disk_full" if full else "start_failed"
            )
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
                raise SlotFailure("the converter pool is closed", retry=False, kind="closed")
            self.next_id += 1
            rid = self.next_id
        request = {"id": rid, "src": str(src), "dst": str(tmp), "pdf_a": pdf_a}
        try:
            assert process.stdin is not None
            process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            process.stdin.flush()
        except (OSError, ValueError) as exc:
            self.kill()
            raise SlotFailure(f"LibreOffice stopped unexpectedly ({exc})", retry=True) from exc
        deadline = time.monotonic() + self.settings.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            reply = self._wait(max(remaining, 0)) if remaining > 0 else None
            if reply is None:
                self.kill()
                raise SlotFailure(
                    f"LibreOffice did not finish converting within {self.settings.timeout_s:g} s",
                    retry=True,
                    kind="timeout",
                )
            if reply is EOFError:
                detail = self._stderr_summary()
                self.kill()
                raise SlotFailure(
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
        if kind in ("open", "export") and out_of_space(tmp.parent, self.workdir):
            # Not the document's fault either: the same document converts once there is space again.
            raise SlotFailure(f"no space left to write the PDF: {error}", retry=False, kind="disk_full")
        if kind == "open":
            raise SlotFailure(f"LibreOffice could not open the document: {error}", retry=False, kind="open")
        if kind == "export":
            raise SlotFailure(f"LibreOffice could not export the document to PDF: {error}", retry=False, kind="export")
        self.kill()
        raise SlotFailure(f"LibreOffice stopped unexpectedly while converting ({error})", retry=True)

    def pgid(self) -> int | None:
        process = self.process
        return process.pid if process is not None else None
