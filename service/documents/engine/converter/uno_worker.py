"""One converter worker: owns one headless LibreOffice (``soffice``) and converts DOCX to PDF over UNO.

Run by :mod:`service.documents.engine.converter.pool` under the system Python that has ``python3-uno``
(``/usr/bin/python3`` on Debian), NOT the service's virtualenv. It therefore imports only the standard
library and ``uno``, never the service package.

Usage::

    /usr/bin/python3 -I uno_worker.py --soffice soffice --profile DIR [--tmpdir DIR] [--pipe NAME] [--start-timeout 60]
        [--workdir DIR]

``--workdir`` is the instance's folder (holding the profile and TMPDIR): if the service dies, the worker kills its
LibreOffice and removes that folder itself, since nobody else will.

``--tmpdir`` becomes LibreOffice's TMPDIR (its ``lu*.tmp`` scratch directories), so the pool can delete
everything an instance left behind, even after killing it. ``--pipe`` names the UNO pipe
(``/tmp/OSL_PIPE_<uid>_<name>``), so the pool can remove a killed instance's stale socket.

Protocol: JSON lines. The worker writes exactly one object per line on stdout and nothing else
(anything a library prints on stdout is redirected to stderr before ``uno`` is imported).

* start-up: ``{"event": "ready", "worker_pid": ..., "soffice_pid": ..., "start_ms": ...}`` or
  ``{"event": "failed", "error": "..."}`` (then the worker exits).
* request on stdin: ``{"id": 1, "src": "/abs/in.docx", "dst": "/abs/out.pdf.part", "pdf_a": true}``
* reply: ``{"id": 1, "ok": true, "ms": 250}`` or
  ``{"id": 1, "ok": false, "kind": "open"|"export"|"fatal", "error": "..."}``.
  After a ``fatal`` reply the worker shuts its LibreOffice down and exits: the instance is unusable.
* ``{"cmd": "quit"}`` or EOF on stdin: terminate LibreOffice cleanly and exit 0.

The worker starts ``soffice`` as its own child, in the worker's process group, so the pool can kill
worker, ``oosplash`` and ``soffice.bin`` together with one ``os.killpg``. The launcher is also started with
``PR_SET_PDEATHSIG`` = SIGKILL (set from the main thread, which lives as long as the worker: the signal follows the
thread that forked), so a worker killed on its own takes ``oosplash`` with it at once.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

# Keep the protocol channel private: fd 1 becomes a copy of stderr for everybody else.
_PROTO = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr

import uno  # noqa: E402  (must come after the stdout redirection above)
from com.sun.star.beans import PropertyValue  # noqa: E402  (uno's import hook)

WRITER_DOCX_FILTER = "MS Word 2007 XML"
PDF_FILTER = "writer_pdf_Export"


def send(message: dict) -> None:
    _PROTO.write(json.dumps(message, ensure_ascii=True) + "\n")
    _PROTO.flush()


def prop(name: str, value) -> PropertyValue:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _processes() -> Iterator[tuple[int, list[str]]]:
    """Every process's pid and the fields of its /proc stat line after the name (state, ppid, pgrp, …), Linux."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        yield int(entry), stat[stat.rfind(")") + 2 :].split()


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid``, read from /proc (Linux)."""
    return [child for child, fields in _processes() if int(fields[1]) == pid]


def find_soffice_bin(root: int) -> int | None:
    """The ``soffice.bin`` process under ``root`` (the wrapper runs oosplash, which runs soffice.bin)."""
    queue = [root]
    while queue:
        pid = queue.pop(0)
        try:
            with open(f"/proc/{pid}/comm", encoding="ascii", errors="replace") as fh:
                if fh.read().strip() == "soffice.bin":
                    return pid
        except OSError:
            pass
        queue.extend(children_of(pid))
    return None


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, before exec: SIGKILL it when the process that started it dies (Linux prctl)."""
    with contextlib.suppress(Exception):  # not Linux, or no libc: the watchdog and the pool's sweep still clean up
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def kill_own_group() -> None:
    """SIGKILL every other process in this worker's process group (oosplash, soffice.bin) and wait for them."""
    me, group = os.getpid(), os.getpgrp()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        others = [
            pid for pid, fields in _processes() if pid != me and int(fields[2]) == group and fields[0] not in ("Z", "X")
        ]
        if not others:
            return
        for pid in others:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def remove_instance(workdir: str | None, pipe: str) -> None:
    """Delete the instance's folder and its UNO pipe socket (what the pool would have removed)."""
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    if pipe:
        for folder in ("/tmp", "/var/tmp"):  # noqa: S108  (where LibreOffice's osl puts pipe sockets)
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, f"OSL_PIPE_{os.getuid()}_{pipe}"))


def describe(exc: BaseException) -> str:
    name = type(exc).__name__.rsplit(".", 1)[-1]
    message = getattr(exc, "Message", None) or str(exc) or ""
    message = " ".join(message.split())
    return f"{name}: {message}" if message else name


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :][:1] not in ("Z", "X")


def is_fatal(exc: BaseException, office: Office) -> bool:
    """Did this exception mean the LibreOffice instance is gone or unusable?

    pyuno names exception classes in full (``com.sun.star.lang.DisposedException``). When the bridge
    dies mid-call the error is a DisposedException or a bare RuntimeException (e.g. "illegal object
    given!"); both are treated as fatal, as is any error once soffice.bin is gone.
    """
    if office.process.poll() is not None or not alive(office.bin_pid):
        return True
    name = type(exc).__name__.rsplit(".", 1)[-1]
    if name in {"DisposedException", "RuntimeException"}:
        return True
    text = describe(exc).lower()
    return "disposed" in text or "bridge" in text


