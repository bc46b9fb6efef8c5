"""Adding, viewing and changing a pupil through the real forms, CSRF token included."""

from __future__ import annotations

import html
import json
from datetime import date

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from tests import factories
from tests.helpers import date_fields, form_data, text

HOSTILE_FIRST = 'Zoë & <b>Jo</b> "J\'"'
HOSTILE_LAST = "O'Brien-<script>alert(1)</script> 🦊"
ARABIC = "ليلى"
HOSTILE_PARENT = 'Ana & Sam <i>"Parent"</i> 👩‍👧'


def _created(db_session) -> Pupil:  # type: ignore[no-untyped-def]
    return db_session.scalars(sa.select(Pupil)).one()


def test_new_pupil_with_hostile_text_comes_back_intact_and_escaped(as_commissioner, pupil_fields, db_session):
    page = as_commissioner.get("/pupils/new")
    fields = pupil_fields(
        legal_first_name=HOSTILE_FIRST,
        legal_last_name=HOSTILE_LAST,
        preferred_name=ARABIC,
        upn="f931 2001 2400 1",
        **{
            "parents-0-name": HOSTILE_PARENT,
            "parents-0-relationship_to_pupil": "Mother & step-father",
            "parents-0-phone": "+44 7700 900982",
            "parents-0-email": "ana@example.com",
            "parents-0-address": "1 <Main> Street\r\nTown & Country",
            "parents-0-parental_responsibility": "yes",
        },
    )
    response = as_commissioner.post("/pupils/new", data=form_data(page, fields))
    assert response.status_code == 302

    pupil = _created(db_session)
    assert (pupil.legal_first_name, pupil.legal_last_name, pupil.preferred_name) == (
        HOSTILE_FIRST,
        HOSTILE_LAST,
        ARABIC,
    )
    assert pupil.upn == "F931200124001"  # spaces dropped, upper-cased
    assert pupil.parents[0].name == HOSTILE_PARENT
    assert pupil.parents[0].parental_responsibility is True

    shown = as_commissioner.get(response.headers["Location"])
    body = text(shown)
    assert shown.status_code == 200
    assert "<script>alert(1)</script>" not in body and "<b>Jo</b>" not in body and "<i>" not in body
    assert "O&#39;Brien-&lt;script&gt;alert(1)&lt;/script&gt; 🦊" in body
    assert "Zoë &amp; &lt;b&gt;Jo&lt;/b&gt; &#34;J&#39;&#34;" in body
    assert f"{ARABIC} O&#39;Brien" in body  # display name: preferred first name + legal surname
    assert "Ana &amp; Sam &lt;i&gt;&#34;Parent&#34;&lt;/i&gt; 👩‍👧" in body
    assert "1 &lt;Main&gt; Street<br>Town &amp; Country" in body


def test_detail_page_shows_the_record_in_plain_english(as_commissioner, school, db_session):
    pupil = factories.PupilFactory(
        organisation=school,
        legal_first_name="Samira",
        legal_last_name="Khan",
        preferred_name="Sam",
        date_of_birth=date(2007, 9, 23),
        sen_status=SenStatus.EHCP,
        looked_after=True,
        fsm_eligible=True,
        safeguarding_status=SafeguardingStatus.CHILD_IN_NEED,
    )
    body = text(as_commissioner.get(f"/pupils/{pupil.id}"))
    assert "Sam Khan" in body
    assert "Samira Khan" in body
    assert "23 September 2007" in body
    assert pupil.year_group_label_on(date.today()) in body
    assert "(override)" not in body
    assert pupil.upn in body
    assert "Northbridge Academy" in body
    assert "EHC plan" in body and "Child in need" in body and "Eligible" in body


