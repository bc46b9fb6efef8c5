"""Stop this link: a commissioner of the owning organisation stops the links a message carries (it went to the
wrong person, say). Audited; afterwards the link gets the same "not valid" page as a made-up one; a link stopped
before its email goes is sent as a sentence, never as a link."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.mail import jobs, links, message_secrets
from service.mail.models import SecretKind, SecretState, SecureLink
from tests.conftest import sign_in
from tests.helpers import form_data, text
from tests.mail.helpers import queue, reload

NOT_VALID = "This link has expired or is not valid. Ask the sender for a new one."


def _queue_with_link(placement, document, recipient="parent@example.org"):  # type: ignore[no-untyped-def]
    link = links.reserve_secure_link(document, recipient)
    spec = message_secrets.SecretSpec(SecretKind.DOCUMENT_LINK, secure_link=link)
    return queue(
        placement,
        links=[document],
        to=[recipient],
        body=f"Hello,\n\n{message_secrets.secret_placeholder(1)}\n",
        secrets=[spec],
    )


def _delivered_body(app, message_id: int) -> str:  # type: ignore[no-untyped-def]
    message = reload(message_id)
    data = (Path(app.config["APDOCS_OUTPUT_DIR"]) / message.eml_path).read_bytes()
    return message_from_bytes(data, policy=policy.default).get_body(("plain",)).get_content()


def test_a_commissioner_stops_a_sent_link_and_it_gets_the_not_valid_page(app, placement, document, as_commissioner):
    message_id = _queue_with_link(placement, document)
    jobs.deliver_message(message_id)
    [path] = re.findall(r"https?://[^/\s]+(/shared/[A-Za-z0-9_-]+)", _delivered_body(app, message_id))
    assert as_commissioner.get(path).status_code == 200

    page = as_commissioner.get(f"/outbox/{message_id}")
    assert "Stop this link" in text(page) and "Link to the document: Sent" in text(page)
    response = as_commissioner.post(f"/outbox/{message_id}/stop-links", data=form_data(page, {}))
    assert response.status_code == 302
    for url in (path, path + "/pdf"):
        stopped = as_commissioner.get(url)
        assert stopped.status_code == 404 and NOT_VALID in text(stopped)
    # Nothing tells a stopped link from one that never existed (but the sign-out form's CSRF token, which is signed
    # with the time and so differs when the two requests fall in different seconds).
    assert _without_csrf_token(text(as_commissioner.get(path))) == _without_csrf_token(
        text(as_commissioner.get("/shared/" + "A" * 43))
    )

    page = text(as_commissioner.get(f"/outbox/{message_id}"))
    assert "Link to the document: Stopped" in page and "by Sam Senco" in page
    assert f'action="/outbox/{message_id}/stop-links"' not in page  # nothing left to stop
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "revoke_links")).all()
    assert event.entity_id == message_id and event.user_id is not None and event.detail["links"] == 1
    assert db.session.scalars(sa.select(SecureLink)).one().revoked_at is not None


def test_another_organisations_commissioner_gets_404_and_the_link_keeps_working(
    app, placement, document, client, other_commissioner
):
    message_id = _queue_with_link(placement, document)
    jobs.deliver_message(message_id)
    [path] = re.findall(r"https?://[^/\s]+(/shared/[A-Za-z0-9_-]+)", _delivered_body(app, message_id))
    sign_in(client, other_commissioner)
    page = client.get("/outbox")
    assert client.post(f"/outbox/{message_id}/stop-links", data=form_data(page, {})).status_code == 404
    assert client.get(path).status_code == 200
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "revoke_links")).all()


def test_stopping_needs_the_csrf_token(app, placement, document, as_commissioner):
    message_id = _queue_with_link(placement, document)
    assert as_commissioner.post(f"/outbox/{message_id}/stop-links", data={}).status_code == 400
    assert reload(message_id).secrets[0].state is SecretState.WAITING


def test_a_link_stopped_before_its_email_goes_is_sent_as_a_sentence(app, placement, document, as_commissioner):
    message_id = _queue_with_link(placement, document)  # queued, not delivered yet
    page = as_commissioner.get(f"/outbox/{message_id}")
    assert "Link to the document: Not yet sent" in text(page)
    as_commissioner.post(f"/outbox/{message_id}/stop-links", data=form_data(page, {}))
    jobs.deliver_message(message_id)
    body = _delivered_body(app, message_id)
    assert links.DOCUMENT_LINK_STOPPED in body and "/shared/" not in body
    assert db.session.scalars(sa.select(SecureLink)).one().token_sha256 is None  # never made
    assert reload(message_id).secrets[0].state is SecretState.STOPPED


def _without_csrf_token(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', page)
