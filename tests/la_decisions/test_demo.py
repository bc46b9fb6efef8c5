"""The demo shows the state: a Northbridge pupil with an EHCP waits for Westshire's decision (on the officer's list,
blocking the SENCO's plan); the placements already agreed that the LA decides carry its recorded decision."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.la_decisions import services
from service.placements.models import Placement
from service.rules.decision import DecisionState
from service.rules.placement_status import PlacementStatus
from tests.conftest import browser, sign_in
from tests.helpers import text

LOADED_ON = date(2026, 11, 30)


def test_the_demo_has_a_decision_waiting_and_every_agreed_placement_decided(app, db_session):
    demo.load(LOADED_ON)
    db_session.commit()
    officer = db_session.scalar(sa.select(User).where(User.email == "officer@westshire.example"))
    client = browser(app)
    sign_in(client, officer, DEMO_PASSWORD)
    listed = text(client.get("/decisions"))
    assert "Sami Okoye" in listed and "Northbridge Academy" in listed
    assert "Mo Al-Rashid" not in listed and "Jayden Clarke" not in listed
    assert "Decisions waiting for you" in text(client.get("/"))

    agreed = (PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED)
    for placement in db_session.scalars(sa.select(Placement).where(Placement.status.in_(agreed))):
        assert not services.status_of(placement).state.blocks_agreement, placement.pupil.display_name

    senco = db_session.scalar(sa.select(User).where(User.email == "senco@northbridge.example"))
    school = browser(app)
    sign_in(school, senco, DEMO_PASSWORD)
    sami = next(p for p in db_session.scalars(sa.select(Placement)) if p.pupil.preferred_name == "Sami")
    assert services.status_of(sami).state is DecisionState.WAITING
    check = text(school.get(f"/placements/{sami.id}/plan/check"))
    assert "Waiting for the local authority" in check and "cannot be agreed until 1 check is" in check