def test_year_group_override_is_saved_and_marked(as_commissioner, pupil_fields, db_session):
    page = as_commissioner.get("/pupils/new")
    response = as_commissioner.post("/pupils/new", data=form_data(page, pupil_fields(year_group_override="9")))
    assert _created(db_session).year_group_override == 9
    assert "Year 9 (override)" in text(as_commissioner.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        pytest.param(
            {"upn": "A123456789013"},
            "upn",
            "Enter a valid UPN: 13 characters starting with a check letter, like A123456789012",
            id="bad-upn-check-letter",
        ),
        pytest.param(
            date_fields("date_of_birth", 31, 2, 2012),
            "date_of_birth",
            "Date of birth must be a real date",
            id="31-february",
        ),
        pytest.param(
            date_fields("date_of_birth", 1, 1, date.today().year + 1),
            "date_of_birth",
            "Date of birth must be today or in the past",
            id="future-dob",
        ),
        pytest.param(
            date_fields("date_of_birth", "", "", ""), "date_of_birth", "Enter the pupil's date of birth", id="no-dob"
        ),
        pytest.param(
            {"legal_first_name": "  "}, "legal_first_name", "Enter the pupil's legal first name", id="no-first-name"
        ),
        pytest.param(
            {"legal_last_name": ""}, "legal_last_name", "Enter the pupil's legal last name", id="no-last-name"
        ),
        pytest.param({"sen_status": None}, "sen_status", "Select the pupil's SEN status", id="no-sen-status"),
        pytest.param(
            {"safeguarding_status": None},
            "safeguarding_status",
            "Select the pupil's safeguarding status",
            id="no-safeguarding",
        ),
    ],
)
def test_errors_show_next_to_the_field_keep_what_was_typed_and_save_nothing(
    as_commissioner, pupil_fields, pupil_count, error_next_to, input_value, checked_value, overrides, field_id, message
):
    page = as_commissioner.get("/pupils/new")
    fields = {k: v for k, v in pupil_fields(preferred_name="Jay ✨", **overrides).items() if v is not None}
    response = as_commissioner.post("/pupils/new", data=form_data(page, fields))

    assert response.status_code == 200
    assert error_next_to(response, field_id) == message
    assert "govuk-error-summary" in text(response)
    assert html.unescape(text(response)).count(message) == 2  # in the error summary and next to the field
    assert input_value(response, "preferred_name") == "Jay ✨"
    assert checked_value(response, "fsm_eligible") == "yes"
    for name in ("legal_first_name", "legal_last_name", "upn"):
        assert input_value(response, name) == fields[name].strip() or name == field_id
    for part in ("day", "month", "year"):
        assert input_value(response, f"date_of_birth-{part}") == fields[f"date_of_birth-{part}"]
    assert pupil_count() == 0


def test_duplicate_upn_in_the_organisation_is_refused_next_to_the_upn(
    as_commissioner, pupil, pupil_fields, pupil_count, error_next_to, input_value
):
    page = as_commissioner.get("/pupils/new")
    response = as_commissioner.post("/pupils/new", data=form_data(page, pupil_fields(upn=pupil.upn.lower())))
    assert response.status_code == 200
    assert error_next_to(response, "upn") == "A pupil with this UPN already exists"
    assert input_value(response, "legal_first_name") == "Jamie"
    assert pupil_count() == 1


def test_same_upn_in_another_organisation_is_allowed(as_commissioner, other_pupil, pupil_fields, db_session):
    page = as_commissioner.get("/pupils/new")
    response = as_commissioner.post("/pupils/new", data=form_data(page, pupil_fields(upn=other_pupil.upn)))
    assert response.status_code == 302
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Pupil).where(Pupil.upn == other_pupil.upn)) == 2


def test_no_school_place_is_saved_as_no_school(as_commissioner, pupil_fields, db_session):
    page = as_commissioner.get("/pupils/new")
    response = as_commissioner.post("/pupils/new", data=form_data(page, pupil_fields(school_id="")))
    assert response.status_code == 302
    assert _created(db_session).school_id is None
    assert "No school place" in text(as_commissioner.get(response.headers["Location"]))


def test_school_must_be_one_of_the_listed_schools(
    as_commissioner, pupil_fields, provider_org, error_next_to, pupil_count
):
    page = as_commissioner.get("/pupils/new")
    response = as_commissioner.post("/pupils/new", data=form_data(page, pupil_fields(school_id=str(provider_org.id))))
    assert error_next_to(response, "school_id") == "Select the pupil's school, or No school place"
    assert pupil_count() == 0


