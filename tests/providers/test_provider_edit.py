"""Changing a provider: the form starts from the record, saves what changed and audits only field names."""

from __future__ import annotations

import html
from datetime import date, timedelta

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.providers.models import ApprovalCriterion, ApprovedListStatus, Provider
from tests.helpers import date_fields, form_data, text


def _update_events(db_session, provider_id: int) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    stmt = sa.select(AuditEvent).where(
        AuditEvent.entity_type == "provider", AuditEvent.entity_id == provider_id, AuditEvent.action == "update"
    )
    return list(db_session.scalars(stmt))


def _create(client, provider_form):  # type: ignore[no-untyped-def]
    page = client.get("/providers/new")
    response = client.post("/providers/new", data=form_data(page, provider_form()))
    assert response.status_code == 302
    return response.headers["Location"]


def test_edit_form_starts_from_the_record(as_commissioner, compliant_provider):
    page = as_commissioner.get(f"/providers/{compliant_provider.id}/edit")
    body = text(page)
    assert page.status_code == 200
    assert 'value="Oak Tree Tutoring Ltd"' in body
    assert 'value="654321"' in body
    assert 'id="criteria-6-met" name="criteria-6-met" type="radio" value="yes" checked' in body
    assert 'id="hours_available_per_week" name="hours_available_per_week" type="text"' in body
    assert 'value="25"' in body
    assert 'id="sites-0-name" name="sites-0-name" type="text" value="Canal Side Works"' in body


def test_edit_saves_changes_and_audits_changed_field_names_only(as_commissioner, provider_form, db_session):
    location = _create(as_commissioner, provider_form)
    provider_id = int(location.rsplit("/", 1)[1])
    new_expiry = date.today() + timedelta(days=300)
    page = as_commissioner.get(f"{location}/edit")
    fields = provider_form(
        dsl_name="Nadia Haddad",
        approved_list_status="pending",
        **date_fields("insurance_expiry", new_expiry.day, new_expiry.month, new_expiry.year),
        **{"criteria-3-met": "no", "sites-1-name": "New Barn", "sites-1-postcode": "EB1 1AA"},
    )
    response = as_commissioner.post(f"{location}/edit", data=form_data(page, fields))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(location)

    body = html.unescape(text(as_commissioner.get(location)))
    assert "Provider details updated." in body
    assert "Nadia Haddad" in body
    assert "New Barn" in body
    assert "Application pending. Using a provider not on the approved list must be reported" in body

    [event] = _update_events(db_session, provider_id)
    assert event.detail["fields"] == [
        "approved_list_status",
        "dsl_name",
        "insurance_expiry",
        "criteria.financial_integrity",
        "sites",
    ]
    assert "Nadia" not in str(event.detail) and "New Barn" not in str(event.detail)
    saved = db_session.get(Provider, provider_id)
    assert saved.approved_list_status is ApprovedListStatus.PENDING
    assert saved.insurance_expiry == new_expiry
    assert saved.criterion(ApprovalCriterion.FINANCIAL_INTEGRITY).met is False
    assert [s.name for s in saved.sites] == ["Canal Side Works", "New Barn"]


def test_saving_an_unchanged_form_records_no_change(as_commissioner, provider_form, db_session):
    location = _create(as_commissioner, provider_form)
    provider_id = int(location.rsplit("/", 1)[1])
    page = as_commissioner.get(f"{location}/edit")
    response = as_commissioner.post(f"{location}/edit", data=form_data(page, provider_form()))
    assert response.status_code == 302
    assert _update_events(db_session, provider_id) == []


def test_edit_errors_show_next_to_fields_and_change_nothing(as_commissioner, compliant_provider, db_session, error_for):
    page = as_commissioner.get(f"/providers/{compliant_provider.id}/edit")
    body = text(page)
    fields = {
        "name": "Oak Tree Tutoring Ltd",
        "dfe_registered": "yes",
        "urn": "",
        "ofsted_grade": "good",
        **date_fields("ofsted_date", "1", "2", "2025"),
        "approved_list_status": "removed",
        "vetting_confirmed": "no",
        "qa_outcome": "not_yet_assessed",
    }
    for index, _criterion in enumerate(ApprovalCriterion):
        fields[f"criteria-{index}-met"] = "yes"
    response = as_commissioner.post(f"/providers/{compliant_provider.id}/edit", data=form_data(page, fields))
    body = text(response)
    assert response.status_code == 200
    assert error_for(body, "urn") == "Enter the provider's URN"
    assert 'id="approved_list_status-4" name="approved_list_status" type="radio" value="removed" checked' in body
    db_session.expire_all()
    assert compliant_provider.urn == "654321"
    assert compliant_provider.approved_list_status is ApprovedListStatus.APPROVED
    assert _update_events(db_session, compliant_provider.id) == []


def test_edit_refuses_a_urn_another_provider_has(
    as_commissioner, compliant_provider, other_provider, provider_form, error_for
):
    page = as_commissioner.get(f"/providers/{compliant_provider.id}/edit")
    response = as_commissioner.post(
        f"/providers/{compliant_provider.id}/edit",
        data=form_data(page, provider_form(name="Oak Tree Tutoring Ltd", urn=other_provider.urn)),
    )
    assert error_for(text(response), "urn") == "Another provider in the catalogue already has this URN"


def test_commissioner_gets_404_for_a_provider_that_does_not_exist(as_commissioner):
    assert as_commissioner.get("/providers/999999/edit").status_code == 404
    assert as_commissioner.get("/providers/999999").status_code == 404
