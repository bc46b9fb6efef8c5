"""`apdocs worker` runs the mail jobs: a delivery queued by another process reaches the SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.mail.models import MessageStatus
from tests.mail.helpers import queue, reload


def test_the_worker_process_delivers_a_queued_message(app, smtp_server, placement, document, tmp_path):
    handler, port = smtp_server
    message_id = queue(placement, attachments=[document])
    env = {
        **os.environ,
        "APDOCS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APDOCS_INSTANCE_DIR": str(tmp_path / "instance"),
        "APDOCS_OUTPUT_DIR": app.config["APDOCS_OUTPUT_DIR"],
        "APDOCS_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "APDOCS_SMTP_HOST": "127.0.0.1",
        "APDOCS_SMTP_PORT": str(port),
        "APDOCS_SMTP_SECURITY": "none",
    }
    bin_dir = Path(sys.executable).parent
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603
        [str(bin_dir / "apdocs"), "worker", "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        # Another process (a web request, in production) enqueues after its commit.
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", f"from service.mail.jobs import deliver_message; deliver_message({message_id})"],
            env=env,
            check=True,
            timeout=120,
        )
        deadline = time.monotonic() + 120
        while not handler.messages() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(handler.messages()) == 1, (tmp_path / "worker.log").read_text(errors="replace")
        while reload(message_id).status is not MessageStatus.SENT and time.monotonic() < deadline:
            time.sleep(0.2)  # the server has it; the worker records that next
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    assert reload(message_id).status is MessageStatus.SENT
