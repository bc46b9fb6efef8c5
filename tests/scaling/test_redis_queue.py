"""The queue in Redis (``APDOCS_QUEUE_URL=redis://…``): "Send the pack now" through a gunicorn web process enqueues
the pack's document and its email in Redis, where they wait until an ``apdocs worker`` on another process takes them;
the worker produces the document (real LibreOffice) and sends the email (a real SMTP server on loopback) once each.
The web processes never do the work themselves."""

from __future__ import annotations

import pytest

from service.documents.models import DocumentStatus
from service.mail.models import MessageStatus
from service.queue import build_huey
from tests import factories
from tests.provider_packs.conftest import packs_made
from tests.scaling.processes import Browser, scaled_env
from tests.server.conftest import free_port, poll

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("default_templates")]


def test_a_pack_sent_through_the_web_is_made_and_emailed_once_by_a_worker_on_redis(  # type: ignore[no-untyped-def]
    app, tmp_path, processes, redis_url, smtp_server, placement, commissioner
):
    handler, smtp_port = smtp_server
    env = scaled_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        redis_url,
        tmp_path,
        APDOCS_SMTP_HOST="127.0.0.1",
        APDOCS_SMTP_PORT=str(smtp_port),
        APDOCS_SMTP_SECURITY="none",
        APDOCS_MAIL_FROM="apdocs@northbridge.example",
    )
    port = free_port()
    processes.gunicorn(env, tmp_path / "web.log", port, processes=2)
    person = Browser(f"http://127.0.0.1:{port}")
    assert person.sign_in(commissioner.email, factories.TEST_PASSWORD).status == 200

    preview = person.get(f"/placements/{placement.id}/provider-pack/preview")
    form = {"csrf_token": preview.csrf_token(), "request_token": preview.request_token()}
    answer = person.post(f"/placements/{placement.id}/provider-pack/send", form)
    assert answer.status == 200, answer.text[:500]

    # No worker yet: the document and its email wait, the job in Redis.
    [document], [message] = packs_made(placement.id)
    assert document.status is DocumentStatus.QUEUED
    assert message.status is not MessageStatus.SENT
    assert build_huey(redis_url).pending_count() >= 1, "the job is not in the Redis queue"
    assert handler.messages() == []

    processes.worker(env, tmp_path / "worker.log")
    poll(lambda: packs_made(placement.id)[1][0].status is MessageStatus.SENT, "the worker to make and send the pack")

    [document], [message] = packs_made(placement.id)
    assert document.status is DocumentStatus.READY and document.pdf_path
    assert len(handler.messages()) == 1, "the pack's email was sent once"
    # Nothing of it is left in the queue (a periodic job the worker's scheduler just queued may pass through).
    poll(lambda: build_huey(redis_url).pending_count() == 0, "the queue to be empty")
