"""Dual registration and the census reason: asked on the new-placement form, shown on the placement page with the
register code the school records (D, K or B) and why, and changed on a small page by the organisation that arranged
the placement, with the same checks; nobody else can see or change them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.placements.models import Placement
from service.rules.census import ApCensusReason, SchoolCensusReason
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import date_fields, form_data, text

CENSUS_QUESTION = "The reason for the placement, for the census"
DUAL_QUESTION = "Is the pupil dual registered at the provider?"


def _fields(pupil_id: int, provider_id: int, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "pupil_id": str(pupil_id),
        "provider_id": str(provider_id),
        "circumstance": "on_roll",
        "decided_by": "Jo Patel, Deputy Headteacher",
        **date_fields("planned_start", 7, 9, 2026),
        "reason_for_referral": "Needs a smaller setting.",
        "dual_registered": "no",
        "census_reason": "behaviour",
        "sessions-0-weekday": "1",
        "sessions-0-starts_at": "09:00",
        "sessions-0-ends_at": "12:00",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def _count(db_session) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(sa.select(sa.func.count()).select_from(Placement))


def _error_next_to(body: str, name: str, message: str) -> bool:
    """The message is shown in the field's own error message (GOV.UK: `<p id="<name>-error" ...>`)."""
    start = body.find(f'id="{name}-error"')
    return start != -1 and message in body[start : start + 600]


def test_a_school_is_asked_dual_registration_and_its_six_census_reasons(as_commissioner):
    body = text(as_commissioner.get("/placements/new"))
    assert DUAL_QUESTION in body and "pupil referral unit or an AP academy" in body
    assert CENSUS_QUESTION in body
    # DfE's six reasons for a placement a school arranged, and none of an LA's
    assert _choices(body, "census_reason") == [reason.value for reason in SchoolCensusReason]
    for reason in SchoolCensusReason:
        assert reason.label in body


def test_a_school_placement_records_both_answers(as_commissioner, school, provider, db_session):
    pupil = factories.PupilFactory(organisation=school)
    page = as_commissioner.get("/placements/new")
    response = as_commissioner.post(
        "/placements/new",
        data=form_data(page, _fields(pupil.id, provider.id, census_reason="medical_mental_health")),
    )
    assert response.status_code == 302, text(response)
    placement = db_session.scalar(sa.select(Placement))
    assert (placement.dual_registered, placement.census_reason) == (False, "medical_mental_health")


def test_the_census_reason_and_dual_registration_are_required_next_to_their_fields(
    as_commissioner, school, provider, db_session
):
    pupil = factories.PupilFactory(organisation=school)
    page = as_commissioner.get("/placements/new")
    response = as_commissioner.post(
        "/placements/new",
        data=form_data(page, _fields(pupil.id, provider.id, census_reason=None, dual_registered=None)),
    )
    body = text(response)
    assert response.status_code == 200
    assert _error_next_to(body, "census_reason", "Select the reason for the placement, for the census")
    assert _error_next_to(body, "dual_registered", "Select yes if the pupil is dual registered at the provider")
    assert _count(db_session) == 0


def test_a_reason_from_the_other_list_is_refused(as_la_officer, local_authority, provider, db_session):
    """An LA records the AP census reasons; a school's 'behaviour' is not one of them."""
    pupil = factories.PupilFactory(organisation=local_authority, school=None)
    page = as_la_officer.get("/placements/new")
    assert _choices(text(page), "census_reason") == [reason.value for reason in ApCensusReason]
    response = as_la_officer.post("/placements/new", data=form_data(page, _fields(pupil.id, provider.id)))
    assert response.status_code == 200
    assert _error_next_to(text(response), "census_reason", "Select the reason for the placement, for the census")
    assert _count(db_session) == 0
    response = as_la_officer.post(
        "/placements/new", data=form_data(page, _fields(pupil.id, provider.id, census_reason="no_school_place"))
    )
    assert response.status_code == 302
    assert db_session.scalar(sa.select(Placement)).census_reason == "no_school_place"


def test_dual_registration_needs_a_provider_with_a_urn(as_commissioner, school, provider, db_session):
    pupil = factories.PupilFactory(organisation=school)
    assert provider.urn is None
    page = as_commissioner.get("/placements/new")
    response = as_commissioner.post(
        "/placements/new", data=form_data(page, _fields(pupil.id, provider.id, dual_registered="yes"))
    )
    body = text(response)
    assert response.status_code == 200
    assert _error_next_to(body, "dual_registered", "has no URN, so the pupil cannot be dual registered there")
    assert _count(db_session) == 0

    pru = factories.ProviderFactory(name="Brook House Pupil Referral Unit", urn="146789", dfe_registered=True)
    response = as_commissioner.post(
        "/placements/new", data=form_data(page, _fields(pupil.id, pru.id, dual_registered="yes"))
    )
    assert response.status_code == 302
    assert db_session.scalar(sa.select(Placement)).dual_registered is True


