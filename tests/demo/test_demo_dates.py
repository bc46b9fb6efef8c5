"""The demo tells a true story on the day it is loaded: no plan "Agreed on" a day still to come, its planning
meeting before it was agreed, and the school's signer someone the SENCO can witness (not the SENCO themselves)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.signing.rounds import same_person
from service.support_plans.models import SupportPlan
from tests.helpers import text

TODAY = date(2026, 3, 4)


def test_no_demo_plan_was_agreed_in_the_future(app, db_session):
    demo.load(TODAY)
    db_session.commit()
    agreed = [plan for plan in db_session.scalars(sa.select(SupportPlan)) if plan.agreed_at is not None]
    assert len(agreed) >= 4
    for plan in agreed:
        assert plan.agreed_at.date() < TODAY, (plan.placement.pupil.display_name, plan.agreed_at)
        assert plan.planning_meeting_date <= plan.agreed_at.date()


def test_the_demo_placement_page_never_says_a_plan_was_agreed_on_a_day_to_come(app, db_session, client):
    from tests.conftest import sign_in

    demo.load(date.today())
    db_session.commit()
    senco = db_session.scalars(sa.select(User).where(User.email == "senco@northbridge.example")).one()
    sign_in(client, senco, "apdocs-demo-2026")
    for plan in db_session.scalars(sa.select(SupportPlan)):
        if plan.agreed_at is None or plan.placement.commissioning_organisation_id != senco.organisation_id:
            continue
        page = text(client.get(f"/placements/{plan.placement_id}"))
        assert "Agreed on" in page
        assert plan.agreed_at.date() < date.today()


def test_the_demo_senco_never_witnesses_their_own_signature(app, db_session):
    demo.load(TODAY)
    db_session.commit()
    senco = db_session.scalars(sa.select(User).where(User.email == "senco@northbridge.example")).one()
    for plan in db_session.scalars(sa.select(SupportPlan)):
        if plan.placement.commissioning_organisation_id == senco.organisation_id:
            assert not same_person(plan.school_rep, senco), plan.school_rep
