"""Filling in Word templates in worker processes with limits, so no template can fail or exhaust the service.

An organisation's uploaded template is code that runs against children's data. The sandbox stops it reaching
Python's internals, but not from looping for ever or building gigabytes of text; in the embedded set-up the
process doing that is the one that serves the web. So the whole upload check with its trial render
(``upload_check.check_template``) and every production render (``services.produce``, hence ``apdocs render``)
happen here: in a small pool of persistent worker processes (``render_worker.py``), each limited by the kernel
to the processor time, memory and output size of ``settings.RenderLimits``, and watched by the clock.

Shape (modelled on the converter pool, ``converter/pool.py``)
    ``RenderPool`` has ``limits.workers`` slots, each one worker process started when first needed (a fresh
    Python per render would cost a few hundred ms of imports; a warm worker costs a few ms per render, measured
    in ``make bench``). Idle slots wait in a LIFO queue, so a quiet service keeps using one warm worker.
    ``render()`` takes a slot, sends the template and the context, and waits at most ``limits.timeout_s``.

Failures
    * over the processor time or memory limit: the worker answers, the pool kills it (a render stopped midway
      may leave it in any state) and raises :class:`RenderLimitExceeded`; the next render starts a fresh worker;
    * over the output limit: the worker answers and stays;
    * over the clock (stuck in C code, or a machine so busy the processor time never comes): the worker's
      process group is killed, :class:`RenderLimitExceeded` ("took longer than N seconds");
    * the worker dies: killed by ``SIGXCPU`` it counts as the processor time limit, anything else is "stopped
      unexpectedly"; the next render starts a fresh worker;
    * a template problem: :class:`RenderError` with the worker's readable reason.
    None of these messages holds a path, a traceback or the data.

Environment
    Workers start with a minimal environment (``child_env``): never the service's secret key, database URL or
    SMTP password. Each has its own temporary folder as ``HOME``, ``TMPDIR`` and working directory, removed
    when it stops.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from service.documents.engine.child_env import ask_to_quit, minimal_environment
from service.documents.engine.rendering import RenderError, RenderLimitExceeded, TemplateProblem, trial_limit_problem
from service.documents.engine.schema import Schema, schema_to_json
from service.settings import RenderLimits

log = logging.getLogger(__name__)

WORKER_SCRIPT = Path(__file__).with_name("render_worker.py")
#: A worker is replaced after this many renders, so slow growth of its memory never meets the limit.
MAX_RENDERS_PER_WORKER = 500
START_TIMEOUT_S = 60.0
STOPPED = "The template could not be filled in: the process filling it in stopped unexpectedly"
STOPPING = "The template could not be filled in: the service is stopping"


class _Failure(Exception):
    """The worker must be replaced; ``error`` is what the caller is told."""

    def __init__(self, error: RenderError) -> None:
        super().__init__(error.message)
        self.error = error


class _Slot:
    """One worker process. Used by one thread at a time (the pool's queue); ``kill`` may come from any thread."""

    def __init__(self, index: int, limits: RenderLimits, python: str) -> None:
        self.index, self.limits, self.python = index, limits, python
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.workdir: str | None = None
        self.replies: queue.Queue[Any] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=10)
        self.renders = 0
        self.next_id = 0
        self.closed = False

    @property
    def running(self) -> bool:
        process = self.process
        return process is not None and process.poll() is None

    @property
    def pid(self) -> int | None:
        process = self.process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        with self.lock:
            if self.closed:
                raise _Failure(RenderError(STOPPING))
            self.workdir = tempfile.mkdtemp(prefix=f"apdocs-render-{self.index}-")
            self.replies = queue.Queue()
            self.stderr_tail.clear()
            self.renders = 0
            command = [
                self.python,
                "-I",
                str(WORKER_SCRIPT),
                "--cpu-s",
                f"{self.limits.cpu_s:g}",
                "--memory-mb",
                str(self.limits.memory_mb),
                "--max-output-mb",
                str(self.limits.max_output_mb),
            ]
            try:
                self.process = subprocess.Popen(  # noqa: S603
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=self.workdir,
                    env=minimal_environment(self.workdir),
                    start_new_session=True,
                    close_fds=True,
                )
            except OSError as error:
                shutil.rmtree(self.workdir, ignore_errors=True)
                self.workdir = None
                raise _Failure(RenderError(f"The render worker could not start ({type(error).__name__})")) from error
            process, replies = self.process, self.replies
        max_payload = self.limits.max_output_mb * 1024 * 1024
        threading.Thread(target=self._read_stdout, args=(process, replies, max_payload), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(process,), daemon=True).start()
        reply = self._wait(START_TIMEOUT_S)
        if not isinstance(reply, tuple) or reply[0].get("event") != "ready":
            self.kill()
            detail = " | ".join(list(self.stderr_tail)[-3:]) or "it exited"
            raise _Failure(RenderError(f"The render worker could not start: {detail}"))

    @staticmethod
    def _read_stdout(process: subprocess.Popen[bytes], replies: queue.Queue[Any], max_payload: int) -> None:
        """Turn the worker's stdout into (header, payload) replies; EOFError when it ends or breaks the protocol."""
        out = process.stdout
        assert out is not None
        try:
            while True:
                line = out.readline(64 * 1024)
                if not line:
                    break
                header = json.loads(line)
                size = header.get("size", 0) if isinstance(header, dict) else -1
                if not isinstance(size, int) or not 0 <= size <= max_payload:
                    break
                payload = out.read(size) if size else b""
                if len(payload) != size:
                    break
                replies.put((header, payload))
        except (OSError, ValueError):
            pass
        replies.put(EOFError)
        with contextlib.suppress(OSError):
            out.close()

    def _read_stderr(self, process: subprocess.Popen[bytes]) -> None:
        err = process.stderr
        assert err is not None
        for raw in err:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self.stderr_tail.append(line[:300])
        with contextlib.suppress(OSError):
            err.close()

    def _wait(self, timeout: float) -> Any:
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            return None

    def run(self, op: str, template: bytes, payload_json: bytes) -> bytes:
        """One job in this worker. Raises RenderError (the worker stays) or _Failure (it must be replaced)."""
        with self.lock:
            process = self.process
            if self.closed or process is None:
                raise _Failure(RenderError(STOPPING))
            self.next_id += 1
            rid = self.next_id
        request = {"id": rid, "op": op, "template": len(template), "context": len(payload_json)}
        header = json.dumps(request).encode()
        try:
            assert process.stdin is not None
            process.stdin.write(header + b"\n" + template + payload_json)
            process.stdin.flush()
        except (OSError, ValueError) as error:
            raise _Failure(self._death(process)) from error
        reply = self._wait(self.limits.timeout_s)
        if reply is None:
            raise _Failure(RenderLimitExceeded("time", self.limits.timeout_s))
        if reply is EOFError:
            raise _Failure(self._death(process))
        answer, payload = reply
        self.renders += 1
        if answer.get("id") != rid:
            raise _Failure(RenderError(STOPPED))
        if answer.get("ok"):
            return payload
        kind, error = answer.get("kind"), str(answer.get("error") or "The template could not be filled in")
        if kind == "cpu":
            raise _Failure(RenderLimitExceeded("cpu", self.limits.cpu_s))
        if kind == "memory":
            raise _Failure(RenderLimitExceeded("memory", self.limits.memory_mb))
        if kind == "output":
            raise RenderLimitExceeded("output", self.limits.max_output_mb)
        raise RenderError(error)

    def _death(self, process: subprocess.Popen[bytes]) -> RenderError:
        """Why the worker is gone: the kernel's processor time limit, or something unexpected."""
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return RenderError(STOPPED)
        if code == -signal.SIGXCPU:
            return RenderLimitExceeded("cpu", self.limits.cpu_s)
        return RenderError(STOPPED)

    def stop(self, grace_s: float = 2.0) -> None:
        """Ask the worker to quit, then kill whatever is left."""
        with self.lock:
            process = self.process
        ask_to_quit(process, grace_s)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the worker's process group and forget it; remove its folder. Safe twice, from any thread."""
        with self.lock:
            process, self.process = self.process, None
            workdir, self.workdir = self.workdir, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(OSError, ValueError):
                if process.stdin is not None:
                    process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


