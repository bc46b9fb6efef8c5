"""Adding a provider through the real form (CSRF on): what is saved, how it is shown, and every validation
message appearing next to its field with what was typed kept."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.providers.models import ApprovalCriterion, OfstedGrade, Provider, QaOutcome
from tests.helpers import date_fields, form_data, text

HOSTILE_NAME = 'Tom & Jerry\'s <b>Bold</b> "Academy" 🎓 مدرسة النور'
HOSTILE_ADDRESS = "1 <script>alert('x')</script> Street\r\nمدينة & Town"


def _providers(db_session) -> list[Provider]:  # type: ignore[no-untyped-def]
    return list(db_session.scalars(sa.select(Provider)))


def _post_new(client, fields):  # type: ignore[no-untyped-def]
    page = client.get("/providers/new")
    assert page.status_code == 200
    return client.post("/providers/new", data=form_data(page, fields))


def test_hostile_text_is_saved_intact_and_shown_escaped(as_commissioner, provider_form, db_session):
    response = _post_new(
        as_commissioner,
        provider_form(
            name=HOSTILE_NAME,
            address=HOSTILE_ADDRESS,
            **{"contacts-0-name": "Zoë <i>O'Brien</i> 👩‍🏫", "sites-0-name": "Site & <em>Main</em>"},
        ),
    )
    assert response.status_code == 302
    [provider] = _providers(db_session)
    assert provider.name == HOSTILE_NAME
    assert provider.address == "1 <script>alert('x')</script> Street\nمدينة & Town"
    assert provider.contacts[0].name == "Zoë <i>O'Brien</i> 👩‍🏫"

    page = as_commissioner.get(response.headers["Location"])
    body = text(page)
    assert "<b>Bold</b>" not in body
    assert "<script>alert" not in body
    assert "<i>O" not in body and "<em>Main</em>" not in body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body
    assert "&lt;script&gt;" in body
    readable = html.unescape(body)
    assert HOSTILE_NAME in readable
    assert "مدينة & Town" in readable
    assert "Zoë <i>O'Brien</i> 👩‍🏫" in readable
    assert "Site & <em>Main</em>" in readable


def test_every_catalogue_field_is_saved(as_commissioner, provider_form, db_session):
    recent = date.today() - timedelta(days=100)
    fields = provider_form(
        **{"criteria-2-met": "no", "criteria-2-notes": "Only one reference so far", "hours_available_per_week": "12.5"}
    )
    fields.update(date_fields("criteria-2-evidence_date", "", "", ""))
    response = _post_new(as_commissioner, fields)
    assert response.status_code == 302

    [provider] = _providers(db_session)
    assert (provider.dfe_registered, provider.urn, provider.ukprn) == (True, "123456", "10012345")
    assert provider.ofsted_grade is OfstedGrade.GOOD and provider.ofsted_date == recent
    assert provider.dsl_name == "Marie Dubois" and provider.dsl_training_date == recent
    assert provider.deputy_dsl_name == "Owen Price" and provider.deputy_dsl_training_date == recent
    assert provider.vetting_confirmed and provider.vetting_confirmed_on == recent
    assert provider.insurance_expiry == date.today() + timedelta(days=200)
    assert provider.qa_outcome is QaOutcome.SATISFACTORY and provider.qa_date == recent
    assert provider.hours_available_per_week == Decimal("12.5")
    references = provider.criterion(ApprovalCriterion.REFERENCES)
    assert references is not None
    assert (references.met, references.evidence_date, references.notes) == (False, None, "Only one reference so far")
    assert all(provider.criterion(c).met for c in ApprovalCriterion if c is not ApprovalCriterion.REFERENCES)
    assert [(s.name, s.postcode) for s in provider.sites] == [("Canal Side Works", "WS1 4HX")]
    assert [(c.name, c.is_placement_contact) for c in provider.contacts] == [("Pat Quinn", True)]

    body = html.unescape(text(as_commissioner.get(response.headers["Location"])))
    assert "Provider added to the catalogue." in body
    assert "Only one reference so far" in body
    assert "Approval criterion not met: Acceptable references" in body
    assert "12.5" in body


def test_creating_a_provider_is_audited_with_field_names_only(as_commissioner, provider_form, db_session):
    _post_new(as_commissioner, provider_form())
    [provider] = _providers(db_session)
    [event] = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "provider")).all()
    assert (event.action, event.entity_id) == ("create", provider.id)
    assert "dsl_name" in event.detail["fields"]
    assert "Marie Dubois" not in str(event.detail)


def test_unregistered_provider_keeps_no_urn(as_commissioner, provider_form, db_session):
    response = _post_new(as_commissioner, provider_form(dfe_registered="no", urn="999999"))
    assert response.status_code == 302
    [provider] = _providers(db_session)
    assert (provider.dfe_registered, provider.urn) == (False, None)


def test_missing_name_and_radios_are_explained_next_to_each_field(
    as_commissioner, provider_form, db_session, error_for, error_summary
):
    fields = provider_form(name="   ", approved_list_status=None, qa_outcome=None, **{"criteria-4-met": None})
    response = _post_new(as_commissioner, fields)
    body = text(response)
    assert response.status_code == 200
    assert error_for(body, "name") == "Enter the provider's name"
    assert error_for(body, "approved_list_status") == "Select whether the provider is on the approved provider list"
    assert error_for(body, "qa_outcome") == "Select the quality assurance outcome, or Not yet assessed"
    assert error_for(body, "criteria-4-met") == (
        "Select yes if the provider meets ‘Safeguarding meets the LA's and partnership's standards’, "
        "or no if it does not"
    )
    assert error_summary(body) == ["name", "approved_list_status", "criteria-4-met", "qa_outcome"]
    assert "<title>Error: " in body
    assert 'value="Marie Dubois"' in body  # nothing typed is lost
    assert _providers(db_session) == []


def test_urn_missing_when_registered(as_commissioner, provider_form, db_session, error_for, error_summary):
    response = _post_new(as_commissioner, provider_form(dfe_registered="yes", urn=""))
    body = text(response)
    assert error_for(body, "urn") == "Enter the provider's URN"
    assert error_summary(body) == ["urn"]
    assert 'value="Horizon Skills CIC"' in body
    assert 'value="yes" checked data-aria-controls="conditional-dfe_registered"' in body
    assert _providers(db_session) == []


def test_urn_must_be_6_or_7_digits(as_commissioner, provider_form, error_for):
    for bad in ("12345", "12345678", "12a456"):
        body = text(_post_new(as_commissioner, provider_form(urn=bad)))
        assert error_for(body, "urn") == "Enter a URN of 6 or 7 digits", bad
        assert f'value="{bad}"' in body
    assert _post_new(as_commissioner, provider_form(urn="1234567")).status_code == 302


def test_urn_already_in_the_catalogue_is_refused(as_commissioner, provider_form, compliant_provider, error_for):
    body = text(_post_new(as_commissioner, provider_form(urn=compliant_provider.urn)))
    assert error_for(body, "urn") == "Another provider in the catalogue already has this URN"


def test_bad_ukprn(as_commissioner, provider_form, db_session, error_for):
    for bad in ("20012345", "1001234", "100123456", "1OO12345"):
        body = text(_post_new(as_commissioner, provider_form(ukprn=bad)))
        assert error_for(body, "ukprn") == "Enter a UKPRN of 8 digits starting with 1, like 10012345", bad
        assert f'value="{bad}"' in body
    assert _providers(db_session) == []
    assert _post_new(as_commissioner, provider_form(ukprn="1001 2345")).status_code == 302
    assert _providers(db_session)[0].ukprn == "10012345"


def test_vetting_confirmed_without_its_date(as_commissioner, provider_form, db_session, error_for, error_summary):
    fields = provider_form(vetting_confirmed="yes", **date_fields("vetting_confirmed_on", "", "", ""))
    body = text(_post_new(as_commissioner, fields))
    assert error_for(body, "vetting_confirmed_on") == "Enter the date the provider confirmed staff vetting"
    assert error_summary(body) == ["vetting_confirmed_on-day"]
    assert 'id="vetting_confirmed_on-day"' in body  # the link lands on the day box
    assert _providers(db_session) == []


def test_impossible_dates_keep_what_was_typed(as_commissioner, provider_form, db_session, error_for, error_summary):
    fields = provider_form(
        **date_fields("insurance_expiry", "31", "2", "2027"),
        **date_fields("criteria-1-evidence_date", "12", "", "2025"),
        **date_fields("dsl_training_date", "1", "13", "2024"),
    )
    body = text(_post_new(as_commissioner, fields))
    assert error_for(body, "insurance_expiry") == "Insurance expiry date must be a real date"
    assert error_for(body, "criteria-1-evidence_date") == "Date of evidence for ‘Local capacity’ must include a month"
    assert error_for(body, "dsl_training_date") == (
        "Date of the designated safeguarding lead's latest safeguarding training must be a real date"
    )
    assert error_summary(body) == ["criteria-1-evidence_date-day", "dsl_training_date-day", "insurance_expiry-day"]
    assert 'id="insurance_expiry-day" name="insurance_expiry-day" type="text" value="31"' in body
    assert 'id="dsl_training_date-month" name="dsl_training_date-month" type="text" value="13"' in body
    assert _providers(db_session) == []


def test_training_date_in_the_future_is_refused(as_commissioner, provider_form, error_for):
    tomorrow = date.today() + timedelta(days=2)
    fields = provider_form(**date_fields("deputy_dsl_training_date", tomorrow.day, tomorrow.month, tomorrow.year))
    body = text(_post_new(as_commissioner, fields))
    assert error_for(body, "deputy_dsl_training_date") == (
        "Date of the deputy designated safeguarding lead's latest safeguarding training must be today or in the past"
    )


def test_hours_a_week(as_commissioner, provider_form, db_session, error_for):
    cases = {
        "51": "Hours a week must be between 0 and 50",
        "lots": "Hours a week must be a number, like 12.5",
        "NaN": "Hours a week must be a number, like 12.5",
        "12.25": "Hours a week can have only one decimal place, like 12.5",
    }
    for typed, message in cases.items():
        body = text(_post_new(as_commissioner, provider_form(hours_available_per_week=typed)))
        assert error_for(body, "hours_available_per_week") == message, typed
        assert f'value="{typed}"' in body
    assert _providers(db_session) == []
    assert _post_new(as_commissioner, provider_form(hours_available_per_week="")).status_code == 302
    assert _providers(db_session)[0].hours_available_per_week is None


def test_ofsted_and_qa_dates_needed_once_graded(as_commissioner, provider_form, error_for):
    fields = provider_form(
        ofsted_grade="inadequate",
        qa_outcome="unsatisfactory",
        **date_fields("ofsted_date", "", "", ""),
        **date_fields("qa_date", "", "", ""),
    )
    body = text(_post_new(as_commissioner, fields))
    assert error_for(body, "ofsted_date") == "Enter the date of the Ofsted inspection"
    assert error_for(body, "qa_date") == "Enter the date of the quality assurance"


def test_bad_contact_details(as_commissioner, provider_form, error_for):
    fields = provider_form(
        email="office at horizon",
        postcode="NOT A POSTCODE",
        **{"contacts-0-phone": "call me", "contacts-0-email": "pat@", "sites-0-postcode": "12345"},
    )
    body = text(_post_new(as_commissioner, fields))
    assert error_for(body, "email") == "Enter an email address in the correct format, like name@example.com"
    assert error_for(body, "postcode") == "Enter a real postcode, like SW1A 1AA"
    assert error_for(body, "contacts-0-phone").startswith("Enter a phone number, like 01632 960 001")
    assert error_for(body, "contacts-0-email") == "Enter an email address in the correct format, like name@example.com"
    assert error_for(body, "sites-0-postcode") == "Enter a real postcode, like SW1A 1AA"
    assert 'value="call me"' in body


def test_postcodes_are_tidied(as_commissioner, provider_form, db_session):
    _post_new(as_commissioner, provider_form(postcode="  ws1   4hx ", **{"sites-0-postcode": "sw1a1aa"}))
    [provider] = _providers(db_session)
    assert provider.postcode == "WS1 4HX"
    assert provider.sites[0].postcode == "SW1A1AA"


def test_a_row_with_details_but_no_name_is_refused(as_commissioner, provider_form, db_session, error_for):
    fields = provider_form(**{"sites-0-name": "", "contacts-0-name": ""})
    body = text(_post_new(as_commissioner, fields))
    assert error_for(body, "sites-0-name") == "Enter the site's name"
    assert error_for(body, "contacts-0-name") == "Enter the contact's name"
    assert 'value="placements@horizon.example"' in body
    assert _providers(db_session) == []


def test_new_provider_gets_an_organisation_for_its_staff_accounts(as_commissioner, provider_form, db_session):
    """Its staff can then be given accounts that see that provider's placements and nothing else."""
    from service.organisations.models import Organisation, OrganisationKind

    assert _post_new(as_commissioner, provider_form(name="Brand New Tutors")).status_code == 302
    provider = _providers(db_session)[0]
    organisation = db_session.get(Organisation, provider.organisation_id)
    assert organisation.kind is OrganisationKind.PROVIDER
    assert organisation.name == "Brand New Tutors"


