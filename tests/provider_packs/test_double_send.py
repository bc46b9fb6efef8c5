""" "Send the pack now" clicked twice sends one pack, and what the pages say about the pack's email is what the outbox
says: sent, waiting, not sent, or may have been sent (never "failed" for an email that may have arrived). Real
requests from their own threads, the real engine, a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest

from service.mail.models import MessageStatus
from tests.documents.test_double_click import at_once, request_token, signed_in_browsers
from tests.helpers import csrf_token, text
from tests.provider_packs.conftest import packs_made

pytestmark = pytest.mark.usefixtures("default_templates")


def _send(client, placement_id: int):  # type: ignore[no-untyped-def]
    preview = client.get(f"/placements/{placement_id}/provider-pack/preview")
    form = {"csrf_token": csrf_token(preview), "request_token": request_token(preview)}
    return client.post(f"/placements/{placement_id}/provider-pack/send", data=form, follow_redirects=True)


def test_send_the_pack_now_clicked_twice_sends_one_pack(app, smtp, placement, commissioner):
    placement_id = placement.id
    first, second = signed_in_browsers(app, commissioner, 2)
    preview = first.get(f"/placements/{placement_id}/provider-pack/preview")
    token = request_token(preview)
    forms = [
        {"csrf_token": csrf_token(c.get(f"/placements/{placement_id}/provider-pack/preview")), "request_token": token}
        for c in (first, second)
    ]
    url = f"/placements/{placement_id}/provider-pack/send"
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    documents, messages = packs_made(placement_id)
    assert len(documents) == 1 and len(messages) == 1
    assert messages[0].status is MessageStatus.SENT, messages[0].last_error
    assert len(smtp.messages()) == 1
    # Each click is told about the one pack, as the outbox has its email when it answers: the click that sent it
    # after it was delivered, the other one either that or, while it was still being made, that it waits to go.
    told = [_told(text(client.get(f"/placements/{placement_id}/provider-pack/preview"))) for client in (first, second)]
    assert "The pack was sent to the provider." in told
    assert set(told) <= {
        "The pack was sent to the provider.",
        "The pack is being produced, and its email is waiting to be sent.",
    }


def _told(page: str) -> str:
    """The first sentence of the page's notification banner."""
    match = re.search(r'govuk-notification-banner__heading">\s*([^.<]*\.)', page)
    assert match, "the page has no notification"
    return match.group(1)


def test_a_pack_whose_email_may_have_been_sent_is_not_called_failed(app, smtp, placement, commissioner):
    smtp.drop_after_data = True  # the server has the message, and the line drops before it says so
    (client,) = signed_in_browsers(app, commissioner, 1)
    answer = text(_send(client, placement.id))
    [message] = packs_made(placement.id)[1]
    assert message.status is MessageStatus.MAY_HAVE_BEEN_SENT
    assert "may have been sent" in answer and "Check with the provider before sending it again" in answer
    for page in (f"/placements/{placement.id}", f"/placements/{placement.id}/provider-pack/preview"):
        shown = text(client.get(page))
        assert "May have been sent — check with the provider before sending it again" in shown
        assert "Failed" not in shown and "Not sent" not in shown


def test_a_pack_whose_email_was_refused_for_good_says_not_sent(app, smtp, placement, commissioner):
    smtp.data_reply = "554 5.6.0 Message refused"
    app.config["APDOCS_MAIL_MAX_ATTEMPTS"] = 1
    (client,) = signed_in_browsers(app, commissioner, 1)
    answer = text(_send(client, placement.id))
    [message] = packs_made(placement.id)[1]
    assert message.status is MessageStatus.FAILED
    assert "could not be sent" in answer and "was sent" not in answer
    shown = text(client.get(f"/placements/{placement.id}"))
    assert "Not sent — check the outbox" in shown and "May have been sent" not in shown


def test_a_pack_whose_email_is_waiting_to_be_tried_again_is_not_called_sent(app, smtp, placement, commissioner):
    """The server refused it once: the email waits in the outbox for its next try, and the pages say so."""
    smtp.data_reply = "451 4.3.0 Try again later"
    (client,) = signed_in_browsers(app, commissioner, 1)
    answer = text(_send(client, placement.id))
    [message] = packs_made(placement.id)[1]
    assert message.status is MessageStatus.QUEUED
    assert "its email is waiting to be sent" in answer and "was sent" not in answer
    shown = text(client.get(f"/placements/{placement.id}"))
    assert "Waiting to send" in shown and ">Sent<" not in shown
