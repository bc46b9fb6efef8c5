"""The demo's agreed plans answer the plan's safety questions consistently, and Mo's EHCP review shows as due."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.placements.models import Placement
from service.pupils.models import Pupil
from service.rules.plan_requirements import ReviewState
from service.support_plans.agreement import agreement_checks
from service.support_plans.checks import Severity
from service.support_plans.models import SupportPlan
from service.support_plans.plan_checks import plan_checks
from tests.conftest import sign_in
from tests.helpers import text

LOADED_ON = date(2026, 11, 30)


def test_every_agreed_demo_plan_meets_the_plan_checks(db_session):
    demo.load(LOADED_ON)
    db_session.commit()
    agreed = db_session.scalars(
        sa.select(Placement).join(SupportPlan).where(SupportPlan.agreed_at.is_not(None)).order_by(Placement.id)
    ).all()
    assert len(agreed) == 5
    for placement in agreed:
        problems = [c for c in plan_checks(placement, LOADED_ON) if c.severity is Severity.BLOCKER]
        assert problems == [], placement.pupil.display_name
        assert placement.planned_end is not None
        assert placement.support_plan.risks_identified is True
    directed = [p for p in agreed if p.support_plan.off_site_direction]
    assert [
        (p.pupil.preferred_name or p.pupil.legal_first_name, p.support_plan.off_site_max_weeks) for p in directed
    ] == [("Ellie", 26)]


def test_mo_has_an_ehcp_review_due_soon_on_his_record_and_on_to_do_today(client, db_session):
    demo.load(LOADED_ON)
    db_session.commit()
    mo = db_session.scalar(sa.select(Pupil).where(Pupil.preferred_name == "Mo"))
    assert mo.ehcp_review(LOADED_ON).state is ReviewState.DUE_SOON
    sign_in(client, db_session.scalar(sa.select(User).where(User.email == "senco@northbridge.example")), DEMO_PASSWORD)
    page = text(client.get("/"))
    assert "EHCP annual reviews due (1)" in page
    assert f"/pupils/{mo.id}#ehcp-review" in page


def test_each_blocked_demo_plan_is_blocked_for_its_own_reason_alone(db_session):
    """Tyler's plan shows a provider whose insurance lapsed, Sami's the LA's decision still to come: a demo that
    shows one duty must not hide it behind unanswered questions."""
    demo.load(LOADED_ON)
    db_session.commit()
    blocked = {}
    for placement in db_session.scalars(sa.select(Placement).join(SupportPlan).where(SupportPlan.agreed_at.is_(None))):
        keys = [c.key for c in agreement_checks(placement, LOADED_ON) if c.severity is Severity.BLOCKER]
        blocked[placement.pupil.legal_first_name] = keys
    assert blocked["Tyler"] == ["provider_insurance"]
    assert blocked["Samuel"] == ["decision"]  # Sami
    assert blocked["Callum"] == []  # dual registered at Brook House, which meets every check: ready to agree
