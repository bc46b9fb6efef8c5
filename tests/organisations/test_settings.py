"""Organisation settings: the admin records the safeguarding contacts every provider pack carries and how
documents are emailed; bad answers are refused next to the field and nothing saved is lost."""

from __future__ import annotations

from service.organisations.models import Organisation
from service.rules.delivery import MailDelivery
from tests.helpers import form_data, text

GOOD = {
    "dsl_name": "Mrs P Grant & Mr Ó Dálaigh",
    "dsl_phone": "01632 960001",
    "deputy_dsl_name": "Mr D Shah",
    "deputy_dsl_phone": "01632 960002",
    "child_protection_expectations": "Follow our policy <and> KCSIE.",
    "concern_procedure": "Phone the DSL the same day.\nWrite it up within 24 hours.",
    "attendance_contact_name": "Attendance office",
    "attendance_contact_phone": "01632 960010",
    "attendance_contact_email": "attendance@northbridge.sch.uk",
    "pack_lead_working_days": "7",
    "mail_delivery": "link_outside_trusted",
    "trusted_domains": "northbridge.sch.uk\n@la.gov.uk, nhs.net",
}


def test_the_admin_saves_the_settings(as_admin, school, other_school, db_session):
    page = as_admin.get("/organisation")
    assert page.status_code == 200
    response = as_admin.post("/organisation", data=form_data(page, GOOD))
    assert response.status_code == 302
    db_session.expire_all()
    saved = db_session.get(Organisation, school.id)
    assert saved.dsl_name == "Mrs P Grant & Mr Ó Dálaigh"
    assert saved.concern_procedure == "Phone the DSL the same day.\nWrite it up within 24 hours."
    assert saved.pack_lead_working_days == 7
    assert saved.mail_delivery is MailDelivery.LINK_OUTSIDE_TRUSTED
    assert saved.trusted_domain_list == ["northbridge.sch.uk", "@la.gov.uk", "nhs.net"]
    assert db_session.get(Organisation, other_school.id).pack_lead_working_days == 5  # only their own
    again = text(as_admin.get("/organisation"))
    assert "Mrs P Grant &amp; Mr Ó Dálaigh" in again


def test_bad_answers_are_refused_next_to_their_fields_and_nothing_is_lost(as_admin, school, db_session):
    page = as_admin.get("/organisation")
    bad = {
        **GOOD,
        "pack_lead_working_days": "0",
        "trusted_domains": "northbridge sch uk",
        "attendance_contact_email": "nope",
    }
    response = as_admin.post("/organisation", data=form_data(page, bad))
    assert response.status_code == 400
    body = text(response)
    assert "Enter a number of working days from 1 to 30" in body
    assert "is not a domain" in body
    assert "Enter an email address like attendance@school.sch.uk" in body
    assert "Mrs P Grant &amp; Mr Ó Dálaigh" in body  # what was typed stays in the form
    db_session.expire_all()
    assert db_session.get(Organisation, school.id).dsl_name == "Mrs P Grant"  # the saved value is untouched


def test_only_the_admin_changes_settings(as_commissioner):
    assert as_commissioner.get("/organisation").status_code == 403


def test_a_school_admin_chooses_the_local_authority_and_a_forged_choice_is_refused(
    as_admin, school, db_session, other_school
):
    from tests import factories

    la = factories.LocalAuthorityFactory(name="Westshire Council")
    page = as_admin.get("/organisation")
    assert "Westshire Council" in text(page)
    assert "SEN team contact" not in text(page)  # an LA's setting, not a school's
    forged = as_admin.post("/organisation", data=form_data(page, {**GOOD, "local_authority_id": str(other_school.id)}))
    assert forged.status_code == 400
    assert "Not a valid choice" in text(forged)
    db_session.expire_all()
    assert db_session.get(Organisation, school.id).local_authority_id is None
    page = as_admin.get("/organisation")
    assert (
        as_admin.post("/organisation", data=form_data(page, {**GOOD, "local_authority_id": str(la.id)})).status_code
        == 302
    )
    db_session.expire_all()
    assert db_session.get(Organisation, school.id).local_authority_id == la.id


def test_an_la_admin_records_its_ap_and_sen_contacts(client, db_session):
    from tests import factories
    from tests.conftest import sign_in

    la = factories.LocalAuthorityFactory(name="Westshire Council")
    sign_in(client, factories.UserFactory(organisation=la, role=factories.Role.ADMIN))
    page = client.get("/organisation")
    assert "Your local authority" not in text(page)
    answers = {**GOOD, "ap_contact_email": "ap@westshire.example", "sen_contact_email": "not an email"}
    refused = client.post("/organisation", data=form_data(page, answers))
    assert refused.status_code == 400
    assert "Enter an email address like sen@council.gov.uk" in text(refused)
    page = client.get("/organisation")
    answers["sen_contact_email"] = "sen@westshire.example"
    assert client.post("/organisation", data=form_data(page, answers)).status_code == 302
    db_session.expire_all()
    saved = db_session.get(Organisation, la.id)
    assert (saved.ap_contact_email, saved.sen_contact_email) == ("ap@westshire.example", "sen@westshire.example")


def test_the_admin_sets_the_normal_school_day_and_it_must_end_after_it_starts(as_admin, school, db_session):
    from datetime import time

    page = as_admin.get("/organisation")
    assert 'value="09:00"' in text(page) and 'value="15:00"' in text(page)  # the defaults
    refused = as_admin.post(
        "/organisation", data=form_data(page, {**GOOD, "school_day_starts": "15:00", "school_day_ends": "09:00"})
    )
    assert refused.status_code == 400
    assert "The school day must end after it starts" in text(refused)
    garbled = as_admin.post("/organisation", data=form_data(page, {**GOOD, "school_day_starts": "nine"}))
    assert "Enter the time the school day starts as a time like 09:00" in text(garbled)
    assert 'value="nine"' in text(garbled)  # what was typed stays
    db_session.expire_all()
    assert db_session.get(Organisation, school.id).school_day_starts == time(9, 0)

    saved = as_admin.post(
        "/organisation", data=form_data(page, {**GOOD, "school_day_starts": "8:45", "school_day_ends": "15:15"})
    )
    assert saved.status_code == 302
    db_session.expire_all()
    organisation = db_session.get(Organisation, school.id)
    assert (organisation.school_day_starts, organisation.school_day_ends) == (time(8, 45), time(15, 15))
