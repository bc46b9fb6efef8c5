"""The AP Support Plan's context: built from a real placement, exactly the documented fields, plain JSON,
and rendered through the default template with the pupil's data intact."""

from __future__ import annotations

import importlib.util
import io
import json
from datetime import date, time
from pathlib import Path

import docx
import pytest

from service.documents.contexts.support_plan import build_support_plan_context
from service.documents.fields import ASSESSMENT, REFERRAL, SUPPORT, context_problems, empty_values
from service.documents.rendering import render_docx
from service.documents.types import DocumentType
from service.placements.models import PlacementSession
from service.providers.models import ProviderContact
from service.pupils.models import SafeguardingStatus, SenStatus
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.placement_status import PlacementStatus
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
ON = date(2026, 1, 12)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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


def test_appendix_a_fields_are_declared_empty_until_the_referral_journey(placement) -> None:  # type: ignore[no-untyped-def]
    context = build_support_plan_context(placement, on=ON)

    assert context["referral"] == empty_values(REFERRAL)
    assert {k: v for k, v in context["assessment"].items() if k != "reason_for_referral"} == {
        k: v for k, v in empty_values(ASSESSMENT).items() if k != "reason_for_referral"
    }
    assert context["support"] == empty_values(SUPPORT)
    assert context["support"]["interventions"] == []
    assert context["signatures"]["parent_carer"] == {
        "name": "",
        "role": "Parent or carer",
        "signed_on": "",
        "signed_on_iso": "",
    }


def test_a_pupil_without_a_school_or_contacts(db_session) -> None:  # type: ignore[no-untyped-def]
    la = factories.LocalAuthorityFactory(name="Access to Learning")
    pupil = factories.PupilFactory(organisation=la, school=None, upn=None)
    placement = factories.PlacementFactory(pupil=pupil, circumstance=Circumstance.NO_SCHOOL_PLACE)

    context = build_support_plan_context(placement, on=ON)

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == []
    assert (context["pupil"]["school"], context["pupil"]["upn"]) == ("", "")
    assert context["provider"]["contact_name"] == ""
    assert context["parents"] == []


def _default_template(tmp_path: Path) -> bytes:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates_docx" / "build_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (path,) = module.build(tmp_path)
    return path.read_bytes()


def _all_text(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = []
    for part in [document.element.body, *(s.footer._element for s in document.sections)]:
        for p in part.iter(f"{W}p"):
            pieces = [(node.text or "") if node.tag == f"{W}t" else "\n" for node in p.iter(f"{W}t", f"{W}br")]
            paragraphs.append("".join(pieces))
    return paragraphs


def test_the_default_template_renders_a_real_placement(placement, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    placement.pupil.preferred_name = "Tom & Jerry <script>"
    context = build_support_plan_context(placement, on=ON, version=4)

    paragraphs = _all_text(render_docx(_default_template(tmp_path), context))

    assert "Alternative Provision Support Plan" in paragraphs
    assert "Tom & Jerry <script> O'Brien-Smith" in paragraphs
    assert "Jayden O'Brien-Smith" in paragraphs
    assert "14 March 2011" in paragraphs and "Year 10" in paragraphs
    assert "Struggling in lessons & <corridors>." in paragraphs  # reason for referral: one paragraph each
    assert "Needs a smaller group.\nMornings are hard." in paragraphs
    assert "Thursday" in paragraphs and "1.75" in paragraphs and "4.8" in paragraphs
    assert "Pat O'Brien" in paragraphs and "Sam Step" in paragraphs
    assert "Alex Jones" in paragraphs and "Centre manager" in paragraphs
    assert "Unit 4, Riverside Park\nNorthbridge\nNB3 4EF" in paragraphs  # an address keeps its lines
    assert "To be agreed at the planning meeting." in paragraphs  # no interventions yet
    assert "OFFICIAL-SENSITIVE" in paragraphs
    assert any("version 4, 12 January 2026" in p and "Page" in p for p in paragraphs)
    assert not any("{{" in p or "{%" in p for p in paragraphs)
