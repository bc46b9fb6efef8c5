"""Real processes of the scaled-out topology, for the tests and the later topology test: gunicorn web processes
(``gunicorn.conf.py``), ``apdocs worker`` processes, and a browser that speaks HTTP to them (cookies, CSRF tokens).

Everything listens on loopback and is stopped, with its children, when the test ends (``Processes.stop_all``)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.queue.processes import stop_process
from tests.server.conftest import poll

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HEALTH_TOKEN = "scaling-test-health-token"  # noqa: S105 - the test's own monitor token

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_REQUEST_TOKEN = re.compile(r'name="request_token"[^>]*value="([^"]+)"')


@dataclass
class Page:
    status: int
    url: str
    text: str

    def csrf_token(self) -> str:
        match = _CSRF.search(self.text)
        assert match, f"{self.url} has no CSRF token"
        return match.group(1)

    def request_token(self) -> str:
        match = _REQUEST_TOKEN.search(self.text)
        assert match, f"{self.url} has no request token"
        return match.group(1)


class Browser:
    """One person's browser against a real server: its own cookies, following redirects, never raising on 4xx/5xx."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self._opener.open(request, timeout=120) as response:
                return Page(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.read().decode(errors="replace"))

    def get(self, path: str, headers: dict[str, str] | None = None) -> Page:
        return self._open(urllib.request.Request(self.base_url + path, headers=headers or {}))  # noqa: S310 - http://127.0.0.1

    def post(self, path: str, fields: dict[str, str]) -> Page:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")  # noqa: S310 - loopback
        return self._open(request)

    def sign_in(self, email: str, password: str) -> Page:
        """Through the real form, as a person: the CSRF token from the page, then the post."""
        form = self.get("/sign-in")
        return self.post("/sign-in", {"csrf_token": form.csrf_token(), "email": email, "password": password})

    def health(self) -> dict[str, Any]:
        """``/healthz`` with its details (the monitor's token)."""
        return json.loads(self.get("/healthz", {"Authorization": f"Bearer {HEALTH_TOKEN}"}).text)


def procfile_command(name: str) -> list[str]:
    """The command of process ``name`` in the sample layout (``deploy/Procfile``), with this virtualenv's programs:
    the tests start what the sample tells operators to start."""
    for line in (REPO_ROOT / "deploy" / "Procfile").read_text().splitlines():
        label, _, command = line.partition(":")
        if label.strip() == name and not line.startswith("#"):
            program, *args = shlex.split(command)
            return [str(BIN / program), *args]
    raise AssertionError(f"deploy/Procfile has no {name!r} process")


@dataclass
class Processes:
    """What a test started; ``stop_all`` ends each (SIGTERM, then SIGKILL) and whatever it left running below it."""

    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def gunicorn(self, env: dict[str, str], log_path: Path, port: int, processes: int = 2) -> subprocess.Popen[bytes]:
        """The ``web`` process of ``deploy/Procfile`` (gunicorn with ``gunicorn.conf.py``) on 127.0.0.1:``port``, with
        ``processes`` web processes; returns once it answers."""
        env = {**env, "APDOCS_HOST": "127.0.0.1", "APDOCS_PORT": str(port), "APDOCS_WEB_PROCESSES": str(processes)}
        with log_path.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - this virtualenv's gunicorn
                procfile_command("web"),
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        browser = Browser(f"http://127.0.0.1:{port}")

        def answers() -> bool:
            assert process.poll() is None, f"gunicorn stopped: {log_path.read_text(errors='replace')[-3000:]}"
            try:
                return browser.get("/healthz").status == 200
            except OSError:
                return False

        poll(answers, "gunicorn to answer")
        return process

    def worker(self, env: dict[str, str], log_path: Path, threads: int = 2) -> subprocess.Popen[bytes]:
        """The ``worker`` process of ``deploy/Procfile`` (``apdocs worker``) with ``env`` (its queue, database, output
        folder, mail server) and ``threads`` threads."""
        with log_path.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - this virtualenv's apdocs
                [*procfile_command("worker"), "--workers", str(threads)],
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            stop_process(process, signal.SIGTERM, 60)


def scaled_env(database_url: str, redis_url: str | None, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of every process of one scaled-out installation: one database, one Redis for the queue and
    the rate limits (without ``redis_url``: the embedded queue file and each process's own counters), one secret key,
    one output folder; plain HTTP on loopback (the tests' browser has no TLS)."""
    scratch = tmp_path / "tmp"  # LibreOffice's profile folders: a killed worker's stay with the test's files
    scratch.mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("APDOCS_LEASE_S", "APDOCS_HEARTBEAT_S", "APDOCS_SWEEP_INTERVAL_S")
    }
    env.update(
        {
            "TMPDIR": str(scratch),
            "APDOCS_DATABASE_URL": database_url,
            "APDOCS_QUEUE_URL": redis_url or f"sqlite:///{tmp_path / 'instance' / 'queue.sqlite3'}",
            "APDOCS_RATELIMIT_STORAGE_URL": redis_url or "memory://",
            "APDOCS_SECRET_KEY": "scaling-test-secret-key-not-for-production",
            "APDOCS_INSTANCE_DIR": str(tmp_path / "instance"),
            "APDOCS_OUTPUT_DIR": str(tmp_path / "output"),
            "APDOCS_COOKIE_SECURE": "0",
            "APDOCS_HEALTH_TOKEN": HEALTH_TOKEN,
        }
    )
    env.update(extra)
    return env
