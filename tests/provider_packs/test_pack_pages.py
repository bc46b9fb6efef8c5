"""The pack's pages through the real forms: fill it in, keep sections out, preview it, and the wrong people
kept out. What the provider gets must be what the preview shows, and nothing the SENCO withheld."""

from __future__ import annotations

import html

import sqlalchemy as sa

from service.documents.types import DocumentType
from service.provider_packs.models import ProviderPack
from tests import factories
from tests.conftest import sign_in
from tests.helpers import form_data, text
from tests.provider_packs.conftest import HOSTILE

FIELDS = {
    "send_needs": "Dyslexia. " + HOSTILE,
    "literacy": "Reading age 9.",
    "medical_needs": "Asthma: inhaler in bag.",
    "what_works": "Praise in private.",
    "what_to_avoid": "Reading aloud.",
    "behaviours_that_challenge": "Walks out when frustrated.",
    "strategies_that_worked": "Time-out card.",
    "aptitudes_interests": "Bikes and drawing.",
    "transport": "Taxi at 08:30.",
    "other_emergency_contacts": "Aunt Grace 07700 900123",
}


def _pack(db_session, placement_id: int) -> ProviderPack:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(sa.select(ProviderPack).where(ProviderPack.placement_id == placement_id))


def test_the_pack_is_saved_and_the_preview_shows_it_escaped(as_commissioner, placement, db_session):
    url = f"/placements/{placement.id}/provider-pack"
    page = as_commissioner.get(url)
    assert page.status_code == 200
    response = as_commissioner.post(url, data=form_data(page, FIELDS))
    assert response.status_code == 302
    assert _pack(db_session, placement.id).send_needs == FIELDS["send_needs"]
    preview = text(as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview"))
    assert "Dyslexia. Tom &amp; Jerry &lt;script&gt;" in preview
    assert "<script>alert" not in preview
    assert "Ellie Example" in preview
    assert "01632 960001" in preview  # the school's DSL, from the organisation's settings
    assert "code B" in preview  # a school-commissioned placement is recorded as B
    assert "Attend every session" in preview
    assert "07700 900456" in preview  # the parent's phone, as an emergency contact


def test_a_withheld_section_is_not_in_the_preview(as_commissioner, placement, db_session):
    url = f"/placements/{placement.id}/provider-pack"
    page = as_commissioner.get(url)
    as_commissioner.post(url, data=form_data(page, {**FIELDS, "withheld": ["medical", "behaviour"]}))
    assert _pack(db_session, placement.id).withheld == ["medical", "behaviour"]
    preview = text(as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview"))
    assert "Asthma" not in preview
    assert "Walks out when frustrated" not in preview
    assert "Behaviours that challenge" not in preview
    assert "Reading age 9." in preview  # what was not withheld still goes
    edit = text(as_commissioner.get(url))
    assert 'value="medical" checked' in edit  # the choice is shown when the form is opened again


def test_too_long_an_answer_is_refused_next_to_it_and_the_saved_pack_is_kept(as_commissioner, placement, db_session):
    url = f"/placements/{placement.id}/provider-pack"
    before = _pack(db_session, placement.id).literacy
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, {**FIELDS, "literacy": "x" * 20_001}))
    assert response.status_code == 400
    body = text(response)
    assert "Keep this to 20,000 characters or fewer" in body
    assert 'href="#literacy"' in body  # the error summary links to the field
    assert "Dyslexia. Tom &amp; Jerry" in body  # what else was typed is still in the form
    assert _pack(db_session, placement.id).literacy == before


def test_an_unknown_section_cannot_be_withheld(as_commissioner, placement, db_session):
    url = f"/placements/{placement.id}/provider-pack"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, {**FIELDS, "withheld": ["dsl_contacts"]}))
    assert response.status_code == 400
    assert "is not a valid choice" in text(response)


def test_the_preview_says_what_stops_the_pack_going(as_commissioner, placement, school, db_session):
    school.dsl_phone = ""
    db_session.commit()
    preview = text(as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview"))
    assert "designated safeguarding lead and their phone number are not recorded" in preview
    assert "Send the pack now" not in preview


def test_the_send_date_is_five_working_days_before_a_start_past_a_bank_holiday(as_commissioner, placement):
    """Start Friday 4 June 2027: five working days back, skipping the spring bank holiday (Monday 31 May),
    is Thursday 27 May, not Friday 28 May."""
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "27 May 2027 (5 working days before the start on 4 June 2027)" in page


def test_the_organisations_lead_time_is_used(as_commissioner, placement, school, db_session):
    school.pack_lead_working_days = 1
    db_session.commit()
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "3 June 2027 (1 working day before the start on 4 June 2027)" in page


def test_another_schools_commissioner_gets_404(client, placement, other_commissioner):
    sign_in(client, other_commissioner)
    for path in ("", "/preview"):
        assert client.get(f"/placements/{placement.id}/provider-pack{path}").status_code == 404
    page = client.get("/placements/new")
    response = client.post(f"/placements/{placement.id}/provider-pack/send", data=form_data(page, {}))
    assert response.status_code == 404


def test_keeping_a_section_out_after_the_plan_was_produced_asks_for_the_plan_again(
    as_commissioner, placement, db_session
):
    """The plan leaves out what the pack leaves out; a version made before the change still shows it."""
    all_shared = {"sen": True, "safeguarding_status": True, "fsm": True, "risks": True}
    factories.DocumentFactory(
        placement=placement, doc_type=DocumentType.SUPPORT_PLAN, version=1, context={"shared": all_shared}
    )
    url = f"/placements/{placement.id}/provider-pack"
    as_commissioner.post(url, data=form_data(as_commissioner.get(url), {**FIELDS, "withheld": ["fsm", "medical"]}))
    for page in (url, f"{url}/preview"):
        body = html.unescape(text(as_commissioner.get(page)))
        assert "AP Support Plan, version 1 still shows what you now keep from the provider" in body, page
        assert "Free school meal eligibility" in body and "produce it again" in body
    factories.DocumentFactory(
        placement=placement,
        doc_type=DocumentType.SUPPORT_PLAN,
        version=2,
        context={"shared": {**all_shared, "fsm": False}},
    )
    assert "still shows what you now keep" not in text(as_commissioner.get(url))