def test_the_census_type_of_setting_is_saved_and_a_made_up_one_refused(
    as_commissioner, provider_form, db_session, error_for
):
    body = text(_post_new(as_commissioner, provider_form(dfe_registered="no", ukprn="", setting_type="XYZ")))
    assert error_for(body, "setting_type") == "Choose the type of setting from the list, or Not recorded"
    assert _providers(db_session) == []

    response = _post_new(as_commissioner, provider_form(dfe_registered="no", ukprn="", setting_type="OOT"))
    assert response.status_code == 302
    [provider] = _providers(db_session)
    assert provider.setting_type is not None and provider.setting_type.value == "OOT"
    assert "One to one tuition" in text(as_commissioner.get(response.headers["Location"]))


def test_the_type_of_setting_offers_dfes_six(as_commissioner, provider_form, db_session):
    """The choices follow ``SettingType``: DfE's six, and "Not recorded" (the census file then says unknown)."""
    page = as_commissioner.get("/providers/new").get_data(as_text=True)
    select = page[page.index('name="setting_type"') : page.index("</select>", page.index('name="setting_type"'))]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "REG", "NFE", "OOT", "OTH", "WBP", "UNK"]
    for label in (
        "Not recorded",
        "Registered provider with a UKPRN",
        "Non-maintained further education college",
        "One to one tuition",
        "Other unregistered provider",
        "Work-based placement",
        "Unknown",
    ):
        assert f">{label}</option>" in select
    response = _post_new(as_commissioner, provider_form(dfe_registered="no", ukprn="", setting_type="UNK"))
    assert response.status_code == 302
    [provider] = _providers(db_session)
    assert provider.setting_type is not None and provider.setting_type.value == "UNK"
