"""One-time codes are counted in the database, not read, added to and written back: requests racing each other
(threads, each with its own session and connection, as two web requests are) cannot get an extra code sent or an
extra guess. Guesses are limited per link across all its codes, and per IP address by the rate limiter."""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from service.extensions import db
from service.mail.models import OutboxMessage
from service.signing import identity, rounds
from service.signing.models import Signer
from tests.helpers import form_data, text
from tests.signing.conftest import code_in, link_token, messages_to
from tests.signing.test_secrets_at_delivery import _ask_without_delivering, _deliver

RACERS = 8


def _race(app: Flask, signer_id: int, act: Callable[[Signer, int], str]) -> list[str]:
    """Run ``act`` in RACERS threads at once, each with the signer loaded in its own session first (as each
    request would have it), all released together; returns what each got."""
    barrier = threading.Barrier(RACERS)
    results: list[str] = []
    lock = threading.Lock()

    def racer(number: int) -> None:
        with app.app_context():
            try:
                signer = db.session.get(Signer, signer_id)
                assert signer is not None
                _ = (signer.codes_sent, signer.code_attempts, signer.code_sha256, signer.request.placement)
                barrier.wait(timeout=60)
                outcome = act(signer, number)
                db.session.commit()
            except rounds.SigningError as error:
                db.session.commit()  # a try counts, as the view does
                outcome = error.message
            finally:
                db.session.remove()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == RACERS
    return results


def test_codes_asked_for_at_the_same_moment_never_pass_the_limit(app, placement, commissioner):
    parent, message_id = _ask_without_delivering(placement, commissioner)
    _deliver(app, message_id)

    def ask(signer: Signer, _number: int) -> str:
        identity.send_code(signer)
        return "sent"

    results = _race(app, parent.id, ask)
    assert results.count("sent") == identity.CODES_PER_SIGNER < RACERS
    db.session.expire_all()
    assert db.session.get(Signer, parent.id).codes_sent == identity.CODES_PER_SIGNER
    codes = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == "signing_code")).all()
    assert len(codes) == identity.CODES_PER_SIGNER


def test_guesses_at_the_same_moment_never_get_more_tries_than_the_limit(app, placement, commissioner):
    parent, message_id = _ask_without_delivering(placement, commissioner)
    _deliver(app, message_id)
    real = code_in(_deliver(app, identity.send_code(parent).id))
    db.session.commit()
    wrong = [f"{(int(real) + n) % 1_000_000:06d}" for n in range(1, RACERS + 1)]

    def guess(signer: Signer, number: int) -> str:
        identity.confirm_code(signer, wrong[number])
        return "confirmed"

    results = _race(app, parent.id, guess)
    checked = [r for r in results if r.startswith("That code is not right")]
    assert len(checked) == identity.CODE_TRIES, results  # each compared only after its try was counted
    assert results.count("That code has stopped working. Ask for a new one.") == RACERS - identity.CODE_TRIES
    db.session.expire_all()
    signer = db.session.get(Signer, parent.id)
    assert signer.code_attempts == identity.CODE_TRIES and signer.code_sha256 is None
    assert signer.link_code_attempts == identity.CODE_TRIES


def test_a_link_stops_after_fifteen_wrong_codes_whatever_the_ip_address(as_commissioner, placement, db_session, app):
    from tests.signing.test_signing_flow import _ask

    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    guesses = 0
    response = None
    for code_number in range(3):  # three codes of five tries each: fifteen for the link
        ip = {"REMOTE_ADDR": f"198.51.100.{code_number + 1}"}
        page = as_commissioner.get(f"/sign/{token}", environ_base=ip)
        as_commissioner.post(f"/sign/{token}/code", data=form_data(page, {}), environ_base=ip)
        real = code_in(messages_to(db_session, "pat@example.com")[-1])
        for n in range(identity.CODE_TRIES):
            guesses += 1
            ip = {"REMOTE_ADDR": f"203.0.113.{guesses}"}  # a new address for every guess
            page = as_commissioner.get(f"/sign/{token}", environ_base=ip)
            wrong = f"{(int(real) + n + 1) % 1_000_000:06d}"
            response = as_commissioner.post(
                f"/sign/{token}/confirm", data=form_data(page, {"code": wrong}), environ_base=ip
            )
            assert response.status_code == 400
    assert guesses == identity.LINK_CODE_TRIES
    assert "this link has now stopped working after too many wrong codes" in text(response)
    assert "Ask the person who sent it for a new one" in text(response)
    assert "This link does not work" in text(as_commissioner.get(f"/sign/{token}"))
    parent = db_session.scalars(sa.select(Signer).where(Signer.email == "pat@example.com")).one()
    assert parent.token_sha256 is None and parent.link_code_attempts == identity.LINK_CODE_TRIES

    round_id = parent.request_id
    page = as_commissioner.get(f"/placements/{placement.id}/signatures")
    as_commissioner.post(
        f"/placements/{placement.id}/signatures/{round_id}/signers/{parent.id}/remind", data=form_data(page, {})
    )
    fresh = link_token(messages_to(db_session, "pat@example.com")[-1])
    assert "Check it is you" in text(as_commissioner.get(f"/sign/{fresh}"))  # the sender's new link works
    db_session.refresh(parent)
    assert parent.link_code_attempts == 0


def test_code_tries_are_limited_per_ip_address_too(as_commissioner, placement, db_session):
    from tests.signing.test_signing_flow import _ask

    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    page = as_commissioner.get(f"/sign/{token}")
    data = form_data(page, {"code": "000000"})
    for _ in range(20):  # "20 per hour" from one address
        assert as_commissioner.post(f"/sign/{token}/confirm", data=data).status_code == 400
    assert as_commissioner.post(f"/sign/{token}/confirm", data=data).status_code == 429
    other = {"REMOTE_ADDR": "192.0.2.77"}
    assert as_commissioner.post(f"/sign/{token}/confirm", data=data, environ_base=other).status_code == 400
