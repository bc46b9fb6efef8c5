"""`apdocs serve` (the web server with its embedded document worker) answers, and stops cleanly when a
service manager sends SIGTERM — leaving no LibreOffice process behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_and_stops_on_sigterm(app, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "APDOCS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APDOCS_INSTANCE_DIR": str(tmp_path / "instance"),
        "APDOCS_OUTPUT_DIR": str(tmp_path / "output"),
        "APDOCS_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "APDOCS_PORT": str(port),
        "APDOCS_HEALTH_TOKEN": "serve-test-health-token",  # /healthz shows its details to the monitor only
    }
    apdocs = Path(sys.executable).parent / "apdocs"
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([str(apdocs), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        health = None
        for _ in range(100):
            try:
                monitor = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"Authorization": "Bearer serve-test-health-token"}
                )
                with urllib.request.urlopen(monitor, timeout=2) as response:  # noqa: S310
                    health = json.load(response)
                break
            except OSError:
                time.sleep(0.2)
        assert health is not None, "the server never answered"
        assert health["checks"]["worker"]["status"] == "ok"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) is not None
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()