def test_blank_parent_row_is_ignored(as_commissioner, pupil_fields, db_session):
    page = as_commissioner.get("/pupils/new")
    assert 'name="parents-0-name"' in text(page)  # one empty row is offered
    fields = pupil_fields(**{"parents-0-name": "", "parents-0-phone": " "})
    response = as_commissioner.post("/pupils/new", data=form_data(page, fields))
    assert response.status_code == 302
    assert _created(db_session).parents == []


def test_parent_row_errors_show_next_to_the_parent_fields(as_commissioner, pupil_fields, error_next_to, pupil_count):
    page = as_commissioner.get("/pupils/new")
    fields = pupil_fields(
        **{
            "parents-0-name": "",
            "parents-0-phone": "07700 900123",
            "parents-0-parental_responsibility": "yes",
            "parents-1-name": "Lee Parent",
            "parents-1-email": "not-an-email",
            "parents-1-phone": "call me",
        }
    )
    response = as_commissioner.post("/pupils/new", data=form_data(page, fields))
    assert error_next_to(response, "parents-0-name") == "Enter the parent or carer's name"
    assert error_next_to(response, "parents-1-email").startswith("Enter an email address in the correct format")
    assert error_next_to(response, "parents-1-phone").startswith("Enter a phone number")
    assert error_next_to(response, "parents-1-parental_responsibility") == (
        "Select yes if they have parental responsibility for the pupil"
    )
    assert 'href="#parents-1-email"' in text(response)  # the error summary links to the field
    assert pupil_count() == 0


def test_adding_and_removing_parent_rows_keeps_everything_typed(
    as_commissioner, pupil_fields, pupil_count, input_value, checked_value, db_session
):
    page = as_commissioner.get("/pupils/new")
    first = {
        "parents-0-name": "Alex First",
        "parents-0-relationship_to_pupil": "Aunt",
        "parents-0-address": "1 High Street\r\nLeeds",
        "parents-0-parental_responsibility": "no",
    }
    added = as_commissioner.post(
        "/pupils/new", data=form_data(page, pupil_fields(preferred_name="JJ", **first, add_parent="1"))
    )
    assert added.status_code == 200
    assert "govuk-error-summary" not in text(added)
    assert input_value(added, "parents-0-name") == "Alex First"
    assert input_value(added, "parents-0-address") in ("1 High Street\r\nLeeds", "1 High Street\nLeeds")
    assert checked_value(added, "parents-0-parental_responsibility") == "no"
    assert input_value(added, "parents-1-name") == ""
    assert input_value(added, "preferred_name") == "JJ"
    assert input_value(added, "date_of_birth-year") == "2012"
    assert pupil_count() == 0

    second = {"parents-1-name": "Blake Second", "parents-1-phone": "01632 960001"}
    removed = as_commissioner.post(
        "/pupils/new", data=form_data(added, pupil_fields(preferred_name="JJ", **first, **second, remove_parent="0"))
    )
    assert removed.status_code == 200
    assert input_value(removed, "parents-0-name") == "Blake Second"
    assert input_value(removed, "parents-0-phone") == "01632 960001"
    assert input_value(removed, "parents-1-name") is None
    assert "Alex First" not in text(removed)
    assert input_value(removed, "preferred_name") == "JJ"
    assert pupil_count() == 0

    saved = as_commissioner.post(
        "/pupils/new",
        data=form_data(
            removed,
            pupil_fields(
                preferred_name="JJ",
                **{
                    "parents-0-name": "Blake Second",
                    "parents-0-phone": "01632 960001",
                    "parents-0-parental_responsibility": "yes",
                },
            ),
        ),
    )
    assert saved.status_code == 302
    assert [(p.name, p.phone) for p in _created(db_session).parents] == [("Blake Second", "01632 960001")]


def test_edit_form_shows_the_current_record(as_commissioner, pupil, input_value, checked_value):
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    assert page.status_code == 200
    assert input_value(page, "legal_first_name") == "Morgan"
    assert input_value(page, "upn") == pupil.upn
    assert input_value(page, "date_of_birth-day") == "4"
    assert input_value(page, "parents-0-name") == "Robin Ashdown"
    assert checked_value(page, "sen_status") == "none"
    assert checked_value(page, "looked_after") == "no"


