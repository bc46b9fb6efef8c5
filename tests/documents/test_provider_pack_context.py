"""The provider information pack's context: exactly the documented fields, plain JSON, only what a provider
needs, and nothing of a section the commissioner kept out of the pack -- not even in the stored context.
The default template passes the upload checks and leaves a withheld section out, heading and all."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from service.documents.engine.rendering import render_docx
from service.documents.kinds import check_template, context_problems
from service.documents.kinds.provider_pack import PACK_SECTIONS, build_provider_pack_context
from service.documents.types import DocumentType
from service.pupils.models import SafeguardingStatus, SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from service.rules.provider_pack import PackSection, needs_reason
from tests import factories
from tests.documents.conftest import all_text, default_template

PACK = DocumentType.PROVIDER_PACK
ON = date(2026, 1, 2)

#: The pack's own answers (ProviderPackFactory's), by the section that withholds each.
PACK_TEXT = {
    PackSection.SEN: ["Dyslexia: needs instructions given one at a time."],
    PackSection.LITERACY: ["Reading age 9 years 2 months; uses a coloured overlay."],
    PackSection.MEDICAL: ["Asthma: inhaler in the front pocket of the bag."],
    PackSection.WHAT_WORKS: ["Praise in private; a job to do when arriving.", "Reading aloud in front of the group."],
    PackSection.BEHAVIOUR: ["Walks out when frustrated.", "An agreed time-out card and a quiet space."],
    PackSection.RISKS: ["Has left the school site twice."],  # the support plan's risks
    PackSection.INTERESTS: ["Bikes, drawing, looking after animals."],
    PackSection.TRANSPORT: ["Taxi arranged by the LA, pick-up 08:30 from home."],
}

#: Each withholdable section's heading (or row label) in the default template.
HEADINGS = {
    PackSection.SAFEGUARDING_STATUS: "Safeguarding status",
    PackSection.RISKS: "Risks to be aware of",
    PackSection.SEN: "Special educational needs",
    PackSection.LITERACY: "Reading and writing",
    PackSection.MEDICAL: "Medical needs",
    PackSection.WHAT_WORKS: "What works and what to avoid",
    PackSection.BEHAVIOUR: "Behaviour: what to expect and what helps",
    PackSection.INTERESTS: "Strengths and interests",
    PackSection.FSM: "Free school meals",
    PackSection.TRANSPORT: "Transport",
}


@pytest.fixture
def pupil(db_session, school):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(
        organisation=school,
        legal_first_name="Amara",
        legal_last_name="Nwosu",
        preferred_name="Ami",
        sen_status=SenStatus.EHCP,
        safeguarding_status=SafeguardingStatus.CHILD_IN_NEED,
        fsm_eligible=True,
    )
    factories.ParentCarerFactory(
        pupil=pupil, name="Grace Nwosu", phone="07700 900456", email="grace@example.org", address="1 High St"
    )
    return pupil


@pytest.fixture
def placement(pupil, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.REFERRED)


@pytest.fixture
def full(placement, db_session):  # type: ignore[no-untyped-def]
    """A placement with a complete pack (nothing withheld), a plan with an objective and two interventions."""
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan)
    factories.PlanInterventionFactory(support_plan=plan, position=0)
    factories.PlanInterventionFactory(
        support_plan=plan,
        position=1,
        intervention_type="English and maths",
        hours_per_week=Decimal("12.5"),
        delivered_by=DeliveredBy.SCHOOL,
    )
    factories.ProviderPackFactory(placement=placement)
    db_session.expire_all()
    return placement


def _withhold(placement, db_session, sections) -> None:  # type: ignore[no-untyped-def]
    placement.provider_pack.withheld = [section.value for section in sections]
    db_session.commit()
    db_session.expire_all()


def test_a_full_pack_is_exactly_the_schema_and_plain_json(full) -> None:  # type: ignore[no-untyped-def]
    context = build_provider_pack_context(full, on=ON, version=2)

    assert context_problems(PACK, context) == []
    assert json.loads(json.dumps(context)) == context
    assert context["document"] == {
        "title": "Provider information pack",
        "version": "2",
        "generated_on": "2 January 2026",
        "generated_on_iso": "2026-01-02",
    }
    assert all(context["shared"].values()) and set(context["shared"]) == {s.value for s in PackSection}
    assert context["needs"]["sen_status"] == "EHC plan"
    assert context["needs"]["send_needs"] == PACK_TEXT[PackSection.SEN][0]
    assert context["needs"]["risks"] == "Has left the school site twice."
    assert context["safeguarding"]["status"] == "Child in need"
    assert context["fsm_eligible"] is True
    assert context["transport"] == PACK_TEXT[PackSection.TRANSPORT][0]
    assert context["other_emergency_contacts"] == "Aunt: Grace Hill 07700 900123"


def test_the_safeguarding_and_attendance_contacts_are_the_commissioners(full) -> None:  # type: ignore[no-untyped-def]
    context = build_provider_pack_context(full, on=ON)

    assert context["safeguarding"] == {
        "status": "Child in need",
        "dsl_name": "Mrs P Grant",
        "dsl_phone": "01632 960001",
        "deputy_dsl_name": "Mr D Shah",
        "deputy_dsl_phone": "01632 960002",
        "expectations": "Follow the school's child protection policy and KCSIE 2025.",
        "concern_procedure": "Phone the DSL the same day; record the concern in writing within 24 hours.",
    }
    assert context["attendance"] == {
        "register_code": "B",
        "register_code_meaning": (
            "attending an approved educational activity arranged by the school (counts as present)"
        ),
        "register_code_reason": (
            f"Northbridge Academy arranged the placement and the pupil is not registered at {full.provider.name}"
        ),
        "contact_name": "Attendance office",
        "contact_phone": "01632 960010",
        "contact_email": "attendance@school.example",
        "arrangements": "The provider reports attendance twice daily.",
    }


def test_a_placement_the_local_authority_arranged_is_recorded_as_k(db_session, provider) -> None:  # type: ignore[no-untyped-def]
    team = factories.LocalAuthorityFactory()
    pupil = factories.PupilFactory(organisation=team, school=None)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider)

    attendance = build_provider_pack_context(placement, on=ON)["attendance"]

    assert attendance["register_code"] == "K"
    assert attendance["register_code_meaning"].startswith("attending education provision arranged by the local")
    assert attendance["register_code_reason"] == (
        f"{team.name}, the local authority, arranged the placement and the pupil is not registered at {provider.name}"
    )


@pytest.mark.parametrize("arranged_by", ["school", "local_authority"])
def test_a_pupil_dual_registered_at_the_provider_is_recorded_as_d(db_session, school, arranged_by) -> None:  # type: ignore[no-untyped-def]
    """D versus K/B: dual registration at a pupil referral unit decides the code, whoever arranged the place."""
    pru = factories.ProviderFactory(name="Brook House Pupil Referral Unit", urn="146789", dfe_registered=True)
    owner = school if arranged_by == "school" else factories.LocalAuthorityFactory()
    pupil = factories.PupilFactory(organisation=owner, school=school if owner is school else None)
    placement = factories.PlacementFactory(pupil=pupil, provider=pru, dual_registered=True)

    context = build_provider_pack_context(placement, on=ON)
    attendance = context["attendance"]

    assert context_problems(PACK, context) == []
    assert attendance["register_code"] == "D"
    assert attendance["register_code_meaning"].startswith("dual registered, attending the other school")
    assert attendance["register_code_reason"] == (
        "the pupil is dual registered at Brook House Pupil Referral Unit, which records their attendance in its own "
        "register"
    )


def test_the_provider_gets_only_what_it_needs_about_the_pupil_and_parents(full) -> None:  # type: ignore[no-untyped-def]
    context = build_provider_pack_context(full, on=ON)

    assert context["pupil"] == {
        "display_name": "Ami Nwosu",
        "legal_name": "Amara Nwosu",
        "preferred_name": "Ami",
        "date_of_birth": "14 March 2011",
        "date_of_birth_iso": "2011-03-14",
        "year_group": "Year 10",
        "school": "Northbridge Academy",
        "looked_after": False,
    }
    stored = json.dumps(context)
    assert full.pupil.upn not in stored  # no UPN, no census code
    # Emergency contacts: whom to phone, never an email or an address.
    assert context["emergency_contacts"] == [{"name": "Grace Nwosu", "relationship": "Mother", "phone": "07700 900456"}]
    assert "grace@example.org" not in stored and "1 High St" not in stored


def test_objectives_and_the_timetable_come_from_the_plan(full) -> None:  # type: ignore[no-untyped-def]
    context = build_provider_pack_context(full, on=ON)

    assert context["objectives"] == [
        {
            "area": "Attendance",
            "objective": "Attend every session",
            "baseline": "62% attendance last half-term",
            "target": "95% attendance",
            "measure": "The provider's register",
            "due_by": "13 February 2026",
            "due_by_iso": "2026-02-13",
        }
    ]
    assert [(i["intervention_type"], i["hours_per_week"], i["delivered_by"]) for i in context["interventions"]] == [
        ("Construction skills", "15", "The alternative provider"),
        ("English and maths", "12.5", "The home school"),
    ]
    assert context["sessions"] == [{"day": "Tuesday", "starts_at": "09:00", "ends_at": "12:00", "hours": "3"}]


def test_review_dates_before_and_after_the_first_review(full, db_session) -> None:  # type: ignore[no-untyped-def]
    before = build_provider_pack_context(full, on=ON)["reviews"]
    assert before == {
        "first_review_date": "9 February 2026",
        "first_review_date_iso": "2026-02-09",
        "next_review_date": "9 February 2026",
        "next_review_date_iso": "2026-02-09",
        "held": [],
    }

    factories.ReviewFactory(placement=full, number=2, meeting_date=date(2026, 3, 23), next_review_date=None)
    factories.ReviewFactory(placement=full, number=1, next_review_date=date(2026, 3, 23))
    db_session.expire_all()
    after = build_provider_pack_context(full, on=ON)["reviews"]

    assert [(r["number"], r["meeting_date"]) for r in after["held"]] == [
        ("1", "9 February 2026"),
        ("2", "23 March 2026"),
    ]
    # The latest review set no next date: the first review date (now past) is not offered as the next one.
    assert (after["first_review_date"], after["next_review_date"]) == ("9 February 2026", "")

    full.reviews[-1].next_review_date = date(2026, 5, 11)
    db_session.commit()
    assert build_provider_pack_context(full, on=ON)["reviews"]["next_review_date"] == "11 May 2026"


def test_no_pack_and_no_plan_yet_gives_blanks_and_shares_everything(placement) -> None:  # type: ignore[no-untyped-def]
    context = build_provider_pack_context(placement, on=ON)

    assert context_problems(PACK, context) == []
    assert all(context["shared"].values())
    assert {k: v for k, v in context["needs"].items() if k != "sen_status"} == dict.fromkeys(
        [k for k in context["needs"] if k != "sen_status"], ""
    )
    assert context["needs"]["sen_status"] == "EHC plan"  # from the pupil's record: shared, since nothing is withheld
    assert (context["objectives"], context["interventions"], context["reviews"]["held"]) == ([], [], [])
    assert (context["transport"], context["other_emergency_contacts"], context["attendance"]["arrangements"]) == (
        "",
        "",
        "",
    )
    assert context["reviews"]["first_review_date"] == context["reviews"]["next_review_date"] == ""
    assert context["safeguarding"]["dsl_phone"] == "01632 960001"  # always in the pack
    assert context["emergency_contacts"][0]["phone"] == "07700 900456"


def test_every_section_withheld_leaves_no_trace_in_the_stored_context(full, db_session) -> None:  # type: ignore[no-untyped-def]
    _withhold(full, db_session, list(PackSection))
    context = build_provider_pack_context(full, on=ON)

    assert context_problems(PACK, context) == []
    assert not any(context["shared"].values())
    assert set(context["needs"].values()) == {""}
    assert (context["safeguarding"]["status"], context["fsm_eligible"], context["transport"]) == ("", False, "")
    stored = json.dumps(context, ensure_ascii=False)
    for texts in PACK_TEXT.values():
        for withheld in texts:
            assert withheld not in stored
    assert "EHC plan" not in stored and "Child in need" not in stored
    # What always goes: the safeguarding procedure and contacts, attendance, emergency contacts, objectives.
    assert context["safeguarding"]["concern_procedure"] and context["attendance"]["contact_phone"]
    assert context["emergency_contacts"] and context["objectives"] and context["other_emergency_contacts"]


@pytest.mark.parametrize("section", list(PackSection))
def test_one_section_withheld_empties_only_that_section(full, db_session, section) -> None:  # type: ignore[no-untyped-def]
    _withhold(full, db_session, [section])
    context = build_provider_pack_context(full, on=ON)

    assert [name for name, shared in context["shared"].items() if not shared] == [section.value]
    stored = json.dumps(context, ensure_ascii=False)
    for other, texts in PACK_TEXT.items():
        for text in texts:
            assert (text in stored) is (other is not section), (other, text)


def test_the_schema_names_every_section_of_the_pack() -> None:
    assert [name for name, _ in PACK_SECTIONS] == [section.value for section in PackSection]


# -- the default template -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return default_template("provider_pack.docx", tmp_path_factory.mktemp("pack"))


def test_the_default_template_passes_the_upload_checks(template) -> None:  # type: ignore[no-untyped-def]
    assert check_template(template, PACK) == []


def test_the_default_template_has_every_section_in_order(full, template) -> None:  # type: ignore[no-untyped-def]
    text = all_text(render_docx(template, build_provider_pack_context(full, on=ON)))

    order = [
        "About the pupil",
        "How to keep the pupil safe",
        "Safeguarding status",
        "What we expect of you",
        "If you are worried about this pupil",
        "Risks to be aware of",
        "What stays with us",
        "Suspension and exclusion",
        "The pupil's needs",
        "Special educational needs",
        "Reading and writing",
        "Medical needs",
        "What works and what to avoid",
        "Behaviour: what to expect and what helps",
        "Strengths and interests",
        "Free school meals",
        "What the pupil is working towards",
        "Timetable",
        "Reporting attendance",
        "Transport",
        "Emergency contacts",
        "Review dates",
    ]
    assert [text.index(heading) for heading in order] == sorted(text.index(heading) for heading in order)
    assert "EHC plan" in text and "Child in need" in text and "Mrs P Grant" in text
    assert any("is eligible for free school meals" in line for line in text)
    assert any("code B: attending an approved educational activity" in line for line in text)
    assert not any("{{" in line or "{%" in line for line in text)  # every tag filled in, none left to print


def test_the_default_template_leaves_withheld_sections_out_entirely(full, db_session, template) -> None:  # type: ignore[no-untyped-def]
    _withhold(full, db_session, list(PackSection))
    text = all_text(render_docx(template, build_provider_pack_context(full, on=ON)))

    for section, heading in HEADINGS.items():
        if needs_reason(section):
            continue  # kept out only with a reason, and then the pack says it was withheld (below)
        assert heading not in text, section
    assert not any("free school meals" in line for line in text)
    # The safeguarding status, the risks and the SEN: their place says they were withheld, and by whom, no more.
    withheld = [line for line in text if "withheld" in line.lower()]
    assert len(withheld) == 3 and all(
        line.startswith(f"Withheld by {full.commissioning_organisation.name}") for line in withheld
    )
    for label in ("Safeguarding status", "Risks identified in the support plan", "Special educational needs"):
        assert label in text
    for heading in ("How to keep the pupil safe", "If you are worried about this pupil", "Reporting attendance"):
        assert heading in text


def test_a_pupil_without_free_school_meals_is_said_to_be_not_eligible(full, db_session, template) -> None:  # type: ignore[no-untyped-def]
    full.pupil.fsm_eligible = False
    db_session.commit()
    text = all_text(render_docx(template, build_provider_pack_context(full, on=ON)))

    assert "Ami Nwosu is not eligible for free school meals." in text


def test_an_empty_pack_still_prints(placement, template) -> None:  # type: ignore[no-untyped-def]
    text = all_text(render_docx(template, build_provider_pack_context(placement, on=ON)))

    assert "None recorded" in text  # no objectives, no interventions yet
    assert "Review 1" not in " ".join(text) and "None yet" in text
