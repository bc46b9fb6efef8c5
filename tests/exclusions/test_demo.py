"""The demo shows a pupil excluded with a day-6 deadline a few school days ahead and no placement yet: on the
SENCO's To do today and on the Westshire officer's, whatever day the demo is loaded."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.exclusions import services
from service.rules.exclusions import DutyState
from tests.conftest import browser, sign_in
from tests.helpers import text

HEADING = "Excluded pupils: education due from day 6"


@pytest.mark.parametrize(
    "loaded_on",
    [date.today(), date(2026, 11, 30), date(2026, 12, 19), date(2027, 2, 15)],
    ids=["today", "a-monday-in-term", "a-saturday-before-christmas", "half-term"],
)
def test_freya_is_excluded_with_her_sixth_day_a_few_school_days_ahead(db_session, loaded_on):
    demo.load(loaded_on)
    db_session.commit()
    officer = db_session.scalar(sa.select(User).where(User.email == "officer@westshire.example"))
    (found,) = services.current(officer, loaded_on)
    assert found.exclusion.pupil.legal_first_name == "Freya"
    assert found.duty.state is DutyState.DUE and 3 <= (found.duty.school_days_left or 0) <= 4


def test_the_senco_and_the_officer_see_it_on_to_do_today(app, db_session):
    demo.load(date.today())
    db_session.commit()
    for email in ("senco@northbridge.example", "officer@westshire.example"):
        client = browser(app)
        sign_in(client, db_session.scalar(sa.select(User).where(User.email == email)), DEMO_PASSWORD)
        page = text(client.get("/"))
        assert HEADING in page, email
        assert "Freya Lindqvist" in page.split(HEADING)[1].split("</ul>")[0], email
