"""From the configured commencement of the Children's Wellbeing and Schools Act 2026 s43, a pupil with SEN support
counts like a looked-after pupil: one at an unregistered provider full time stops the plan being agreed (until the
override the provider-checks work records). Before it, or with no commencement configured, the same plan is fine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from service.app import create_app
from service.extensions import db
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text


@pytest.fixture
def sen_support_placement(school, provider) -> Placement:  # type: ignore[no-untyped-def]
    """A complete plan, 25 hours a week at an unregistered provider, for a pupil with SEN support."""
    provider.dfe_registered = False
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Sunita", sen_status=SenStatus.SEN_SUPPORT)
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, planned_start=date.today() + timedelta(days=14)
    )
    plan = factories.SupportPlanFactory(placement=placement, review_date=date.today() + timedelta(days=30))
    factories.PlanObjectiveFactory(support_plan=plan)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(25), delivered_by=DeliveredBy.PROVIDER)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(5), delivered_by=DeliveredBy.SCHOOL)
    db.session.commit()
    return placement


def _senco(base_settings, tmp_path, commissioner, commencement):  # type: ignore[no-untyped-def]
    settings = replace(base_settings, output_dir=tmp_path / "output", cwsa_s43_commencement=commencement)
    client = browser(create_app(settings, overrides={"TESTING": True}))
    sign_in(client, commissioner)
    return client


def test_after_commencement_a_full_time_pupil_with_sen_support_blocks_agreement(
    base_settings, tmp_path, commissioner, sen_support_placement, default_templates
):
    senco = _senco(base_settings, tmp_path, commissioner, date.today() - timedelta(days=1))

    check = senco.get(f"/placements/{sen_support_placement.id}/plan/check")

    page = text(check)
    assert "who is looked after or has special educational needs" in page
    assert "must register as an independent school (the Children&#39;s Wellbeing and Schools Act 2026 s43" in page
    refused = senco.post(
        f"/placements/{sen_support_placement.id}/plan/agree", data=form_data(check, {}), follow_redirects=True
    )
    assert "cannot be agreed yet" in text(refused)
    db.session.expire_all()
    assert db.session.get(Placement, sen_support_placement.id).status is PlacementStatus.DRAFT


@pytest.mark.parametrize(
    "commencement", [pytest.param(None, id="not-configured"), pytest.param(1, id="commences-tomorrow")]
)
def test_before_commencement_the_same_plan_is_agreed(
    base_settings, tmp_path, commissioner, sen_support_placement, default_templates, commencement
):
    day = None if commencement is None else date.today() + timedelta(days=commencement)
    senco = _senco(base_settings, tmp_path, commissioner, day)

    check = senco.get(f"/placements/{sen_support_placement.id}/plan/check")

    page = text(check)
    assert "must register as an independent school" not in page
    assert "not looked after or with an EHCP" in page
    agreed = senco.post(f"/placements/{sen_support_placement.id}/plan/agree", data=form_data(check, {}))
    assert agreed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, sen_support_placement.id).status is PlacementStatus.AGREED
