"""Signing the plan through the real pages: the commissioner asks, a parent signs by link (after a code sent
to the same address), the school signs in person, the provider by link. A used, expired or guessed link is
refused with the same page; codes are limited; a changed plan cancels the round and asks again."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from service.db import utcnow
from service.extensions import db
from service.signing.models import RequestStatus, SignatureRequest, Signer, SignerStatus
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text
from tests.signing.conftest import ask_for_signatures, code_in, drawn_signature, link_token, messages_to

NOT_VALID = "This link does not work"


_ask = ask_for_signatures


def _round(db_session) -> SignatureRequest:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(sa.select(SignatureRequest).order_by(SignatureRequest.id.desc())).first()


def _confirm(client, db_session, token: str, address: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/sign/{token}")
    assert "Check it is you" in text(page)
    client.post(f"/sign/{token}/code", data=form_data(page, {}))
    code = code_in(messages_to(db_session, address)[-1])
    page = client.get(f"/sign/{token}")
    response = client.post(f"/sign/{token}/confirm", data=form_data(page, {"code": code}))
    assert response.status_code == 302, text(response)


def _sign(client, token: str, **fields):  # type: ignore[no-untyped-def]
    page = client.get(f"/sign/{token}")
    assert "Sign the AP Support Plan" in text(page)
    return client.post(f"/sign/{token}", data=form_data(page, {"read_confirmed": "y", **fields}))


@pytest.fixture
def signer_client(app):  # type: ignore[no-untyped-def]
    """A separate browser: the signer's phone, not signed in."""
    return browser(app)


def test_asking_pins_the_pdf_and_emails_a_link_without_the_pupils_name(as_commissioner, placement, db_session):
    response = _ask(as_commissioner, placement)
    assert response.status_code == 302
    round_ = _round(db_session)
    assert round_.status is RequestStatus.OPEN
    assert round_.document_sha256 == round_.document.pdf_sha256 and len(round_.document_sha256) == 64
    [to_parent] = messages_to(db_session, "pat@example.com")
    [to_provider] = messages_to(db_session, "alex@provider.example")
    for message in (to_parent, to_provider):
        assert "Ellie" not in message.subject and "Eleanor" not in message.body_text
        assert len(link_token(message)) >= 43
    assert db_session.scalar(sa.select(Signer.token_sha256).where(Signer.email == "pat@example.com")) == (
        hashlib.sha256(link_token(to_parent).encode()).hexdigest()
    )  # only the hash is kept
    assert "Not signed yet" in text(as_commissioner.get(f"/placements/{placement.id}/signatures"))


def test_a_parent_signs_by_link_after_confirming_the_code(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    assert "Sign the AP Support Plan" not in text(signer_client.get(f"/sign/{token}"))  # not before the code
    assert signer_client.get(f"/sign/{token}/plan.pdf").status_code == 404
    _confirm(signer_client, db_session, token, "pat@example.com")
    pdf = signer_client.get(f"/sign/{token}/plan.pdf")
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.data).hexdigest() == _round(db_session).document_sha256  # exactly what was pinned
    done = _sign(signer_client, token, drawn=drawn_signature())
    assert done.status_code == 200
    assert "You have signed the plan" in text(done)
    signer = db_session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()
    assert signer.status is SignerStatus.SIGNED
    assert signer.signature_png.startswith(b"\x89PNG")
    assert signer.identity_confirmed_at and signer.viewed_at and signer.signed_at
    assert signer.user_agent and signer.ip_address
    assert NOT_VALID in text(signer_client.get(f"/sign/{token}"))  # single use


def test_the_code_must_be_right_and_stops_working_after_five_tries(
    as_commissioner, placement, db_session, signer_client
):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    page = signer_client.get(f"/sign/{token}")
    signer_client.post(f"/sign/{token}/code", data=form_data(page, {}))
    real = code_in(messages_to(db_session, "pat@example.com")[-1])
    wrong = f"{(int(real) + 1) % 1_000_000:06d}"
    for tries_left in (4, 3, 2, 1):
        page = signer_client.get(f"/sign/{token}")
        response = signer_client.post(f"/sign/{token}/confirm", data=form_data(page, {"code": wrong}))
        assert response.status_code == 400
        assert f"That code is not right. Check the email and try again ({tries_left} tries left)" in text(response)
    page = signer_client.get(f"/sign/{token}")
    response = signer_client.post(f"/sign/{token}/confirm", data=form_data(page, {"code": wrong}))
    assert "has now stopped working" in text(response)
    page = signer_client.get(f"/sign/{token}")
    response = signer_client.post(f"/sign/{token}/confirm", data=form_data(page, {"code": real}))
    assert response.status_code == 400  # even the right code no longer works
    assert "Ask for a code first" in text(response)


