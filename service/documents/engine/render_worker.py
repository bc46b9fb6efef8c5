"""The render worker: a process of its own that fills in Word templates, one at a time, under hard limits.

Started and fed by :mod:`service.documents.engine.render_pool` (never imported by the service itself)::

    python -I render_worker.py --cpu-s 10 --memory-mb 512 --max-output-mb 50

Limits, set by the kernel on this process alone:

* processor time: before each render the soft ``RLIMIT_CPU`` is set to the time used so far plus ``--cpu-s``
  (rounded up to the next whole second, the kernel's unit); going over sends ``SIGXCPU``, whose handler stops the
  render, and the worker answers ``cpu``. Between renders there is no limit. (A render stuck inside C code, where
  no Python handler can run, is caught by the pool's clock and the worker killed.)
* memory: ``RLIMIT_AS`` is what the worker uses once started plus ``--memory-mb``; an allocation past it fails
  with ``MemoryError`` and the worker answers ``memory``.
* output: the text a template produces, and the finished .docx, are held to ``--max-output-mb``
  (``rendering.render_docx``); the worker answers ``output``.
* no core files.

After a ``cpu`` or ``memory`` answer the pool kills this worker and starts another: a render stopped in the
middle may have left the process in any state. Every filled-in document is also searched for anything that
would reach outside it (``package_check``) before it is handed back.

Two jobs, under the same limits: ``render`` (fill a template in with a context) and ``check`` (the whole upload
check of a template, ``upload_check.check_template_here``, its trial render included), so that neither an uploaded
file nor a template ever runs in the service's own process. A check is sent the schema it checks against
(``schema.schema_to_json``): the worker knows no document kind.

Protocol (stdin and stdout, binary). A request is one JSON line ``{"id": 1, "op": "render"|"check",
"template": N, "context": M}`` followed by the template's N bytes and M bytes of JSON, UTF-8: the context for a
render, the schema for a check; ``{"cmd": "quit"}`` or EOF ends the worker. A reply is one JSON line
followed by ``size`` bytes: ``{"id": 1, "ok": true, "size": K, "cpu_ms": ..., "peak_mb": ...}`` and the .docx
(or, for a check, the problems as a JSON list of ``[message, tag, location]``), or ``{"id": 1, "ok": false,
"size": 0, "kind": "render"|"cpu"|"memory"|"output", "error": "a sentence for a person"}``. At start:
``{"event": "ready", "pid": ..., "size": 0}``. Anything a library prints goes to stderr: stdout is the
protocol's alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any, BinaryIO

MAX_HEADER = 64 * 1024


class CpuLimit(BaseException):
    """Raised by the SIGXCPU handler: a BaseException, so no ``except Exception`` in a library swallows it."""


class _State:
    in_render = False


def _on_sigxcpu(signum: int, frame: object) -> None:
    if _State.in_render:
        _State.in_render = False  # once: the kernel repeats SIGXCPU every second until the limit is lifted
        raise CpuLimit


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class Worker:
    def __init__(self, cpu_s: float, memory_mb: int, max_output_mb: int, out: BinaryIO) -> None:
        self.cpu_s = cpu_s
        self.memory_mb = memory_mb
        self.max_output = max_output_mb * 1024 * 1024
        self.out = out
        # Imported here, not at the top: run as a script, the service's package is importable only once the
        # ``__main__`` block below has put it on sys.path.
        from service.documents.engine import rendering, schema, upload_check
        from service.documents.engine.package_check import package_problems

        self.rendering = rendering
        self.schema = schema
        self.upload_check = upload_check
        self.package_problems = package_problems

    def send(self, header: dict[str, Any], payload: bytes = b"") -> None:
        header["size"] = len(payload)
        self.out.write(json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n" + payload)
        self.out.flush()

    def limit(self) -> None:
        """Memory from here on, and no core files; processor time is limited render by render."""
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        total = _status_kb("VmSize") * 1024 + self.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (total, total))
        signal.signal(signal.SIGXCPU, _on_sigxcpu)

    def handle(self, rid: Any, op: str, template: bytes, payload_json: bytes) -> None:
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = math.ceil(_cpu_seconds() + self.cpu_s)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        started = _cpu_seconds()
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        _State.in_render = True
        try:
            if op == "check":
                header, payload = self.check(rid, template, payload_json)
            else:
                header, payload = self.render(rid, template, payload_json)
        except CpuLimit:
            header, payload = self.failure(rid, "cpu", self.rendering.limit_message("cpu", self.cpu_s)), b""
        finally:
            _State.in_render = False
            resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        if header.get("ok"):
            header["cpu_ms"] = round((_cpu_seconds() - started) * 1000)
            header["peak_mb"] = round(_status_kb("VmHWM") / 1024, 1)
        self.send(header, payload)

    def render_here(self, template: bytes, context: Any) -> bytes:
        """Fill in ``template`` in this process, held to the output limit, and look at what it made."""
        docx = self.rendering.render_docx(template, context, max_output_bytes=self.max_output)
        found = self.package_problems(docx)
        if found:
            reason = f"The filled-in document reaches outside itself: {found[0].message} ({found[0].location})"
            raise self.rendering.RenderError(reason)
        return docx

    def check(self, rid: Any, template: bytes, schema_json: bytes) -> tuple[dict[str, Any], bytes]:
        try:
            schema = self.schema.schema_from_json(schema_json)
            problems = self.upload_check.check_template_here(template, schema, self.render_here)
        except MemoryError:
            return self.failure(rid, "memory", self.rendering.limit_message("memory", self.memory_mb)), b""
        except Exception as error:  # noqa: BLE001 - a fault of the checker: refuse, never the message
            if self.rendering.out_of_memory(error):
                return self.failure(rid, "memory", self.rendering.limit_message("memory", self.memory_mb)), b""
            return self.failure(rid, "render", f"The template could not be checked ({type(error).__name__})"), b""
        found = [[p.message, p.tag, p.location] for p in problems]
        return {"id": rid, "ok": True}, json.dumps(found, ensure_ascii=False).encode("utf-8")

    def render(self, rid: Any, template: bytes, context_json: bytes) -> tuple[dict[str, Any], bytes]:
        rendering = self.rendering
        try:
            docx = self.render_here(template, json.loads(context_json))
        except MemoryError:
            return self.failure(rid, "memory", rendering.limit_message("memory", self.memory_mb)), b""
        except rendering.RenderLimitExceeded as error:
            return self.failure(rid, error.limit, error.message), b""
        except rendering.RenderError as error:
            return self.failure(rid, "render", error.message), b""
        except Exception as error:  # noqa: BLE001 - never the message: it may quote the data
            if rendering.out_of_memory(error):
                return self.failure(rid, "memory", rendering.limit_message("memory", self.memory_mb)), b""
            return self.failure(rid, "render", f"The template could not be filled in ({type(error).__name__})"), b""
        return {"id": rid, "ok": True}, docx

    @staticmethod
    def failure(rid: Any, kind: str, error: str) -> dict[str, Any]:
        return {"id": rid, "ok": False, "kind": kind, "error": error}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu-s", type=float, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--max-output-mb", type=int, required=True)
    options = parser.parse_args(argv)

    # Keep the protocol channel private: fd 1 becomes a copy of stderr for everybody else.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer

    worker = Worker(options.cpu_s, options.memory_mb, options.max_output_mb, out)
    worker.limit()
    worker.send({"event": "ready", "pid": os.getpid()})
    while True:
        line = stdin.readline(MAX_HEADER)
        if not line:
            return 0
        try:
            request = json.loads(line)
            if request.get("cmd") == "quit":
                return 0
            template = _read_exactly(stdin, int(request["template"]))
            context = _read_exactly(stdin, int(request["context"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return 2  # the pool never sends this: stop rather than guess where the next request starts
        if template is None or context is None:
            return 0
        worker.handle(request.get("id"), str(request.get("op", "render")), template, context)


if __name__ == "__main__":
    # Run as a script (``python -I``): the service's package is three folders up.
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    sys.exit(main())
