""" "Ask for signatures" clicked twice opens one round and emails each signer once; and what the commissioner and the
signer are told about those emails is what the outbox says (sent, or waiting to be sent), never "sent" for an email
that waits. Real requests from their own threads, real SMTP on loopback."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.documents.models import Document
from service.extensions import db
from service.mail.models import MessageStatus, OutboxMessage
from service.signing.models import SignatureRequest
from tests.documents.test_double_click import at_once, request_token, signed_in_browsers
from tests.helpers import csrf_token, form_data, text
from tests.signing.conftest import SIGNERS


def _fields() -> dict[str, str]:
    return {f"signers-{n}-{k}": v for n, row in enumerate(SIGNERS) for k, v in row.items()}


def _told(page: str) -> str:
    match = re.search(r'govuk-notification-banner__heading">\s*([^<]*?)\s*<', page)
    assert match, "the page has no notification"
    return match.group(1)


def _asking_emails() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "signature_request").order_by(OutboxMessage.id)
        )
    )


def test_ask_for_signatures_clicked_twice_opens_one_round_and_emails_each_signer_once(app, placement, commissioner):
    placement_id = placement.id
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/signatures"
    token = request_token(first.get(url))
    forms = [{"csrf_token": csrf_token(c.get(url)), "request_token": token, **_fields()} for c in (first, second)]
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignatureRequest)) == 1
    assert sorted(m.to_addresses[0] for m in _asking_emails()) == ["alex@provider.example", "pat@example.com"]
    for client in (first, second):
        assert _told(text(client.get(url))).startswith("Signatures asked for: 2 emails with a signing link")


def test_two_different_asks_at_once_open_one_round_and_the_other_is_told_why(app, placement, commissioner):
    """Two people (or two tabs) asking at the same moment: one round, and the other hears that one is open."""
    placement_id = placement.id
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/signatures"
    forms = []
    for client in (first, second):
        page = client.get(url)
        forms.append({"csrf_token": csrf_token(page), "request_token": request_token(page), **_fields()})
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert sorted(r if isinstance(r, str) else r.status_code for r in results) == [302, 400]
    [refused] = [r for r in results if not isinstance(r, str) and r.status_code == 400]
    assert "Signatures are already being collected for this plan" in text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignatureRequest)) == 1
    assert len(_asking_emails()) == 2


def test_signing_emails_that_wait_in_the_outbox_are_not_called_sent(app, smtp, placement, commissioner):
    smtp.data_reply = "451 4.3.0 Try again later"  # each email is tried, refused for now, and waits for its next try
    (client,) = signed_in_browsers(app, commissioner, 1)
    page = client.get(f"/placements/{placement.id}/signatures")
    response = client.post(f"/placements/{placement.id}/signatures", data=form_data(page, _fields()))
    assert response.status_code == 302
    assert {m.status for m in _asking_emails()} == {MessageStatus.QUEUED}
    told = _told(text(client.get(response.headers["Location"])))
    assert told == (
        "Signatures asked for: 2 emails with a signing link: 2 waiting to be sent. Their progress is in the outbox."
    )

    round_ = db.session.scalars(sa.select(SignatureRequest)).one()
    pat = next(s for s in round_.signers if s.email == "pat@example.com")
    page = client.get(f"/placements/{placement.id}/signatures")
    client.post(f"/placements/{placement.id}/signatures/{round_.id}/signers/{pat.id}/remind", data=form_data(page, {}))
    told = _told(text(client.get(f"/placements/{placement.id}/signatures")))
    assert told.startswith("Reminder for Pat Parent: an email with a new link, waiting to be sent.")


def test_signing_emails_delivered_are_called_sent(app, placement, commissioner):
    """No mail server set: the embedded transport delivers each email at once, and the answer says sent."""
    (client,) = signed_in_browsers(app, commissioner, 1)
    page = client.get(f"/placements/{placement.id}/signatures")
    response = client.post(f"/placements/{placement.id}/signatures", data=form_data(page, _fields()))
    assert {m.status for m in _asking_emails()} == {MessageStatus.SENT}
    told = _told(text(client.get(response.headers["Location"])))
    assert told == "Signatures asked for: 2 emails with a signing link: 2 sent. Their progress is in the outbox."


def test_a_signer_whose_code_waits_in_the_outbox_is_told_it_is_on_its_way(app, smtp, placement, commissioner):
    (client,) = signed_in_browsers(app, commissioner, 1)
    page = client.get(f"/placements/{placement.id}/signatures")
    client.post(f"/placements/{placement.id}/signatures", data=form_data(page, _fields()))
    [to_pat] = [r for r in smtp.messages() if r.rcpt_tos == ["pat@example.com"]]
    [token] = re.findall(r"/sign/([A-Za-z0-9_-]{40,})", to_pat.email.get_body(("plain",)).get_content())
    smtp.data_reply = "451 4.3.0 Try again later"  # the code's email waits
    (signer,) = signed_in_browsers(app, commissioner, 1)  # any browser: the link is what counts
    signer.get("/sign-out")
    page = signer.get(f"/sign/{token}")
    signer.post(f"/sign/{token}/code", data=form_data(page, {}))
    told = _told(text(signer.get(f"/sign/{token}")))
    assert told.startswith("A code is on its way to")
    assert "We have emailed" not in told


def test_the_last_two_signers_signing_at_once_complete_the_round_once(app, placement, commissioner):
    """Each of the last two signatures, recorded at the same moment, must see the other: one of them completes the
    round and queues the signed copy, once."""
    in_person = [{**row, "method": "in_person", "email": ""} for row in SIGNERS]
    fields = {f"signers-{n}-{k}": v for n, row in enumerate(in_person) for k, v in row.items()}
    placement_id = placement.id
    first, second = signed_in_browsers(app, commissioner, 2)
    page = first.get(f"/placements/{placement_id}/signatures")
    assert first.post(f"/placements/{placement_id}/signatures", data=form_data(page, fields)).status_code == 302
    round_ = db.session.scalars(sa.select(SignatureRequest)).one()
    round_id = round_.id
    parent, school, provider = (s.id for s in round_.signers)
    url = f"/placements/{placement_id}/signatures/{round_id}/signers/{{}}/in-person"
    page = first.get(url.format(parent))
    signed = {"read_confirmed": "y", "typed": "A Signer"}
    assert first.post(url.format(parent), data=form_data(page, signed)).status_code == 302
    forms = [
        (client, url.format(signer), {**signed, "csrf_token": csrf_token(client.get(url.format(signer)))})
        for client, signer in ((first, school), (second, provider))
    ]
    results = at_once([lambda c=c, u=u, f=f: c.post(u, data=f) for c, u, f in forms])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    db.session.expire_all()
    round_ = db.session.get(SignatureRequest, round_id)
    assert round_.status.value == "completed"
    sealed = db.session.scalars(sa.select(Document).where(Document.sealed.is_(True))).all()
    assert len(sealed) == 1