def test_a_signer_is_sent_five_codes_at_most(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    for _ in range(6):
        page = signer_client.get(f"/sign/{token}")
        response = signer_client.post(f"/sign/{token}/code", data=form_data(page, {}), follow_redirects=True)
    assert "We have sent as many codes as we can for this link" in text(response)
    codes = [m for m in messages_to(db_session, "pat@example.com") if m.purpose == "signing_code"]
    assert len(codes) == 5


def test_a_used_expired_or_guessed_link_gets_the_same_page(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    guessed = signer_client.get("/sign/" + "A" * 43)
    assert guessed.status_code == 404 and NOT_VALID in text(guessed)
    signer = db_session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()
    signer.token_expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    expired = signer_client.get(f"/sign/{token}")
    assert expired.status_code == 404
    assert text(expired) == text(guessed)  # nothing tells them apart
    assert NOT_VALID in text(signer_client.get(f"/sign/{token}/plan.pdf"))
    csrf = form_data(signer_client.get("/sign-in"), {"code": "123456", "reason": "x"})
    for path in ("/code", "/confirm", "/decline"):
        assert NOT_VALID in text(signer_client.post(f"/sign/{token}{path}", data=csrf))


def test_signing_needs_the_read_box_and_a_signature(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    _confirm(signer_client, db_session, token, "pat@example.com")
    page = signer_client.get(f"/sign/{token}")
    response = signer_client.post(f"/sign/{token}", data=form_data(page, {"typed": "Pat Parent"}))
    assert response.status_code == 400
    assert "Confirm that you have read the plan" in text(response)
    response = signer_client.post(f"/sign/{token}", data=form_data(page, {"read_confirmed": "y"}))
    assert "Draw your signature in the box, or type your name" in text(response)
    response = signer_client.post(
        f"/sign/{token}", data=form_data(page, {"read_confirmed": "y", "drawn": "data:image/png;base64,bm90IGEgcG5n"})
    )
    assert "The drawing could not be read" in text(response)
    assert _round(db_session).signers[0].status is SignerStatus.WAITING


def test_the_school_signs_in_person_witnessed_by_the_commissioner(as_commissioner, placement, commissioner, db_session):
    _ask(as_commissioner, placement)
    round_ = _round(db_session)
    school = next(s for s in round_.signers if s.role.value == "school_representative")
    url = f"/placements/{placement.id}/signatures/{round_.id}/signers/{school.id}/in-person"
    page = as_commissioner.get(url)
    assert "Signing in person on" in text(page)
    response = as_commissioner.post(url, data=form_data(page, {"read_confirmed": "y", "typed": "Kate Owen"}))
    assert response.status_code == 302
    db_session.expire_all()
    signed = db_session.get(Signer, school.id)
    assert signed.status is SignerStatus.SIGNED and signed.typed_signature == "Kate Owen"
    assert signed.witnessed_by_id == commissioner.id
    assert signed.identified_by == f"Signed in person, witnessed by {commissioner.name}"


def test_declining_stops_the_round_and_the_commissioner_sees_why(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    provider_token = link_token(messages_to(db_session, "alex@provider.example")[0])
    _confirm(signer_client, db_session, token, "pat@example.com")
    page = signer_client.get(f"/sign/{token}")
    empty = signer_client.post(f"/sign/{token}/decline", data=form_data(page, {"reason": " "}))
    assert "Say why you do not want to sign" in text(empty)
    reason = "The hours <are> wrong & we weren't asked 😀"
    response = signer_client.post(f"/sign/{token}/decline", data=form_data(page, {"reason": reason}))
    assert "You have declined to sign" in text(response)
    assert _round(db_session).status is RequestStatus.DECLINED
    assert NOT_VALID in text(signer_client.get(f"/sign/{provider_token}"))  # the round is closed for everyone
    assert "The hours &lt;are&gt; wrong &amp; we weren&#39;t asked 😀" in text(
        as_commissioner.get(f"/placements/{placement.id}/signatures")
    )


def test_the_three_roles_are_needed_and_a_link_needs_an_address(as_commissioner, placement, db_session):
    response = _ask(
        as_commissioner,
        placement,
        [{"include": "y", "name": "Pat Parent", "role": "parent_carer", "method": "link", "email": "pat@example.com"}],
    )
    assert response.status_code == 400
    assert "Add a signer for each of: school representative, alternative provider representative" in text(response)
    response = _ask(
        as_commissioner,
        placement,
        [
            {"include": "y", "name": "Pat Parent", "role": "parent_carer", "method": "link", "email": "not an address"},
            {"include": "y", "name": "Ms K Owen", "role": "school_representative", "method": "in_person"},
            {"include": "y", "name": "Alex", "role": "provider_representative", "method": "in_person"},
        ],
    )
    assert response.status_code == 400
    assert "Enter an email address for Pat Parent" in text(response)
    assert _round(db_session) is None  # nothing was half made


def test_a_new_plan_version_cancels_the_round_and_asks_again(as_commissioner, placement, db_session, app):
    from pathlib import Path

    from service.documents import jobs
    from service.documents import services as documents
    from service.documents.types import DocumentType

    _ask(as_commissioner, placement)
    first = _round(db_session)
    first_link = link_token(messages_to(db_session, "pat@example.com")[0])
    document = documents.request_document(
        None, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    db.session.commit()
    jobs.produce_document(document.id)  # ready: the hook asks the same people again
    db_session.expire_all()
    assert db_session.get(SignatureRequest, first.id).status is RequestStatus.CANCELLED
    second = _round(db_session)
    assert second.id != first.id and second.document_id == document.id
    assert [s.name for s in second.signers] == [s.name for s in first.signers]
    to_parent = messages_to(db_session, "pat@example.com")
    assert len(to_parent) == 2
    client = browser(app)
    assert NOT_VALID in text(client.get(f"/sign/{first_link}"))
    assert "Check it is you" in text(client.get(f"/sign/{link_token(to_parent[-1])}"))


def test_reminders_go_after_three_working_days_with_a_new_link(as_commissioner, placement, db_session, app):
    from datetime import date

    from service.signing.jobs import send_reminders_now

    _ask(as_commissioner, placement)
    old = link_token(messages_to(db_session, "pat@example.com")[0])
    for signer in _round(db_session).signers:
        if signer.last_asked_at is not None:  # the two asked by link
            signer.last_asked_at = datetime(2026, 11, 30, 9, tzinfo=UTC)  # a Monday
    db_session.commit()
    with app.app_context():
        assert send_reminders_now(date(2026, 12, 2)) == 0  # Wednesday: two working days
        assert send_reminders_now(date(2026, 12, 3)) == 2  # Thursday: three, for the two link signers
    [_, reminder] = messages_to(db_session, "pat@example.com")
    assert reminder.subject.startswith("Reminder: please sign")
    client = browser(app)
    assert NOT_VALID in text(client.get(f"/sign/{old}"))
    assert "Check it is you" in text(client.get(f"/sign/{link_token(reminder)}"))


def test_another_schools_commissioner_gets_404(client, placement, other_commissioner):
    sign_in(client, other_commissioner)
    assert client.get(f"/placements/{placement.id}/signatures").status_code == 404


def test_the_reminder_delay_is_a_setting(as_commissioner, placement, db_session, app):
    from datetime import date

    from service.signing.jobs import send_reminders_now

    _ask(as_commissioner, placement)
    for signer in _round(db_session).signers:
        if signer.last_asked_at is not None:
            signer.last_asked_at = datetime(2026, 11, 30, 9, tzinfo=UTC)  # a Monday
    db_session.commit()
    app.config["APDOCS_SIGNING_REMINDER_WORKING_DAYS"] = 1
    with app.app_context():
        assert send_reminders_now(date(2026, 12, 1)) == 2  # Tuesday: one working day later
