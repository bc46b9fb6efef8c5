"""The demo shows the provider block: Tyler's complete draft plan at Fresh Start Farm (insurance lapsed) cannot be
agreed, and the SENCO sees why and that a senior leader must override it; every other demo provider meets every
check, so the demo's agreed plans agree with the rules."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.placements.models import Placement
from service.support_plans.agreement import agreement_checks
from service.support_plans.checks import Severity
from tests.conftest import sign_in
from tests.helpers import text


def test_the_demo_shows_a_plan_blocked_by_lapsed_insurance(client, db_session):
    today = date.today()
    demo.load(today)
    db_session.commit()
    placements = db_session.scalars(sa.select(Placement)).all()
    tyler = next(p for p in placements if p.pupil.legal_first_name == "Tyler")
    blocked = {c.key for c in agreement_checks(tyler, today) if c.severity is Severity.BLOCKER}
    assert {key for key in blocked if key.startswith("provider")} == {"provider_insurance"}

    for placement in placements:
        if placement.support_plan is not None and placement.support_plan.agreed_at is not None:
            checks = agreement_checks(placement, today)
            assert [c.key for c in checks if c.key.startswith("provider") and c.severity is not Severity.OK] == []

    senco = db_session.scalar(sa.select(User).where(User.email == "senco@northbridge.example"))
    sign_in(client, senco, DEMO_PASSWORD)
    page = text(client.get(f"/placements/{tyler.id}/plan/check"))
    assert "The provider&#39;s insurance expired on" in page or "The provider's insurance expired on" in page
    assert "Only a senior leader can override a check that stops the plan" in page
