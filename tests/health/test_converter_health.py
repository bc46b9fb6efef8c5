"""``/healthz`` shows the converter's recent trouble, which the worker's pool records in a file the web process
reads: ``degraded`` with the counts of the last 15 minutes, while the load balancer's answer stays 200 ("ok").

The real fault (LibreOffice frozen in the real `apdocs serve`, seen as degraded) is in
``tests/documents/test_converter_faults.py``; these pin what the details say and who sees them."""

from __future__ import annotations

import time

from service.documents.jobs import converter_events


def test_a_restarted_converter_is_degraded_for_the_admin_and_ok_for_the_balancer(app, client, as_admin):  # type: ignore[no-untyped-def]
    events = converter_events()
    for kind in ("crash", "restart", "timeout", "restart", "failed"):
        events.record(kind)
    events.record("crash", now=time.time() - 16 * 60)  # older than the window: not counted

    response = as_admin.get("/healthz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    converter = body["checks"]["converter"]
    assert converter["status"] == "degraded"
    assert converter["last_15_min_crash"] == "1"
    assert converter["last_15_min_restart"] == "2"
    assert converter["last_15_min_timeout"] == "1"
    assert converter["last_15_min_failed"] == "1"
    assert converter["last_15_min_disk_full"] == "0"


def test_a_stranger_sees_only_ok_while_the_converter_is_degraded(app, client):  # type: ignore[no-untyped-def]
    converter_events().record("disk_full")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_no_trouble_is_ok(app, as_admin):  # type: ignore[no-untyped-def]
    converter = as_admin.get("/healthz").get_json()["checks"]["converter"]
    assert converter["status"] == "ok"
    assert converter["last_15_min_restart"] == "0"


def test_an_unreadable_events_file_does_not_break_the_check(app, as_admin):  # type: ignore[no-untyped-def]
    events = converter_events()
    events.path.parent.mkdir(parents=True, exist_ok=True)
    events.path.write_text('not json\n{"t": "soon", "event": "crash"}\n{"event": "crash"}\n')
    response = as_admin.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["converter"]["status"] == "ok"
