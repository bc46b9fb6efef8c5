"""The provider pack's status as the page follows it while its email is in the outbox (``provider_packs.pack_status``,
polled by js/pack-status.mjs; the browser test is tests/browser/test_live_updates.py): the school's own placement
only, the server's own rendering of the status, and "finished" once the outbox is done with the email."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.helpers import csrf_token
from tests.provider_packs.test_double_send import request_token

pytestmark = pytest.mark.usefixtures("default_templates")


def test_the_status_follows_the_outbox(app, smtp, as_commissioner, placement):
    url = f"/placements/{placement.id}/provider-pack/status"
    before = as_commissioner.get(url)
    assert before.status_code == 200
    assert before.json["state"] != "sending" and before.json["finished"] is True
    assert "Not sent yet" in before.json["html"] and "data-pack-status-url" not in before.json["html"]

    preview = as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview")
    form = {"csrf_token": csrf_token(preview), "request_token": request_token(preview)}
    as_commissioner.post(f"/placements/{placement.id}/provider-pack/send", data=form)
    after = as_commissioner.get(url).json  # the queue runs at once in tests: the email is delivered
    assert after["state"] == "sent" and after["finished"] is True
    assert "Sent" in after["html"] and "/outbox/" in after["html"]


def test_only_the_placements_own_school_sees_it(app, client, placement, other_commissioner, provider_user):
    url = f"/placements/{placement.id}/provider-pack/status"
    sign_in(client, other_commissioner)
    assert client.get(url).status_code == 404  # a placement out of scope
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/"))})
    fresh = app.test_client()
    fresh.environ_base["HTTP_REFERER"] = "https://localhost/"
    assert fresh.get(url, base_url="https://localhost").status_code in (302, 401)  # signed out: sign in first


def test_provider_staff_may_not_open_it(app, as_provider, placement):
    assert as_provider.get(f"/placements/{placement.id}/provider-pack/status").status_code == 403