class _Resources:
    """What the finalizer needs to stop the workers; must not reference the pool itself."""

    def __init__(self, slots: list[_Slot]) -> None:
        self.slots = slots

    def shutdown(self, graceful: bool) -> None:
        for slot in self.slots:
            slot.closed = True
        for slot in self.slots:
            if graceful:
                slot.stop()
            else:
                slot.kill()


def _finalize(resources: _Resources) -> None:
    resources.shutdown(graceful=False)


class RenderPool:
    """Thread-safe rendering over ``limits.workers`` worker processes, each held to ``limits``."""

    def __init__(self, limits: RenderLimits | None = None, *, python: str | None = None) -> None:
        self.limits = limits or RenderLimits.from_env()
        self._python = python or sys.executable or "python3"
        self._slots = [_Slot(i, self.limits, self._python) for i in range(max(1, self.limits.workers))]
        self._idle: queue.LifoQueue[_Slot] = queue.LifoQueue()
        for slot in reversed(self._slots):
            self._idle.put(slot)
        self._resources = _Resources(self._slots)
        self._finalizer = weakref.finalize(self, _finalize, self._resources)
        self._lock = threading.Lock()
        self._closed = False
        self._counts = dict.fromkeys(("rendered", "failed", "starts", "cpu", "memory", "output", "time", "crashes"), 0)

    def render(self, template: bytes, context: Mapping[str, Any]) -> bytes:
        """Fill in ``template`` (a .docx's bytes) with ``context`` in a worker; return the filled-in .docx.

        Raises :class:`RenderError` (a problem with the template, readable) or :class:`RenderLimitExceeded`.
        """
        return self._run("render", template, json.dumps(context, ensure_ascii=False).encode("utf-8"))

    def check(self, template: bytes, schema: Schema) -> list[TemplateProblem]:
        """The upload check of ``template`` against ``schema`` (``upload_check.check_template_here``), run in a
        worker under the limits.

        A check that goes over a limit, or whose worker dies, refuses the template with the reason: a check
        that cannot finish never lets a template through.
        """
        try:
            found = json.loads(self._run("check", template, schema_to_json(schema)))
        except RenderLimitExceeded as error:
            return [trial_limit_problem(error)]
        except RenderError as error:
            return [
                TemplateProblem(f"The template could not be checked: {error.message[:1].lower()}{error.message[1:]}")
            ]
        return [TemplateProblem(str(message), str(tag), str(location)) for message, tag, location in found]

    def _run(self, op: str, template: bytes, payload_json: bytes) -> bytes:
        if self._closed:
            raise RenderError(STOPPING)
        slot = self._idle.get()
        try:
            try:
                if slot.process is not None and (not slot.running or slot.renders >= MAX_RENDERS_PER_WORKER):
                    slot.stop()  # died while idle, or has done its share: a fresh one
                if slot.process is None:
                    slot.start()
                    self._count("starts")
                result = slot.run(op, bytes(template), payload_json)
            except _Failure as failure:
                slot.kill()  # the next render starts a fresh worker
                raise failure.error from None
        except RenderError as error:
            self._count("failed")
            if isinstance(error, RenderLimitExceeded):
                self._count(error.limit)
                log.warning("a template went over the render %s limit (%s)", error.limit, op)  # never the data
            elif error.message == STOPPED:
                self._count("crashes")
                log.warning("a render worker stopped unexpectedly (%s)", op)
            raise
        finally:
            self._idle.put(slot)
        self._count("rendered")
        return result

    def start(self) -> None:
        """Start every worker now instead of on first use."""
        taken = [self._idle.get() for _ in self._slots]
        try:
            for slot in taken:
                if not slot.running:
                    slot.kill()
                    slot.start()
                    self._count("starts")
        except _Failure as failure:
            raise failure.error from None
        finally:
            for slot in reversed(taken):
                self._idle.put(slot)

    def process_ids(self) -> list[int]:
        """The pids of the running workers (for tests and operators)."""
        return [pid for slot in self._slots if (pid := slot.pid)]

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {**self._counts, "alive": sum(1 for slot in self._slots if slot.running)}

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop every worker. Idempotent; also runs at exit and when the pool is garbage collected."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._resources.shutdown(graceful=True)
        self._finalizer.detach()

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + 1


_shared: RenderPool | None = None
_shared_pid = 0
_shared_lock = threading.Lock()


def shared_pool() -> RenderPool:
    """This process's render pool (limits from the environment), made on first use; a new one after a fork."""
    global _shared, _shared_pid
    with _shared_lock:
        if _shared is None or _shared.closed or _shared_pid != os.getpid():
            _shared = RenderPool(RenderLimits.from_env())
            _shared_pid = os.getpid()
        return _shared