def test_edit_saves_changes_and_audits_field_names_without_personal_data(
    as_commissioner, commissioner, pupil, input_value, db_session
):
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    fields = {
        "legal_first_name": "Morgan",
        "legal_last_name": "Ashdown-Okafor",
        "preferred_name": "",
        **date_fields("date_of_birth", 4, 5, 2010),
        "upn": pupil.upn,
        "school_id": str(pupil.school_id),
        "sen_status": "ehcp",
        "looked_after": "no",
        "fsm_eligible": "no",
        "safeguarding_status": "none_known",
        "year_group_override": "",
        "parents-0-name": "Robin Ashdown",
        "parents-0-relationship_to_pupil": "Father",
        "parents-0-phone": "07700 900123",
        "parents-0-email": "",
        "parents-0-address": "",
        "parents-0-parental_responsibility": "yes",
    }
    response = as_commissioner.post(f"/pupils/{pupil.id}/edit", data=form_data(page, fields))
    assert response.status_code == 302
    assert "Pupil record updated." in text(as_commissioner.get(response.headers["Location"]))

    db_session.expire_all()
    changed = db_session.get(Pupil, pupil.id)
    assert changed.legal_last_name == "Ashdown-Okafor"
    assert changed.sen_status is SenStatus.EHCP
    assert [p.name for p in changed.parents] == ["Robin Ashdown"]

    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity_type == "pupil")
    ).one()
    assert event.entity_id == pupil.id
    assert event.user_id == commissioner.id
    assert event.detail == {"fields": ["legal_last_name", "sen_status"]}
    stored = json.dumps(event.detail)
    for personal in ("Ashdown", "Morgan", "Robin", "ehcp", pupil.upn):
        assert personal not in stored


def test_edit_replaces_and_removes_parents(as_commissioner, pupil, pupil_fields, db_session):
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    response = as_commissioner.post(
        f"/pupils/{pupil.id}/edit",
        data=form_data(page, pupil_fields(legal_first_name="Morgan", legal_last_name="Ashdown", upn=pupil.upn)),
    )
    assert response.status_code == 302
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ParentCarer)) == 0
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert "parents" in event.detail["fields"]


def test_edit_refuses_a_upn_another_pupil_has(as_commissioner, pupil, school, pupil_fields, error_next_to, db_session):
    factories.PupilFactory(organisation=school, upn="J931200124003")
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    response = as_commissioner.post(f"/pupils/{pupil.id}/edit", data=form_data(page, pupil_fields(upn="J931200124003")))
    assert response.status_code == 200
    assert error_next_to(response, "upn") == "A pupil with this UPN already exists"
    db_session.expire_all()
    assert db_session.get(Pupil, pupil.id).legal_first_name == "Morgan"


def test_nursery_override_from_an_import_survives_an_edit(as_commissioner, pupil, db_session):
    pupil.year_group_override = -1
    db_session.commit()
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    assert '<option value="-1" selected>Nursery</option>' in text(page)
    fields = {
        "legal_first_name": "Morgan",
        "legal_last_name": "Ashdown",
        **date_fields("date_of_birth", 4, 5, 2010),
        "upn": pupil.upn,
        "school_id": str(pupil.school_id),
        "sen_status": "none",
        "looked_after": "no",
        "fsm_eligible": "yes",
        "safeguarding_status": "none_known",
        "year_group_override": "-1",
        "parents-0-name": "Robin Ashdown",
        "parents-0-relationship_to_pupil": "Father",
        "parents-0-phone": "07700 900123",
        "parents-0-parental_responsibility": "yes",
    }
    assert as_commissioner.post(f"/pupils/{pupil.id}/edit", data=form_data(page, fields)).status_code == 302
    db_session.expire_all()
    saved = db_session.get(Pupil, pupil.id)
    assert (saved.year_group_override, saved.fsm_eligible) == (-1, True)
    assert "Nursery (override)" in text(as_commissioner.get(f"/pupils/{pupil.id}"))
