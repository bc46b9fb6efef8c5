"""The real `apdocs serve` process on a free loopback port, its worker child, and a real SMTP server on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask

from tests.mail.conftest import free_port, placement, smtp_server  # noqa: F401 - real SMTP on loopback, as mail tests

HEALTH_TOKEN = "server-test-health-token"  # noqa: S105 - a test's own monitor token
#: Generous: the worker imports the whole app (seconds) and the suite may share 2 cores with other runs.
DEADLINE_S = 180.0

T = TypeVar("T")


def poll(probe: Callable[[], T | None], what: str, deadline_s: float = DEADLINE_S) -> T:
    """Call ``probe`` until it returns something other than None or False; fail, naming ``what``, at the deadline."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        found = probe()
        if found is not None and found is not False:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def process_gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs (gone, or a zombie left for its parent to reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def children_of(pid: int) -> set[int]:
    """The processes ``pid``'s threads started (Linux's /proc/<pid>/task/<tid>/children)."""
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children.update(int(child) for child in (task / "children").read_text().split())
    return children


@dataclass
class Server:
    """A running `apdocs serve`: its process, its port, its log (the web process's and the worker's output)."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    env: dict[str, str]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def health(self) -> dict[str, Any] | None:
        """``/healthz`` with its details (the monitor's token), or None if the server does not answer."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/healthz", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback, our own server
                return json.load(response)
        except OSError:
            return None

    def worker_pid(self) -> int | None:
        """The worker child's pid while /healthz says it is alive."""
        health = self.health()
        if health is None:
            return None
        worker = health["checks"]["worker"]
        return int(worker["pid"]) if worker.get("process") == "alive" else None


@pytest.fixture
def start_server(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `apdocs serve` (with its worker) on the test database and a queue file of its own; killed afterwards."""
    started: list[Server] = []

    def start(extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> Server:
        port = free_port()
        env = {
            **os.environ,
            "APDOCS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "APDOCS_INSTANCE_DIR": str(tmp_path / "instance"),
            "APDOCS_OUTPUT_DIR": app.config["APDOCS_OUTPUT_DIR"],
            "APDOCS_QUEUE_URL": f"sqlite:///{tmp_path / 'instance' / 'queue.sqlite3'}",
            "APDOCS_PORT": str(port),
            "APDOCS_HEALTH_TOKEN": HEALTH_TOKEN,
            **(extra_env or {}),
        }
        log_path = tmp_path / f"serve-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - this virtualenv's apdocs
                [str(Path(sys.executable).parent / "apdocs"), "serve", *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(process, port, log_path, env)
        started.append(server)
        return server

    yield start
    for server in started:
        worker = None
        if server.process.poll() is None:
            worker = server.worker_pid()
            server.process.send_signal(signal.SIGTERM)
            try:
                server.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        if worker is not None and not process_gone(worker):
            os.kill(worker, signal.SIGKILL)
