"""``make load``'s journeys (``bench/load/journeys.py``, which ``bench/locustfile.py`` hands to Locust) run once each
against the app, on the demo and a small LA-sized caseload with the load's own accounts (``bench/load/accounts.py``):
a page or form that changes under a journey fails here rather than in a two-minute load run.

Each journey goes through the real pages and forms (CSRF and request tokens from the page), and what it writes is
checked in the database: the plan's views saved, a review and its record, a document asked for, a register week
changed. The queue runs jobs at once in the tests, so the documents are made by the real engine and LibreOffice."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from bench.load import accounts, journeys
from service import demo
from service.attendance.models import AttendanceMark
from service.demo import scale
from service.demo.world import DEMO_PASSWORD
from service.documents.models import Document, DocumentStatus
from service.reviews.models import Review
from service.support_plans.models import SupportPlan
from tests.conftest import browser

pytestmark = pytest.mark.usefixtures("default_templates")

USERS = 5  # three commissioners and two provider staff (journeys.split)


class AppBrowser:
    """``journeys.Client`` over Flask's test client: every answer kept, so the test can check none failed."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.client = browser(app)
        self.answers: list[tuple[str, int]] = []

    def get(self, path: str, *, name: str) -> journeys.Page:
        return self._page(name, self.client.get(path, follow_redirects=True))

    def post(self, path: str, fields: list[tuple[str, str]], *, name: str) -> journeys.Page:
        return self._page(name, self.client.post(path, data=MultiDict(fields), follow_redirects=True))

    def _page(self, name: str, response: TestResponse) -> journeys.Page:
        self.answers.append((name, response.status_code))
        query = response.request.query_string.decode()
        url = response.request.path + (f"?{query}" if query else "")
        return journeys.Page(response.status_code, url, response.get_data(as_text=True), bool(response.history))


@pytest.fixture
def caseload(db_session):  # type: ignore[no-untyped-def]
    """The demo, a caseload of 40 placements at Westshire, and the load's accounts for ``USERS`` people."""
    demo.load()
    db_session.commit()
    scale.add_caseload(40)
    db_session.commit()
    return accounts.add_accounts(USERS, DEMO_PASSWORD)


def _count(db_session, model, *where) -> int:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _person(email: str) -> journeys.Person:
    # One person of their role: every placement is theirs to change (Person.mine), so each journey finds one.
    return journeys.Person(email=email, password=DEMO_PASSWORD, index=0, count=1, rng=random.Random(19))


def test_the_split_and_the_accounts(db_session, caseload) -> None:  # type: ignore[no-untyped-def]
    assert caseload == journeys.split(USERS) == (3, 2)
    assert journeys.split(50) == (30, 20)
    assert journeys.split(1) == (1, 0)


def test_no_two_people_write_to_one_placement() -> None:
    """Each placement is one commissioner's to change, and one of its provider's staff's (20 staff at 6 providers)."""
    commissioners = [journeys.commissioner(n, 30, "") for n in range(30)]
    staff = [journeys.provider_staff(n, 20, "") for n in range(20)]
    for placement_id in range(1, 3001):
        assert sum(p.mine(placement_id) for p in commissioners) == 1
        for organisation in range(journeys.PROVIDER_ORGANISATIONS):
            colleagues = staff[organisation :: journeys.PROVIDER_ORGANISATIONS]
            assert sum(p.mine(placement_id) for p in colleagues) == 1
    # and everyone has some: a provider's placements (every sixth id) are shared among all its staff
    for organisation in range(journeys.PROVIDER_ORGANISATIONS):
        for person in staff[organisation :: journeys.PROVIDER_ORGANISATIONS]:
            assert any(person.mine(pid) for pid in range(organisation + 1, 3001, journeys.PROVIDER_ORGANISATIONS))


def test_every_commissioner_journey_runs_once(app, db_session, caseload) -> None:  # type: ignore[no-untyped-def]
    person = _person(journeys.COMMISSIONER_EMAIL.format(index=0))
    client = AppBrowser(app)
    journeys.sign_in(client, person)
    before = {
        "reviews": _count(db_session, Review),
        "documents": _count(db_session, Document),
    }
    for journey in journeys.COMMISSIONER_JOURNEYS:
        journey(client, person)
    failed = [(name, status) for name, status in client.answers if status >= 400]
    assert not failed, failed
    visited = {name for name, _status in client.answers}
    assert {"/", "/placements/[id]/attendance", "/placements/[id]/plan/[step] (post)"} <= visited
    assert "/placements/[id]/reviews/new (post)" in visited, "no placement could be reviewed"

    # What the journeys wrote: the views on a plan, a review with its record, the document asked for, all made.
    assert _count(db_session, SupportPlan, SupportPlan.child_views.like("%Spoke with the pupil on%")) == 1
    assert _count(db_session, Review) == before["reviews"] + 1
    added = db_session.scalars(sa.select(Document).order_by(Document.id).offset(before["documents"])).all()
    assert len(added) >= 2  # the review record, then the document asked for
    assert {d.status for d in added} == {DocumentStatus.READY}, [(d.doc_type, d.status, d.error) for d in added]


def test_every_provider_journey_runs_once(app, db_session, caseload) -> None:  # type: ignore[no-untyped-def]
    person = _person(journeys.PROVIDER_EMAIL.format(index=0))
    client = AppBrowser(app)
    journeys.sign_in(client, person)
    marks = db_session.execute(sa.select(AttendanceMark.id, AttendanceMark.code)).all()
    for journey in journeys.PROVIDER_JOURNEYS:
        journey(client, person)
    failed = [(name, status) for name, status in client.answers if status >= 400]
    assert not failed, failed
    assert "/placements/[id]/attendance/week/[monday] (post)" in {name for name, _status in client.answers}
    db_session.expire_all()
    after = db_session.execute(sa.select(AttendanceMark.id, AttendanceMark.code)).all()
    assert set(after) != set(marks), "saving the week changed no mark"


def test_a_form_that_lands_elsewhere_is_a_failure(app, db_session, caseload) -> None:  # type: ignore[no-untyped-def]
    """The journeys' own check: a person who could not sign in is told so, not counted as a success."""
    person = journeys.Person(email="nobody@scale.example", password="wrong", index=0, count=1)
    with pytest.raises(journeys.JourneyError, match="could not sign in"):
        journeys.sign_in(AppBrowser(app), person)