class Office:
    def __init__(self, soffice: str, profile: str, start_timeout: float, pipe: str, tmpdir: str | None) -> None:
        self.pipe_name = pipe or f"apdocs_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        env = dict(os.environ)
        if tmpdir:
            os.makedirs(tmpdir, exist_ok=True)
            env["TMPDIR"] = tmpdir
        profile_url = uno.systemPathToFileUrl(os.path.abspath(profile))
        args = [
            soffice,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--nocrashreport",
            "--nodefault",
            "--nologo",
            "--nofirststartwizard",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={self.pipe_name};urp;StarOffice.ComponentContext",
        ]
        started = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, preexec_fn=die_with_parent
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe_name};urp;StarOffice.ComponentContext"
        deadline = started + start_timeout
        last_error = "no attempt"
        while True:
            # oosplash may restart soffice.bin once while it creates a fresh profile; keep trying.
            if self.process.poll() is not None and self.process.returncode not in (0, 79, 81):
                raise RuntimeError(f"soffice exited with code {self.process.returncode} during start-up")
            try:
                ctx = resolver.resolve(url)
                break
            except Exception as exc:  # NoConnectException until soffice listens
                last_error = describe(exc)
            if time.monotonic() > deadline:
                raise RuntimeError(f"soffice did not accept a UNO connection within {start_timeout:g} s ({last_error})")
            time.sleep(0.1)
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.start_ms = round((time.monotonic() - started) * 1000)
        self.bin_pid = find_soffice_bin(self.process.pid)

    def convert(self, src: str, dst: str, pdf_a: bool) -> None:
        load_props = (
            prop("Hidden", True),
            prop("ReadOnly", True),
            prop("FilterName", WRITER_DOCX_FILTER),
            prop("MacroExecutionMode", 0),  # css.document.MacroExecMode.NEVER_EXECUTE
            prop("UpdateDocMode", 0),  # css.document.UpdateDocMode.NO_UPDATE: no external links fetched
        )
        try:
            doc = self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, load_props)
        except Exception as exc:
            if is_fatal(exc, self):
                raise
            raise OpenError(describe(exc)) from exc
        if doc is None:
            raise OpenError("not a Word document LibreOffice can read")
        try:
            filter_data = (prop("SelectPdfVersion", 2 if pdf_a else 0),)
            store_props = (
                prop("FilterName", PDF_FILTER),
                prop("Overwrite", True),
                prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", filter_data)),
            )
            try:
                uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(dst), store_props))
            except Exception as exc:
                if is_fatal(exc, self):
                    raise
                raise ExportError(describe(exc)) from exc
        finally:
            try:
                doc.close(True)
            except Exception:
                with contextlib.suppress(Exception):  # the instance is checked on the next request
                    doc.dispose()

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):  # already dead or disposing: killed below if needed
            self.desktop.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        for pid in (self.bin_pid, self.process.pid):
            if pid:
                with contextlib.suppress(OSError):
                    os.kill(pid, 9)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


class OpenError(Exception):
    pass


class ExportError(Exception):
    pass


def watch_parent(parent: int, office: Office, workdir: str | None) -> None:
    """If the service dies (even by SIGKILL) while LibreOffice is stuck, take LibreOffice down too, and remove the
    instance's folder: the service that would have removed it is gone."""
    while os.getppid() == parent:
        time.sleep(0.2)
    office.kill()
    kill_own_group()
    remove_instance(workdir, office.pipe_name)
    os._exit(4)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--soffice", default="soffice")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--tmpdir", default=None)
    parser.add_argument("--pipe", default="")
    parser.add_argument("--start-timeout", type=float, default=60.0)
    parser.add_argument("--workdir", default=None)
    options = parser.parse_args()
    parent = os.getppid()

    try:
        office = Office(options.soffice, options.profile, options.start_timeout, options.pipe, options.tmpdir)
    except Exception as exc:
        send({"event": "failed", "error": describe(exc)})
        if os.getppid() != parent:
            kill_own_group()
            remove_instance(options.workdir, options.pipe)
        return 2
    send({"event": "ready", "worker_pid": os.getpid(), "soffice_pid": office.bin_pid, "start_ms": office.start_ms})
    threading.Thread(target=watch_parent, args=(parent, office, options.workdir), daemon=True).start()

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError:
            send({"id": None, "ok": False, "kind": "protocol", "error": "request is not JSON"})
            continue
        if request.get("cmd") == "quit":
            break
        rid = request.get("id")
        started = time.monotonic()
        try:
            office.convert(request["src"], request["dst"], bool(request.get("pdf_a", True)))
        except OpenError as exc:
            send({"id": rid, "ok": False, "kind": "open", "error": str(exc)})
        except ExportError as exc:
            send({"id": rid, "ok": False, "kind": "export", "error": str(exc)})
        except Exception as exc:
            fatal = is_fatal(exc, office)
            send({"id": rid, "ok": False, "kind": "fatal" if fatal else "export", "error": describe(exc)})
            if fatal:
                office.kill()
                return 3
        else:
            send({"id": rid, "ok": True, "ms": round((time.monotonic() - started) * 1000)})
    office.shutdown()
    if os.getppid() != parent:  # stdin closed because the service died: nobody else will clean up
        kill_own_group()
        remove_instance(options.workdir, office.pipe_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
