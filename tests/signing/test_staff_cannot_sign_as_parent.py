"""The attack from the "Trust boundaries" issue: a SENCO asks a parent to sign by email link, reads the live
``/sign/<token>`` link and then the one-time code from the outbox (its pages and its ``.eml`` downloads), and
signs as the parent. The certificate of completion would then say the parent was identified by link and code.

Refused because the link and the code exist only in the mail that was delivered (the ``.eml`` file the
embedded transport wrote, standing for the parent's mailbox, or the message handed to the SMTP server): the
outbox keeps the body with each secret replaced by a note, and rebuilds its ``.eml`` copy from that. The
parent, who has the delivered mail, still signs.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import sqlalchemy as sa

from service.signing.models import Signer, SignerStatus
from tests.conftest import browser
from tests.helpers import form_data, text
from tests.signing.conftest import code_in, delivered_text, drawn_signature, link_token, messages_to
from tests.signing.test_signing_flow import _ask

SIGN_LINK = re.compile(r"/sign/([A-Za-z0-9_-]{20,})")
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def eml_text(data: bytes) -> str:
    """Everything a mail program would show of an .eml file: its headers and every part, decoded."""
    email = message_from_bytes(data, policy=policy.default)
    parts = [str(email)]
    for part in email.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def what_staff_can_read(client, db_session) -> str:  # type: ignore[no-untyped-def]
    """The outbox as the signed-in SENCO sees it: the list, every message page and every .eml download."""
    seen = [text(client.get("/outbox"))]
    for message_id in re.findall(r'href="/outbox/(\d+)"', seen[0]):
        seen.append(text(client.get(f"/outbox/{message_id}")))
        download = client.get(f"/outbox/{message_id}/eml")
        if download.status_code == 200:
            seen.append(eml_text(download.data))
    return "\n".join(seen)


def test_a_senco_cannot_sign_as_the_parent_from_the_outbox(as_commissioner, placement, db_session):
    assert _ask(as_commissioner, placement).status_code == 302
    parent = db_session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()

    # The attack, step by step, as the finding describes it.
    stolen = SIGN_LINK.findall(what_staff_can_read(as_commissioner, db_session))
    for token in stolen:
        page = as_commissioner.get(f"/sign/{token}")
        if page.status_code != 200:
            continue
        as_commissioner.post(f"/sign/{token}/code", data=form_data(page, {}))
        codes = re.findall(r"Your code is (\d{6})", what_staff_can_read(as_commissioner, db_session))
        for code in dict.fromkeys(codes):  # the outbox lists the newest first
            page = as_commissioner.get(f"/sign/{token}")
            as_commissioner.post(f"/sign/{token}/confirm", data=form_data(page, {"code": code}))
            page = as_commissioner.get(f"/sign/{token}")
            if "Sign the AP Support Plan" in text(page):
                as_commissioner.post(
                    f"/sign/{token}",
                    data=form_data(page, {"read_confirmed": "y", "typed": "Pat Parent"}),
                )
                break
    db_session.expire_all()
    assert db_session.get(Signer, parent.id).status is SignerStatus.WAITING, "the SENCO signed as the parent"
    assert stolen == [], "the outbox shows a live signing link"

    # The parent, who has the delivered email, signs.
    phone = browser(as_commissioner.application)  # the parent's phone, not signed in
    [asked] = messages_to(db_session, "pat@example.com")
    token = link_token(asked)
    assert token not in what_staff_can_read(as_commissioner, db_session)
    page = phone.get(f"/sign/{token}")
    assert "Check it is you" in text(page)
    phone.post(f"/sign/{token}/code", data=form_data(page, {}))
    code_message = messages_to(db_session, "pat@example.com")[-1]
    code = code_in(code_message)
    staff_view = what_staff_can_read(as_commissioner, db_session)
    assert code not in CODE.findall(staff_view) and token not in staff_view
    assert "sent only to the recipient" in staff_view
    page = phone.get(f"/sign/{token}")
    assert phone.post(f"/sign/{token}/confirm", data=form_data(page, {"code": code})).status_code == 302
    page = phone.get(f"/sign/{token}")
    done = phone.post(f"/sign/{token}", data=form_data(page, {"read_confirmed": "y", "drawn": drawn_signature()}))
    assert "You have signed the plan" in text(done)
    db_session.expire_all()
    assert db_session.get(Signer, parent.id).status is SignerStatus.SIGNED
    assert token in delivered_text(asked) and code in delivered_text(code_message)
    assert "Stop this link" not in text(as_commissioner.get(f"/outbox/{asked.id}"))  # used: nothing left to stop
