"""The AP Support Plan says who agreed the placement: where the local authority decided, its recorded decision
(which LA, when, which officer, the EHCP review that considered it), not what the school typed when it started
the placement; and the EHCP review is left out with the SEN when the SEN is kept from the provider."""

from __future__ import annotations

from datetime import date

from service.documents.kinds.support_plan import build_support_plan_context
from service.pupils.models import SenStatus
from service.rules.decision import Circumstance, DecisionMaker, LaOutcome
from tests import factories

ON = date(2026, 1, 12)


def _ehcp_placement(school):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.EHCP)
    return factories.PlacementFactory(
        pupil=pupil,
        circumstance=Circumstance.ON_ROLL,
        decision_maker=DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW,
        decided_by="SEN team, at the review",
    )


def test_the_plan_names_the_las_recorded_decision(db_session, school, local_authority):
    placement = _ehcp_placement(school)
    factories.SupportPlanFactory(placement=placement)
    factories.LaDecisionFactory(placement=placement)

    decided_by = build_support_plan_context(placement, on=ON)["placement"]["decided_by"]

    assert decided_by == (
        "Westshire Council: agreed on 10 December 2025 by Lee Officer, SEN casework officer, "
        "at the EHCP review of 3 December 2025, with health input from Dr A Khan, consultant paediatrician on "
        "1 December 2025"
    )


def test_without_the_las_agreement_the_plan_keeps_what_the_school_recorded(db_session, school, local_authority):
    placement = _ehcp_placement(school)
    factories.SupportPlanFactory(placement=placement)
    factories.LaDecisionFactory(placement=placement, outcome=LaOutcome.NOT_AGREE)

    assert build_support_plan_context(placement, on=ON)["placement"]["decided_by"] == "SEN team, at the review"


def test_the_ehcp_review_is_kept_out_with_the_sen(db_session, school, local_authority):
    placement = _ehcp_placement(school)
    factories.SupportPlanFactory(placement=placement)
    factories.ProviderPackFactory(placement=placement, withheld=["sen"], withheld_reasons={"sen": "Parent asked."})
    factories.LaDecisionFactory(placement=placement)

    decided_by = build_support_plan_context(placement, on=ON)["placement"]["decided_by"]

    assert decided_by.startswith("Westshire Council: agreed on 10 December 2025")
    assert "EHCP" not in decided_by


def test_a_plan_the_la_commissioned_is_signed_by_its_representative_not_a_schools(db_session, school, local_authority):
    la_placement = factories.PlacementFactory(commissioning_organisation=local_authority)
    factories.SupportPlanFactory(placement=la_placement)
    school_placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school))
    factories.SupportPlanFactory(placement=school_placement)

    la_roles = [s["role"] for s in build_support_plan_context(la_placement, on=ON)["signatures"].values()]
    school_roles = [s["role"] for s in build_support_plan_context(school_placement, on=ON)["signatures"].values()]

    assert la_roles == ["Parent or carer", "Local authority representative", "Alternative provider representative"]
    assert school_roles == ["Parent or carer", "School representative", "Alternative provider representative"]
