"""Two requests at once for the same document: a double click on "Produce" (the same form sent twice), or several
people asking at the same moment. Each request is a real one, from its own signed-in browser in its own thread (as
two web requests are, each with its own database session and connection), released together by a barrier so they
collide. A double click makes one document and both clicks get its page; separate requests get a version each;
none gets an error."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.documents.models import Document
from service.documents.types import DocumentType
from service.extensions import db
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import csrf_token, text

pytestmark = pytest.mark.usefixtures("default_templates")

_REQUEST_TOKEN = re.compile(r'name="request_token"[^>]*value="([^"]+)"')


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )


def signed_in_browsers(app: Flask, user: Any, count: int) -> list[FlaskClient]:
    """``count`` browsers of their own, each signed in as ``user`` (from its own address, as the sign-in limit
    counts per address)."""
    browsers = []
    for n in range(count):
        client = browser(app)
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        sign_in(client, user)
        browsers.append(client)
    return browsers


def request_token(page: TestResponse) -> str:
    match = _REQUEST_TOKEN.search(text(page))
    assert match, "the form has no request token"
    return match.group(1)


def at_once(posts: list[Callable[[], TestResponse]]) -> list[TestResponse | str]:
    """Run each post in its own thread, all released together; each answer, or the error it raised (the test app
    propagates exceptions: a 500 in production)."""
    db.session.commit()  # the test's own session holds nothing while they race
    db.session.remove()
    barrier = threading.Barrier(len(posts))
    results: list[TestResponse | str] = ["not run"] * len(posts)

    def run(n: int) -> None:
        barrier.wait(timeout=60)
        try:
            results[n] = posts[n]()
        except Exception as error:  # noqa: BLE001 - reported, and the test fails on it
            results[n] = f"error: {type(error).__name__}: {error}"

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def _documents(placement_id: int, doc_type: DocumentType) -> list[Document]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.placement_id == placement_id, Document.doc_type == doc_type)
            .order_by(Document.version)
        )
    )


def test_a_double_click_on_produce_makes_one_document_and_both_clicks_get_its_page(app, placement, commissioner):
    placement_id = placement.id
    first, second = signed_in_browsers(app, commissioner, 2)
    page = first.get(f"/placements/{placement_id}")
    token = request_token(page)  # the form on the page: both clicks send it
    # The two clicks are two requests of one browser; here two browsers of the same person, each with its own
    # (session-bound) CSRF token, send that one form.
    forms = [
        {"csrf_token": csrf_token(client.get(f"/placements/{placement_id}")), "doc_type": "support-plan"}
        for client in (first, second)
    ]
    url = f"/placements/{placement_id}/documents"
    results = at_once(
        [
            lambda c=c, f=f: c.post(url, data={**f, "request_token": token})
            for c, f in zip((first, second), forms, strict=True)
        ]
    )
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    assert [d.version for d in _documents(placement_id, DocumentType.SUPPORT_PLAN)] == [1]
    for client in (first, second):
        assert "AP Support Plan, version 1 is being made." in text(client.get(f"/placements/{placement_id}"))


def test_eight_requests_at_once_each_get_a_version_and_none_an_error(app, placement, commissioner):
    placement_id = placement.id
    browsers = signed_in_browsers(app, commissioner, 8)
    url = f"/placements/{placement_id}/documents"
    forms = []
    for client in browsers:
        page = client.get(f"/placements/{placement_id}")
        forms.append({"csrf_token": csrf_token(page), "doc_type": "support-plan", "request_token": request_token(page)})
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip(browsers, forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302] * 8
    assert [d.version for d in _documents(placement_id, DocumentType.SUPPORT_PLAN)] == list(range(1, 9))


def test_the_same_form_sent_again_later_is_answered_with_the_first_document(app, placement, commissioner):
    (client,) = signed_in_browsers(app, commissioner, 1)
    page = client.get(f"/placements/{placement.id}")
    form = {"csrf_token": csrf_token(page), "doc_type": "support-plan", "request_token": request_token(page)}
    for _ in range(3):  # the browser's "resend the form?" after the first has finished
        assert client.post(f"/placements/{placement.id}/documents", data=form).status_code == 302
    assert [d.version for d in _documents(placement.id, DocumentType.SUPPORT_PLAN)] == [1]
    # A new page is a new form: producing again makes the next version.
    again = client.get(f"/placements/{placement.id}")
    assert request_token(again) != form["request_token"]
    form = {"csrf_token": csrf_token(again), "doc_type": "support-plan", "request_token": request_token(again)}
    client.post(f"/placements/{placement.id}/documents", data=form)
    assert [d.version for d in _documents(placement.id, DocumentType.SUPPORT_PLAN)] == [1, 2]


def test_try_again_clicked_twice_makes_the_failed_document_once(app, placement, commissioner):
    from pathlib import Path

    from service.audit.models import AuditEvent
    from service.documents import services as documents
    from service.documents.models import DocumentStatus

    document = documents.request_document(
        commissioner, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    document.status, document.error = DocumentStatus.FAILED, "The converter stopped"
    db.session.commit()
    placement_id, document_id = placement.id, document.id
    first, second = signed_in_browsers(app, commissioner, 2)
    forms = []
    for client in (first, second):
        page = client.get(f"/placements/{placement_id}")
        assert "Try again" in text(page)
        forms.append({"csrf_token": csrf_token(page)})
    url = f"/documents/{document_id}/retry"
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    db.session.expire_all()
    made = db.session.get(Document, document_id)
    assert made.status is DocumentStatus.READY, made.error
    assert made.attempts == 1  # made once, not once per click
    retries = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "retry", AuditEvent.entity_id == document_id)
    ).all()
    assert len(retries) == 1
