"""Real ``apdocs worker`` processes for the recovery tests: started with the test's database and a queue file of
their own, killed with SIGKILL as a crash kills them, and their children (LibreOffice, render workers) ended by
pid, so nothing a test started outlives it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask


def worker_env(app: Flask, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker (and of a process that enqueues for it) sharing the test's database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("APDOCS_LEASE_S", "APDOCS_HEARTBEAT_S", "APDOCS_SWEEP_INTERVAL_S")  # the defaults are tested
    }
    scratch = tmp_path / "tmp"  # LibreOffice's profile folders too: a killed worker's stay with the test's files
    scratch.mkdir(exist_ok=True)
    env.update(
        {
            "TMPDIR": str(scratch),
            "APDOCS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "APDOCS_INSTANCE_DIR": str(tmp_path / "instance"),
            "APDOCS_OUTPUT_DIR": app.config["APDOCS_OUTPUT_DIR"],
            "APDOCS_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        }
    )
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log_path: Path, threads: int = 2) -> subprocess.Popen[bytes]:
    bin_dir = Path(sys.executable).parent
    log = log_path.open("ab")
    try:
        command = [str(bin_dir / "apdocs"), "worker", "--workers", str(threads)]
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    finally:
        log.close()


def enqueue(env: dict[str, str], statement: str) -> None:
    """Enqueue from another process, as a web request does after its commit."""
    subprocess.run([sys.executable, "-c", statement], env=env, check=True, timeout=120)  # noqa: S603


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren…), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def crash(worker: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL the worker, as the out-of-memory killer or a power cut would; returns its children's pids, which
    the caller ends once the test no longer needs the state they hold."""
    children = descendants(worker.pid)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    return children


def end(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop a worker as Ctrl+C does, killing it (and its children) if it does not stop."""
    stop_process(worker, signal.SIGINT, 30)


def stop_process(process: subprocess.Popen[bytes], how: signal.Signals, seconds: float) -> None:
    """Send ``how``; kill the process if it has not stopped within ``seconds``; then kill what it left running."""
    if process.poll() is not None:
        return
    children = descendants(process.pid)
    process.send_signal(how)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    end(children)


def wait_for(condition: Callable[[], Any], seconds: float, every: float = 0.2) -> Any:
    """Poll ``condition`` until it gives a true value or ``seconds`` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)


def document_row(document_id: int) -> Any:
    """The document as the workers have left it, read afresh (the read is ended at once: the workers write on)."""
    from service.documents.models import Document
    from service.extensions import db

    db.session.expire_all()
    document = db.session.get(Document, document_id)
    assert document is not None
    db.session.commit()
    return document
