"""The issue's promise: with the demo data, a new user sees a dashboard that tells them what to do today —
each thing with its reason and a link to the page that does it."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from tests.conftest import sign_in
from tests.helpers import text

LOADED_ON = date(2026, 11, 30)  # a Monday in the autumn term


def _to_do(page: str) -> str:
    return page.split('id="to-do"')[1].split('id="provider-packs"')[0]


def _signed_in(client, db_session, email: str):  # type: ignore[no-untyped-def]
    demo.load(LOADED_ON)
    db_session.commit()
    sign_in(client, db_session.scalar(sa.select(User).where(User.email == email)), DEMO_PASSWORD)
    return client


def test_the_senco_opens_on_what_to_do_today(client, db_session):
    to_do = _to_do(text(_signed_in(client, db_session, "senco@northbridge.example").get("/")))

    # Ellie's absence of last week is still to decide: within its five school days or past them, depending on the
    # weekday the test runs, and on exactly one of the two lists.
    in_time = "Ellie Whitfield</a> — 1 absence without a reason" in to_do
    late = "Ellie Whitfield</a> — 1 absence not decided within five school days" in to_do
    assert in_time != late
    assert re.search(r"Absent without a reason \(\d+\)" if in_time else r"within five school days \(\d+\)", to_do)
    assert "/attendance#unexplained" in to_do
    assert "Agreed, not yet sent for signatures" in to_do and "#signatures" in to_do
    assert "Freya Lindqvist</a> — No placement started" in to_do
    for link in re.findall(r'href="([^"]+)"', to_do):
        assert client.get(link.split("#")[0]).status_code == 200, link  # every link opens its page


def test_the_provider_opens_on_the_registers_and_reports_it_owes(client, db_session):
    page = text(_signed_in(client, db_session, "staff@horizon.example").get("/"))
    to_do = page.split('id="to-do"')[1]

    assert re.search(r"Progress reports to write \(\d+\)", to_do)
    assert "Ellie Whitfield</a> — Autumn term 2026 progress report" in to_do and "(a draft is started)" in to_do
    assert "Reviews overdue" not in page and "Freya" not in page