def test_the_placement_page_says_which_code_and_why_and_not_recorded_for_older_ones(
    as_commissioner, school, db_session
):
    older = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school))
    assert older.census_reason is None
    body = text(as_commissioner.get(f"/placements/{older.id}"))
    section = body.split('id="register"')[1].split("</dl>")[0]
    assert "Dual registered at the provider" in section and "No" in section
    assert "B: attending an approved educational activity arranged by the school" in section
    assert "Northbridge Academy arranged the placement and the pupil is not registered at" in section
    assert "Census reason" in section and "Not recorded" in section
    assert f'href="/placements/{older.id}/register-and-census"' in section

    pru = factories.ProviderFactory(name="Brook House Pupil Referral Unit", urn="146789")
    dual = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=pru, dual_registered=True, census_reason="behaviour"
    )
    section = text(as_commissioner.get(f"/placements/{dual.id}")).split('id="register"')[1].split("</dl>")[0]
    assert "D: dual registered" in section
    assert "the pupil is dual registered at Brook House Pupil Referral Unit" in section
    assert "Off-site placement for behavioural support" in section


def test_an_la_placement_is_k(as_la_officer, local_authority, provider):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=local_authority, school=None), provider=provider, census_reason="sen"
    )
    section = text(as_la_officer.get(f"/placements/{placement.id}")).split('id="register"')[1].split("</dl>")[0]
    assert "K: attending education provision arranged by the local authority" in section
    assert "Westshire Council, the local authority, arranged the placement" in section
    assert "Special educational needs provision" in section


def test_the_commissioner_changes_them_on_an_ended_placement_audited(as_commissioner, school, commissioner, db_session):
    pru = factories.ProviderFactory(name="Brook House Pupil Referral Unit", urn="146789")
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=pru, status=PlacementStatus.ENDED
    )
    page = as_commissioner.get(f"/placements/{placement.id}/register-and-census")
    assert page.status_code == 200
    body = text(page)
    assert DUAL_QUESTION in body and CENSUS_QUESTION in body
    assert _checked(body, "dual_registered", "no")
    response = as_commissioner.post(
        f"/placements/{placement.id}/register-and-census",
        data=form_data(page, {"dual_registered": "yes", "census_reason": "suspension"}),
    )
    assert response.status_code == 302
    db_session.expire_all()
    placement = db_session.get(Placement, placement.id)
    assert (placement.dual_registered, placement.census_reason) == (True, "suspension")
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "register_and_census"))
    assert event.user_id == commissioner.id and event.entity_id == placement.id
    assert event.detail == {"changed": ["dual_registered", "census_reason"]}  # the fields, never the reason itself
    shown = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "Suspension" in shown.split('id="register"')[1].split("</dl>")[0]


def test_the_change_page_checks_as_the_form_does(as_commissioner, school, provider, db_session):
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    page = as_commissioner.get(f"/placements/{placement.id}/register-and-census")
    response = as_commissioner.post(
        f"/placements/{placement.id}/register-and-census",
        data=form_data(page, {"dual_registered": "yes", "census_reason": "behaviour"}),
    )
    body = text(response)
    assert response.status_code == 200
    assert _error_next_to(body, "dual_registered", "has no URN, so the pupil cannot be dual registered there")
    response = as_commissioner.post(
        f"/placements/{placement.id}/register-and-census",
        data=form_data(page, {"dual_registered": "no", "census_reason": "no_school_place"}),  # an LA's reason
    )
    assert response.status_code == 200
    assert _error_next_to(text(response), "census_reason", "Select the reason for the placement, for the census")
    response = as_commissioner.post(
        f"/placements/{placement.id}/register-and-census", data=form_data(page, {"dual_registered": "no"})
    )
    assert _error_next_to(text(response), "census_reason", "Select the reason for the placement, for the census")
    db_session.expire_all()
    placement = db_session.get(Placement, placement.id)
    assert (placement.dual_registered, placement.census_reason) == (False, None)


def test_nobody_else_sees_or_changes_them(
    app, school, provider, commissioner, other_commissioner, provider_user, db_session
):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school),
        provider=provider,
        status=PlacementStatus.ACTIVE,
        census_reason="medical_mental_health",
    )
    url = f"/placements/{placement.id}/register-and-census"
    own = browser(app)
    sign_in(own, commissioner)
    token_page = own.get(url)

    other = browser(app)
    sign_in(other, other_commissioner)
    assert other.get(url).status_code == 404
    attempt = {"dual_registered": "no", "census_reason": "other"}
    assert other.post(url, data=form_data(other.get("/placements/new"), attempt)).status_code == 404

    staff = browser(app)
    sign_in(staff, provider_user)
    assert staff.get(url).status_code == 403
    page = text(staff.get(f"/placements/{placement.id}"))
    assert "Medical: mental health need" not in page and 'id="register"' not in page  # the provider's page

    db_session.expire_all()
    assert db_session.get(Placement, placement.id).census_reason == "medical_mental_health"
    assert token_page.status_code == 200


def _choices(body: str, name: str) -> list[str]:
    """The values of a radio group, in order."""
    return [
        re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
        for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', body)
    ]


def _checked(body: str, name: str, value: str) -> bool:
    return any(
        "checked" in tag and f'value="{value}"' in tag for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', body)
    )
