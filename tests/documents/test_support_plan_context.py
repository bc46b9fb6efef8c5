"""The AP Support Plan's context: built from a real placement and its support plan (or none yet), exactly the
documented fields, plain JSON, and rendered through the default template with the pupil's data intact."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from service.documents.engine.rendering import render_docx
from service.documents.engine.schema import empty_values
from service.documents.kinds import context_problems
from service.documents.kinds.support_plan import AGREEMENT, ASSESSMENT, REFERRAL, SUPPORT, build_support_plan_context
from service.documents.types import DocumentType
from service.placements.models import PlacementSession
from service.providers.models import ProviderContact
from service.pupils.models import SafeguardingStatus, SenStatus
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.full_time import DeliveredBy, PartTimeReason
from service.rules.placement_status import PlacementStatus
from service.support_plans.models import SupportPlan
from service.support_plans.overrides import PlanOverride
from tests import factories
from tests.documents.conftest import all_text, default_template

PLAN_TEMPLATE = "support_plan.docx"
ON = date(2026, 1, 12)


@pytest.fixture
def placement(db_session, school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(
        organisation=school,
        school=school,
        legal_first_name="Jayden",
        legal_last_name="O'Brien-Smith",
        preferred_name="Jay",
        date_of_birth=date(2011, 3, 14),
        upn="A931400119001",
        sen_status=SenStatus.SEN_SUPPORT,
        safeguarding_status=SafeguardingStatus.EARLY_HELP,
        looked_after=True,
        fsm_eligible=True,
    )
    factories.ParentCarerFactory(
        pupil=pupil,
        name="Pat O'Brien",
        relationship_to_pupil="Mother",
        phone="07700 900123",
        email="pat@example.org",
        address="1 High Street\nNorthbridge",
        parental_responsibility=True,
        position=0,
    )
    factories.ParentCarerFactory(
        pupil=pupil, name="Sam Step", relationship_to_pupil="Step-father", parental_responsibility=False, position=1
    )
    provider.address = "Unit 4, Riverside Park\nNorthbridge"
    provider.postcode = "NB3 4EF"
    provider.contacts.append(ProviderContact(name="Office", role="Reception", is_placement_contact=False))
    provider.contacts.append(
        ProviderContact(name="Alex Jones", role="Centre manager", phone="01632 960002", is_placement_contact=True)
    )
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        commissioning_organisation=school,
        circumstance=Circumstance.ON_ROLL,
        decision_maker=DecisionMaker.SCHOOL_SENIOR_LEADERSHIP,
        decided_by="Ms R Patel, Deputy Head",
        status=PlacementStatus.AGREED,
        planned_start=date(2026, 1, 5),
        planned_end=date(2026, 3, 27),
        reason_for_referral="Struggling in lessons & <corridors>.\n\nNeeds a smaller group.\nMornings are hard.",
    )
    placement.sessions.append(PlacementSession(weekday=3, starts_at=time(13, 0), ends_at=time(14, 45)))
    db_session.commit()
    return placement


def test_the_context_has_exactly_the_documented_fields(placement) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON, version=3)

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == []


def test_the_context_is_plain_json(placement) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON)

    assert json.loads(json.dumps(context)) == context


def test_the_pupil_is_named_as_they_prefer_and_legally(placement) -> None:  # type: ignore[no-untyped-def]
    pupil = build_support_plan_context(placement, on=ON)["pupil"]

    assert pupil == {
        "display_name": "Jay O'Brien-Smith",
        "legal_name": "Jayden O'Brien-Smith",
        "preferred_name": "Jay",
        "legal_first_name": "Jayden",
        "legal_last_name": "O'Brien-Smith",
        "date_of_birth": "14 March 2011",
        "date_of_birth_iso": "2011-03-14",
        "year_group": "Year 10",
        "upn": "A931400119001",
        "school": "Northbridge Academy",
        "sen_status": "SEN support",
        "sen_census_code": "K",
        "safeguarding_status": "Early help",
        "looked_after": True,
        "fsm_eligible": True,
    }


def test_parents_provider_commissioner_and_placement(placement) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON, version=2)

    assert context["document"] == {
        "title": "Alternative Provision Support Plan",
        "version": "2",
        "generated_on": "12 January 2026",
        "generated_on_iso": "2026-01-12",
    }
    assert context["parents"] == [
        {
            "name": "Pat O'Brien",
            "relationship": "Mother",
            "phone": "07700 900123",
            "email": "pat@example.org",
            "address": "1 High Street\nNorthbridge",
            "parental_responsibility": True,
        },
        {
            "name": "Sam Step",
            "relationship": "Step-father",
            "phone": "07700 900123",
            "email": "",
            "address": "",
            "parental_responsibility": False,
        },
    ]
    provider = context["provider"]
    assert provider["name"] == "Horizon Skills CIC"
    assert provider["address"] == "Unit 4, Riverside Park\nNorthbridge\nNB3 4EF"
    assert (provider["contact_name"], provider["contact_role"], provider["contact_phone"]) == (
        "Alex Jones",
        "Centre manager",
        "01632 960002",
    )
    assert provider["dsl_name"] == "Dee Safeguarding"
    assert context["commissioner"] == {"name": "Northbridge Academy", "kind": "School"}
    assert context["placement"] == {
        "status": "Agreed",
        "circumstance": "On a school's roll",
        "decision_maker": "The school's senior leadership team",
        "decided_by": "Ms R Patel, Deputy Head",
        "planned_start": "5 January 2026",
        "planned_start_iso": "2026-01-05",
        "planned_end": "27 March 2026",
        "planned_end_iso": "2026-03-27",
        "actual_start": "",
        "actual_start_iso": "",
        "actual_end": "",
        "actual_end_iso": "",
        "hours_per_week": "4.8",
    }
    assert context["sessions"] == [
        {"day": "Tuesday", "starts_at": "09:00", "ends_at": "12:00", "hours": "3"},
        {"day": "Thursday", "starts_at": "13:00", "ends_at": "14:45", "hours": "1.75"},
    ]
    assert context["assessment"]["reason_for_referral"] == placement.reason_for_referral


def test_a_pupil_without_a_school_or_contacts(db_session) -> None:  # type: ignore[no-untyped-def]
    la = factories.LocalAuthorityFactory(name="Access to Learning")
    pupil = factories.PupilFactory(organisation=la, school=None, upn=None)
    placement = factories.PlacementFactory(pupil=pupil, circumstance=Circumstance.NO_SCHOOL_PLACE)

    context = build_support_plan_context(placement, on=ON)

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == []
    assert (context["pupil"]["school"], context["pupil"]["upn"]) == ("", "")
    assert context["provider"]["contact_name"] == ""
    assert context["parents"] == []


# -- the support plan itself ---------------------------------------------------------------------------


@pytest.fixture
def plan(placement, db_session):  # type: ignore[no-untyped-def]
    """The placement's full support plan: two objectives, interventions in three settings (24.5 hours, part
    time for a recorded reason), agreed, and two reviews of which only the second changed the plan."""
    mother, _step = placement.pupil.parents
    senco = factories.UserFactory(name="Kay Owen", organisation=placement.commissioning_organisation)
    plan = factories.SupportPlanFactory(
        placement=placement,
        parent_ids=[mother.id, 999_999],  # a parent since removed from the pupil drops out
        separate_risk_assessment=False,
        part_time_reason=PartTimeReason.SCHOOL_OTHER_DAYS.value,
        part_time_detail="In school on Monday and Friday.",
        agreed_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 1 July in the UK (BST)
        agreed_by=senco,
    )
    db_session.add(  # a senior leader overrode the registration check, with the report (support_plans.overrides)
        PlanOverride(
            placement_id=placement.id,
            check_key="registration",
            check_title="Provider registration",
            check_message="The provider must register as an independent school.",
            reason="The provider is registering; DfE confirmed by letter.",
            by=senco,
            at=datetime(2026, 6, 30, 9, 0, tzinfo=UTC),
            reported_on=date(2026, 6, 29),
            reported_by="Kay Owen",
        )
    )
    factories.PlanObjectiveFactory(support_plan=plan, position=0)
    factories.PlanObjectiveFactory(
        support_plan=plan,
        position=1,
        area=None,
        objective="Read a chapter a week",
        baseline="",
        target="",
        measure="",
        due_by=None,
    )
    factories.PlanInterventionFactory(support_plan=plan, position=0, hours_per_week=Decimal("15.0"))
    factories.PlanInterventionFactory(
        support_plan=plan,
        position=1,
        intervention_type="Maths in school",
        hours_per_week=Decimal("6.5"),
        delivered_by=DeliveredBy.SCHOOL,
        start_date=None,
    )
    factories.PlanInterventionFactory(
        support_plan=plan,
        position=2,
        intervention_type="Mentoring",
        hours_per_week=Decimal("3"),
        delivered_by=DeliveredBy.OTHER,
    )
    factories.PlanInterventionFactory(
        support_plan=plan, position=3, intervention_type="Taster days", hours_per_week=None
    )
    factories.ReviewFactory(placement=placement, number=1)
    factories.ReviewFactory(
        placement=placement,
        number=2,
        meeting_date=date(2026, 3, 23),
        changes_to_plan="One day a week in school from April.",
        extension_agreed=True,
        new_end_date=date(2026, 5, 22),
    )
    db_session.expire_all()
    return plan


def test_a_full_plan_has_exactly_the_documented_fields_and_is_plain_json(placement, plan) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON)

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == []
    assert json.loads(json.dumps(context)) == context


def test_the_planning_meeting_names_who_took_part(placement, plan) -> None:  # type: ignore[no-untyped-def]
    assert build_support_plan_context(placement, on=ON)["referral"] == {
        "planning_meeting_date": "8 December 2025",
        "planning_meeting_date_iso": "2025-12-08",
        "school_rep": "Ms K Owen, SENCO",
        "provider_rep": "Alex Jones, Centre manager",
        "parents": [{"name": "Pat O'Brien", "relationship": "Mother"}],
        "other_professionals": "Educational psychologist",
    }


def test_the_assessment_of_need_holds_every_answer_and_the_desired_outcomes(placement, plan) -> None:  # type: ignore[no-untyped-def]
    assert build_support_plan_context(placement, on=ON)["assessment"] == {
        "child_views": "I like making things with my hands.",
        "parental_views": "Mornings are hard at home.",
        "academic_progress": "Working below the expected level in English.",
        "risks": "Has left the school site twice.",
        "separate_risk_assessment": "No",
        "reason_for_referral": placement.reason_for_referral,
        "desired_outcomes": {
            "attendance": "Attend every session.",
            "attitude": "Feel confident in a group.",
            "attainment": "Entry level 3 functional skills English.",
            "behaviour": "No removals from class.",
            "destination": "Back in lessons full time.",
        },
        "risk_assessment": {
            "risks_identified": "Yes",
            "joint_assessment_date": "8 December 2025",
            "joint_assessment_date_iso": "2025-12-08",
            "joint_assessment_by": "Ms K Owen (SENCO), Alex Jones (centre manager)",
            "joint_assessment_attached": "Yes",
            "health_safety_check_date": "1 December 2025",
            "health_safety_check_date_iso": "2025-12-01",
            "health_safety_outcome": "Satisfactory",
        },
    }


def test_objectives_and_interventions_are_listed_in_the_order_entered(placement, plan) -> None:  # type: ignore[no-untyped-def]
    support = build_support_plan_context(placement, on=ON)["support"]

    assert support["objectives"] == [
        {
            "area": "Attendance",
            "objective": "Attend every session",
            "baseline": "62% attendance last half-term",
            "target": "95% attendance",
            "measure": "The provider's register",
            "due_by": "13 February 2026",
            "due_by_iso": "2026-02-13",
            "ehcp_outcome": "",
        },
        {
            "area": "",
            "objective": "Read a chapter a week",
            "baseline": "",
            "target": "",
            "measure": "",
            "due_by": "",
            "due_by_iso": "",
            "ehcp_outcome": "",
        },
    ]
    assert [(i["type"], i["hours"], i["delivered_by"], i["start_date"]) for i in support["interventions"]] == [
        ("Construction skills", "15", "The alternative provider", "5 January 2026"),
        ("Maths in school", "6.5", "The home school", ""),
        ("Mentoring", "3", "Another setting", "5 January 2026"),
        ("Taster days", "", "The alternative provider", "5 January 2026"),
    ]


def test_a_part_time_package_says_its_hours_in_every_setting_and_why(placement, plan) -> None:  # type: ignore[no-untyped-def]
    support = build_support_plan_context(placement, on=ON)["support"]

    assert (support["total_hours"], support["hours_at_provider"], support["full_time_hours"]) == ("24.5", "15", "30")
    assert support["full_time"] is False
    assert support["part_time_reason"] == "Part-time AP: the pupil attends school for the rest of the week"
    assert support["part_time_detail"] == "In school on Monday and Friday."
    assert (support["school_links"], support["attendance_arrangements"], support["agreed_actions"]) == (
        "Weekly phone call from the SENCO.",
        "The provider reports attendance twice daily.",
        "Referral to the school nurse.",
    )
    assert (support["review_meeting_date"], support["review_meeting_date_iso"]) == ("9 February 2026", "2026-02-09")


def test_a_full_time_package_prints_no_part_time_reason(placement, plan, db_session) -> None:  # type: ignore[no-untyped-def]
    plan.interventions[0].hours_per_week = Decimal("20.5")  # 20.5 + 6.5 + 3 = 30
    db_session.commit()

    support = build_support_plan_context(placement, on=ON)["support"]

    assert (support["total_hours"], support["full_time"]) == ("30", True)
    assert (support["part_time_reason"], support["part_time_detail"]) == ("", "")


def test_a_part_time_reason_the_rules_do_not_know_still_prints(placement, plan, db_session) -> None:  # type: ignore[no-untyped-def]
    plan.part_time_reason = "phased_return"
    db_session.commit()

    assert build_support_plan_context(placement, on=ON)["support"]["part_time_reason"] == "phased_return"


def test_the_agreement_says_when_in_the_uk_and_who(placement, plan) -> None:  # type: ignore[no-untyped-def]
    assert build_support_plan_context(placement, on=ON)["agreement"] == {
        "agreed": True,
        "agreed_on": "1 July 2026",
        "agreed_on_iso": "2026-07-01",
        "agreed_by": "Kay Owen",
        "registration_override_reason": "The provider is registering; DfE confirmed by letter.",
    }


def test_the_checks_a_senior_leader_overrode_are_listed(placement, plan) -> None:  # type: ignore[no-untyped-def]
    assert build_support_plan_context(placement, on=ON)["overrides"] == [
        {
            "check": "Provider registration",
            "what": "The provider must register as an independent school.",
            "reason": "The provider is registering; DfE confirmed by letter.",
            "by": "Kay Owen",
            "on": "30 June 2026",
            "on_iso": "2026-06-30",
            "reported": "Reported to the DfE, Ofsted and the Virtual AP Headteacher on 29 June 2026 by Kay Owen",
        }
    ]


def test_only_reviews_that_changed_the_plan_are_listed(placement, plan) -> None:  # type: ignore[no-untyped-def]
    assert build_support_plan_context(placement, on=ON)["reviews"] == [
        {
            "number": "2",
            "meeting_date": "23 March 2026",
            "meeting_date_iso": "2026-03-23",
            "changes_to_need": "",
            "changes_to_outcomes": "",
            "changes_to_plan": "One day a week in school from April.",
            "extension_agreed": True,
            "new_end_date": "22 May 2026",
            "new_end_date_iso": "2026-05-22",
        }
    ]


def test_without_a_plan_every_answer_is_empty_but_the_reason_for_referral_is_there(placement) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON)

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == []
    assert context["referral"] == empty_values(REFERRAL)
    assert context["assessment"] == {**empty_values(ASSESSMENT), "reason_for_referral": placement.reason_for_referral}
    assert context["support"] == {**empty_values(SUPPORT), "full_time_hours": "30"}
    assert context["agreement"] == empty_values(AGREEMENT)
    assert context["agreement"]["agreed"] is False
    assert context["reviews"] == []
    assert context["signatures"]["parent_carer"] == {
        "name": "",
        "role": "Parent or carer",
        "signed_on": "",
        "signed_on_iso": "",
        "signature_image": "",
        "typed_signature": "",
    }


def test_a_draft_plan_with_unanswered_questions_is_empty_not_an_error(placement, db_session) -> None:  # type: ignore[no-untyped-def]
    db_session.add(SupportPlan(placement=placement))  # saved at the first step: nothing answered yet
    db_session.commit()

    context = build_support_plan_context(placement, on=ON)

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == []
    assert context["referral"] == {**empty_values(REFERRAL)}
    assert context["assessment"]["separate_risk_assessment"] == ""
    assert context["assessment"]["desired_outcomes"] == empty_values(ASSESSMENT)["desired_outcomes"]
    assert (context["support"]["objectives"], context["support"]["interventions"]) == ([], [])
    assert (context["support"]["total_hours"], context["support"]["full_time"]) == ("", False)
    assert context["agreement"]["agreed"] is False


# -- the default template ------------------------------------------------------------------------------


def test_the_default_template_prints_a_full_plan(placement, plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    placement.pupil.preferred_name = "Tom & Jerry <script>"
    context = build_support_plan_context(placement, on=ON, version=4)

    paragraphs = all_text(render_docx(default_template(PLAN_TEMPLATE, tmp_path), context))
    text = "\n".join(paragraphs)

    assert "Alternative Provision Support Plan" in paragraphs
    assert "Tom & Jerry <script> O'Brien-Smith" in paragraphs
    assert "Jayden O'Brien-Smith" in paragraphs
    assert "14 March 2011" in paragraphs and "Year 10" in paragraphs
    assert "8 December 2025" in paragraphs and "Ms K Owen, SENCO" in paragraphs
    assert "Pat O'Brien (Mother)" in paragraphs  # taking part in the planning meeting
    assert "Struggling in lessons & <corridors>." in paragraphs  # reason for referral: one paragraph each
    assert "Needs a smaller group.\nMornings are hard." in paragraphs
    assert "I like making things with my hands." in paragraphs
    assert "Feel confident in a group." in paragraphs and "Back in lessons full time." in paragraphs
    assert "Read a chapter a week" in paragraphs and "13 February 2026" in paragraphs
    assert "Maths in school" in paragraphs and "The home school" in paragraphs and "6.5" in paragraphs
    assert "24.5" in paragraphs and "No. Full time is 30 hours a week across all settings." in paragraphs
    assert "In school on Monday and Friday." in paragraphs
    assert "Changes agreed at reviews" in paragraphs
    assert "One day a week in school from April." in paragraphs and "New finish date: 22 May 2026" in text
    assert "Yes, on 1 July 2026" in paragraphs and "Kay Owen" in paragraphs
    assert "The provider is registering; DfE confirmed by letter." in paragraphs
    assert not any("Draft" in p for p in paragraphs)
    assert "Thursday" in paragraphs and "1.75" in paragraphs and "4.8" in paragraphs
    assert "Unit 4, Riverside Park\nNorthbridge\nNB3 4EF" in paragraphs  # an address keeps its lines
    assert "OFFICIAL-SENSITIVE" in paragraphs
    assert any("version 4, 12 January 2026" in p and "Page" in p for p in paragraphs)
    assert not any("{{" in p or "{%" in p for p in paragraphs)


def test_the_default_template_prints_a_placement_without_a_plan_as_a_draft(placement, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON)

    paragraphs = all_text(render_docx(default_template(PLAN_TEMPLATE, tmp_path), context))

    assert any("Draft: this plan has not been agreed yet." in p for p in paragraphs)
    assert paragraphs.count("None recorded") == 2  # no objectives, no interventions
    assert paragraphs.count("—") == 2  # the child's and the parents' views are shown, as a dash
    assert "Child's views" in paragraphs and "Parental views and relevant home background" in paragraphs
    assert "Why the package is below full time" in paragraphs  # room to write the reason by hand
    assert "Changes agreed at reviews" not in paragraphs
    assert "Agreement and signatures" in paragraphs
    assert not any("{{" in p or "{%" in p for p in paragraphs)


def test_the_default_template_has_no_reviews_section_until_a_review_changes_the_plan(
    placement, plan, db_session, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for review in placement.reviews:
        review.changes_to_plan, review.extension_agreed = "", False
    db_session.commit()

    context = build_support_plan_context(placement, on=ON)
    paragraphs = all_text(render_docx(default_template(PLAN_TEMPLATE, tmp_path), context))

    assert "Changes agreed at reviews" not in paragraphs
    assert "Agreement and signatures" in paragraphs


def test_an_extension_without_a_new_finish_date_prints_just_the_extension(
    placement, plan, db_session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    placement.reviews[-1].new_end_date = None
    db_session.commit()

    context = build_support_plan_context(placement, on=ON)
    paragraphs = all_text(render_docx(default_template(PLAN_TEMPLATE, tmp_path), context))

    assert "Changes agreed at reviews" in paragraphs and "Review 2" in paragraphs
    assert not any("New finish date" in p for p in paragraphs)
