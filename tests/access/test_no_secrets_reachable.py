"""No page or download a member of staff can reach holds a live signing link, one-time code or secure link.

A parent is sent a signing link and a code, and a provider a secure link to a document (the school sends links
outside its trusted domains). Then each staff role signs in and walks everything it can reach: from ``/``,
following every same-site link in every HTML page, plus every route of the access matrix with its ids filled
in. Every answer is searched for the live values, ``.eml`` downloads decoded part by part (quoted-printable and
base64 included). The only place the values exist is the delivered mail, which the test reads to know them.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from email import message_from_bytes, policy
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from service.documents.sending import Letter, send_document
from service.extensions import db
from service.mail import jobs as mail_jobs
from service.mail.models import OutboxMessage
from service.rules.delivery import MailDelivery
from service.signing.rounds import signable_document
from tests.access.test_route_matrix import MATRIX, records  # noqa: F401 - the matrix's records, to fill its ids
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text
from tests.signing.conftest import code_in, delivered_text, link_token, messages_to
from tests.signing.conftest import placement as signable_placement  # noqa: F401 - an agreed plan with its real PDF
from tests.signing.test_signing_flow import _ask

STAFF = ("commissioner", "other_commissioner", "provider_staff", "viewer", "admin")
#: Pages that differ only by a date (attendance weeks, terms) link to each other without end: a few of each do.
SAME_PAGE_BUT_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}-(?:spring|summer|autumn)")
MAX_PAGES = 1500


def _links(page: str, base: str) -> list[str]:
    """Every same-site link of an HTML page, as a path with its query."""
    found = []
    for raw in re.findall(r'href="([^"]+)"', page):
        url = urlsplit(urljoin(base, html.unescape(raw)))
        if url.scheme not in ("http", "https") or url.hostname != "localhost":
            continue
        if url.path.startswith("/static/"):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _is_text(response: TestResponse) -> bool:
    return response.mimetype.startswith("text/") or response.mimetype in ("message/rfc822", "application/json")


def _readable(response: TestResponse) -> str:
    """What a person could read from an answer: its text, and an .eml file's every part decoded."""
    data = response.get_data()
    readable = [data.decode("utf-8", "replace")]
    if response.mimetype == "message/rfc822":
        email = message_from_bytes(data, policy=policy.default)
        readable.append(str(email))
        for part in email.walk():
            if part.is_multipart():
                continue
            content = part.get_content()
            readable.append(content if isinstance(content, str) else content.decode("utf-8", "replace"))
    return "\n".join(readable)


def crawl(client, start: list[str]) -> tuple[dict[str, str], set[str]]:  # type: ignore[no-untyped-def]
    """Visit every page and download reachable from ``start`` by following links. Returns url -> what a person
    could read there, and the urls whose answer is text (pages, CSV, .eml) rather than a PDF or a spreadsheet."""
    seen: dict[str, str] = {}
    textual: set[str] = set()
    per_pattern: Counter[str] = Counter()
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        pattern = SAME_PAGE_BUT_DATE.sub("D", url)
        if url in seen or per_pattern[pattern] >= 3:
            continue
        per_pattern[pattern] += 1
        response = client.get(url)
        seen[url] = _readable(response)
        if _is_text(response):
            textual.add(url)
        if response.status_code in (301, 302, 303) and "Location" in response.headers:
            queue.extend(_links(f'href="{response.headers["Location"]}"', "https://localhost" + url))
        if response.mimetype == "text/html":
            queue.extend(_links(seen[url], "https://localhost" + url))
    assert len(seen) < MAX_PAGES, "the crawl did not finish"
    return seen, textual


@pytest.fixture
def live_secrets(app: Flask, client, commissioner, school, signable_placement, db_session, records):  # type: ignore[no-untyped-def]  # noqa: F811
    """A parent sent a signing link and a code, a provider a secure link to the plan; returns their values."""
    school.mail_delivery = MailDelivery.LINK_OUTSIDE_TRUSTED
    school.trusted_domains = "northbridge.sch.uk"
    db_session.commit()
    sign_in(client, commissioner)
    assert _ask(client, signable_placement).status_code == 302
    parent_token = link_token(messages_to(db_session, "pat@example.com")[0])
    provider_token = link_token(messages_to(db_session, "alex@provider.example")[0])
    phone = browser(app)
    page = phone.get(f"/sign/{parent_token}")
    phone.post(f"/sign/{parent_token}/code", data=form_data(page, {}))
    code = code_in(messages_to(db_session, "pat@example.com")[-1])

    document = signable_document(signable_placement)
    letter = Letter(subject="Provider information pack", body="Dear Horizon,\n\n{delivery}\n", purpose="provider_pack")
    message, _how = send_document(commissioner, school, document, "staff@horizon.example", letter)
    db_session.commit()
    mail_jobs.deliver_message(message.id)
    db_session.expire_all()
    [shared] = re.findall(r"/shared/([A-Za-z0-9_-]{43,})", delivered_text(db_session.get(OutboxMessage, message.id)))
    assert phone.get(f"/shared/{shared}").status_code == 200  # live
    assert "Check it is you" in text(phone.get(f"/sign/{provider_token}"))  # live
    return {
        "parent's signing link": parent_token,
        "provider's signing link": provider_token,
        "code": code,
        "secure link": shared,
    }


@pytest.mark.parametrize("role", STAFF)
def test_no_page_or_download_a_staff_user_can_reach_holds_a_live_secret(app, records, live_secrets, role):  # noqa: F811
    client = browser(app)
    sign_in(client, records["users"][role])
    ids = {key: value for key, value in records.items() if key != "users"}
    ids.update(sign_token="x" * 43, token="y" * 43)  # the matrix's public pages, never with a live value
    reached, textual = crawl(client, ["/", *(template.format(**ids) for template in MATRIX)])
    print(f"{role}: {len(reached)} answers read, {len(textual)} of them text")  # noqa: T201 - for the report

    links = {what: value for what, value in live_secrets.items() if what != "code"}
    leaks = {(what, url) for url, readable in reached.items() for what, value in links.items() if value in readable}
    code = re.compile(rf"(?<!\d){live_secrets['code']}(?!\d)")  # six digits: only where a person reads text
    leaks |= {("code", url) for url in textual if code.search(reached[url])}
    assert not leaks, f"{role} can read a live secret: {sorted(leaks)}"
    if role == "commissioner":  # the outbox was walked, message by message, with its downloads
        messages = db.session.scalars(sa.select(OutboxMessage.id)).all()
        assert {f"/outbox/{m}" for m in messages} <= set(reached)
        assert {f"/outbox/{m}/eml" for m in messages} <= set(reached)
        assert sum("sent only to the recipient" in r for r in reached.values()) >= 8
