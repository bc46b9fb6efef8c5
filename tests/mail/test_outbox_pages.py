"""The embedded default (.eml files under output/mail/) and the commissioner's outbox pages."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from service.db import utcnow
from service.errors import FieldError
from service.extensions import db
from service.mail import delivery, jobs, outbox, transports
from service.mail.models import MessageStatus
from service.queue import huey as huey_queue
from service.storage import LocalStorage
from tests import factories
from tests.helpers import form_data, text
from tests.mail.conftest import ready_document
from tests.mail.helpers import BODY, audit_actions, queue, reload


def test_with_no_smtp_configured_a_readable_eml_is_written_and_listed(app, placement, document, as_commissioner):
    assert app.config["APDOCS_SMTP_HOST"] == ""
    assert isinstance(transports.transport_for(app), transports.FileTransport)
    message_id = queue(placement, attachments=[document])
    jobs.deliver_message(message_id)

    message = reload(message_id)
    assert message.status is MessageStatus.SENT and message.transport == "file"
    assert re.fullmatch(rf"mail/{message_id}-\d{{8}}T\d{{6}}\d{{6}}Z\.eml", message.eml_path)
    path = Path(app.config["APDOCS_OUTPUT_DIR"]) / message.eml_path
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert email["To"] == "staff@horizon.example" and email["Message-ID"] == message.message_id
    assert email.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == BODY.strip()
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == "support-plan-v1.pdf"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind

    listing = text(as_commissioner.get("/outbox"))
    assert f"/outbox/{message_id}" in listing and "Sent" in listing and "(written to a file)" in listing
    detail = as_commissioner.get(f"/outbox/{message_id}")
    page = text(detail)
    for shown in ("staff@horizon.example", message.subject, "Zoë O&#39;Connor-Smith", "support-plan-v1.pdf"):
        assert shown in page
    assert "AP Support Plan, version 1" in page and message.message_id.strip("<>") in page
    eml = as_commissioner.get(f"/outbox/{message_id}/eml")
    assert eml.status_code == 200 and eml.mimetype == "message/rfc822"
    copy = message_from_bytes(eml.data, policy=policy.default)  # rebuilt from the row, not the delivered file
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert copy[header] == email[header]
    assert copy.get_body(("plain",)).get_content() == email.get_body(("plain",)).get_content()
    [copied] = list(copy.iter_attachments())
    assert copied.get_filename() == "support-plan-v1.pdf" and copied.get_content() == attachment.get_content()
    assert audit_actions(message_id) == ["queue", "send", "view", "download"]


def test_transport_for_picks_smtp_when_a_host_is_set(app):
    smtp = transports.transport_for({"APDOCS_SMTP_HOST": "mail.example", "APDOCS_OUTPUT_DIR": "/x"})
    assert isinstance(smtp, transports.SmtpTransport)
    file_transport = transports.transport_for({"APDOCS_OUTPUT_DIR": "/srv/apdocs/output"})
    assert isinstance(file_transport, transports.FileTransport)
    assert isinstance(file_transport.storage, LocalStorage)
    assert file_transport.storage.root == Path("/srv/apdocs/output") and file_transport.folder == "mail"


def test_the_worker_knows_the_mail_tasks(app):
    names = set(huey_queue._registry._registry)  # noqa: SLF001 - what the consumer will run
    assert {"service.mail.jobs.deliver_message", "service.mail.jobs.deliver_due_messages"} <= names


def test_messages_that_need_a_person_come_first_and_the_filter_works(app, placement, document, as_commissioner):
    sent_id = queue(placement, attachments=[document])
    jobs.deliver_message(sent_id)
    failed_id = queue(placement, attachments=[document])
    failed = reload(failed_id)
    failed.status, failed.last_error = MessageStatus.FAILED, "Not sent: could not connect to the mail server"
    newer_id = queue(placement, attachments=[document])
    db.session.commit()

    page = text(as_commissioner.get("/outbox"))
    assert "1 message needs you" in page
    positions = [page.index(f'/outbox/{i}"') for i in (failed_id, newer_id, sent_id)]
    assert positions == sorted(positions)
    only_failed = text(as_commissioner.get("/outbox?status=failed"))
    assert f'/outbox/{failed_id}"' in only_failed and f'/outbox/{sent_id}"' not in only_failed
    assert as_commissioner.get("/outbox?status=nonsense").status_code == 200


def test_no_body_subject_or_address_ever_appears_in_a_url(app, placement, document, as_commissioner):
    message_id = queue(placement, attachments=[document])
    jobs.deliver_message(message_id)
    for path in ("/outbox", f"/outbox/{message_id}"):
        hrefs = re.findall(r'(?:href|action)="([^"]*)"', text(as_commissioner.get(path)))
        assert hrefs
        for href in hrefs:
            for secret in ("Zo", "Connor", "Dear", "horizon", "pack", "%40", "@"):
                assert secret not in href, href


def test_another_organisations_message_is_not_found(app, placement, document, other_commissioner, client):
    from tests.conftest import sign_in

    message_id = queue(placement, attachments=[document])
    jobs.deliver_message(message_id)
    sign_in(client, other_commissioner)
    assert client.get(f"/outbox/{message_id}").status_code == 404
    assert client.get(f"/outbox/{message_id}/eml").status_code == 404
    assert f'/outbox/{message_id}"' not in text(client.get("/outbox"))
    outbox = client.get("/outbox")
    for action in ("resend", "mark-sent"):
        assert client.post(f"/outbox/{message_id}/{action}", data=form_data(outbox, {})).status_code == 404
    assert reload(message_id).status is MessageStatus.SENT


@pytest.mark.parametrize("signed_in", ["as_provider", "as_viewer", "as_admin"])
def test_provider_staff_viewers_and_admins_have_no_outbox(app, placement, document, signed_in, request):
    message_id = queue(placement, attachments=[document])
    client = request.getfixturevalue(signed_in)
    assert client.get("/outbox").status_code == 403
    assert client.get(f"/outbox/{message_id}").status_code == 403


def test_commissioners_see_the_outbox_in_their_navigation(app, as_commissioner):
    assert 'href="/outbox"' in text(as_commissioner.get("/"))


def test_resend_and_mark_sent_need_the_csrf_token_and_the_right_status(app, placement, document, as_commissioner):
    message_id = queue(placement, attachments=[document])
    jobs.deliver_message(message_id)
    assert as_commissioner.post(f"/outbox/{message_id}/resend", data={}).status_code == 400
    detail = as_commissioner.get(f"/outbox/{message_id}")
    token = form_data(detail, {})
    response = as_commissioner.post(f"/outbox/{message_id}/resend", data=token, follow_redirects=True)
    assert "Only a message that was not sent, or may have been sent, can be sent again" in text(response)
    response = as_commissioner.post(f"/outbox/{message_id}/mark-sent", data=token, follow_redirects=True)
    assert "Only a message that may have been sent can be marked as sent" in text(response)
    assert reload(message_id).status is MessageStatus.SENT and reload(message_id).attempts == 1


def test_queue_message_refuses_bad_addresses_and_other_organisations_documents(app, placement, other_school):

    document = ready_document(app, placement)
    with pytest.raises(FieldError) as bad:
        queue(placement, to=["not an address"])
    assert bad.value.field == "to"
    with pytest.raises(FieldError) as two_lines:
        queue(placement, subject="Pack\nBcc: someone@example.org")
    assert two_lines.value.field == "subject"
    db.session.rollback()
    elsewhere = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=other_school))
    foreign = ready_document(app, elsewhere)
    with pytest.raises(ValueError, match="does not belong"):
        outbox.queue_message(
            organisation_id=placement.commissioning_organisation_id,
            to=["staff@horizon.example"],
            subject="Pack",
            body="Attached.",
            purpose="provider_pack",
            attachments=[document, foreign],
        )
    db.session.rollback()
    assert delivery.sweep(now=utcnow()) == []
