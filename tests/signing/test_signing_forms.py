"""The signing pages' forms through the real pages, as GOV.UK forms show mistakes: an error summary at the top
linking to each box, "Error:" in the title, every message at once and next to its box. After everyone has signed
the page says so instead of inviting a second round; the school's default signer is never the member of staff
who would witness their own signature; a plan the local authority commissioned is signed by its representative,
not a "school representative"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from service.extensions import db
from service.signing.models import RequestStatus, SignerStatus
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text
from tests.signing.conftest import link_token, messages_to
from tests.signing.test_signing_flow import _ask, _confirm, _round


@pytest.fixture
def signer_client(app):  # type: ignore[no-untyped-def]
    """A separate browser: the signer's phone, not signed in."""
    return browser(app)


TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)


def _title(response) -> str:  # type: ignore[no-untyped-def]
    match = TITLE.search(text(response))
    assert match
    return match.group(1)


def _summary(response) -> str:  # type: ignore[no-untyped-def]
    """The GOV.UK error summary's HTML, or "" when the page has none."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text(response), re.S)
    return match.group(0) if match else ""


def _group(response, field_id: str) -> str:  # type: ignore[no-untyped-def]
    """The GOV.UK form group holding ``field_id``'s box (the message by the field is in it)."""
    page = text(response)
    at = page.index(f'id="{field_id}"')
    start = page.rindex('<div class="govuk-form-group', 0, at)
    return page[start:at]


def test_asking_without_the_parents_email_shows_the_error_summary_and_the_message_by_the_box(
    as_commissioner, placement, db_session
):
    response = _ask(
        as_commissioner,
        placement,
        [
            {"include": "y", "name": "Pat Parent", "role": "parent_carer", "method": "link", "email": ""},
            {"include": "y", "name": "Ms K Owen", "role": "school_representative", "method": "in_person"},
            {"include": "y", "name": "Alex", "role": "provider_representative", "method": "in_person"},
        ],
    )
    assert response.status_code == 400
    assert _title(response).startswith("Error: ")
    summary = _summary(response)
    assert 'href="#signers-0-email"' in summary and "Enter an email address for Pat Parent" in summary
    assert "govuk-form-group--error" in _group(response, "signers-0-email")
    assert "Enter an email address for Pat Parent" in _group(response, "signers-0-email")
    assert _round(db_session) is None


def test_a_missing_role_is_in_the_summary_and_links_to_the_signers(as_commissioner, placement, db_session):
    response = _ask(
        as_commissioner,
        placement,
        [{"include": "y", "name": "Pat Parent", "role": "parent_carer", "method": "link", "email": "pat@example.com"}],
    )
    assert response.status_code == 400
    assert _title(response).startswith("Error: ")
    summary = _summary(response)
    assert "Add a signer for each of: school representative" in summary
    target = re.search(r'href="#([^"]+)"', summary)
    assert target and f'id="{target.group(1)}"' in text(response)  # the link lands on something


def test_declining_without_a_reason_shows_the_error_summary(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    _confirm(signer_client, db_session, token, "pat@example.com")
    page = signer_client.get(f"/sign/{token}")
    response = signer_client.post(f"/sign/{token}/decline", data=form_data(page, {"reason": " "}))
    assert response.status_code == 400
    assert _title(response).startswith("Error: ")
    summary = _summary(response)
    assert 'href="#reason"' in summary and "Say why you do not want to sign" in summary
    assert "Say why you do not want to sign" in _group(response, "reason")
    assert _round(db_session).status is RequestStatus.OPEN


def test_the_sign_page_reports_every_mistake_at_once(as_commissioner, placement, db_session, signer_client):
    _ask(as_commissioner, placement)
    token = link_token(messages_to(db_session, "pat@example.com")[0])
    _confirm(signer_client, db_session, token, "pat@example.com")
    page = signer_client.get(f"/sign/{token}")
    response = signer_client.post(f"/sign/{token}", data=form_data(page, {}))
    assert response.status_code == 400
    assert _title(response).startswith("Error: ")
    summary = _summary(response)
    assert "Confirm that you have read the plan" in summary and 'href="#read_confirmed"' in summary
    assert "Draw your signature in the box, or type your name" in summary and 'href="#typed"' in summary
    assert "Draw your signature in the box, or type your name" in _group(response, "typed")
    assert _round(db_session).signers[0].status is SignerStatus.WAITING


def test_after_everyone_signed_the_page_offers_no_second_round(as_commissioner, placement, db_session):
    _ask(as_commissioner, placement)
    round_ = _round(db_session)
    for signer in round_.signers:  # everyone has signed; the sealed copy is still being made
        signer.status = SignerStatus.SIGNED
        signer.signed_at = datetime(2026, 1, 5, 10, tzinfo=UTC)
    round_.status = RequestStatus.COMPLETED
    db.session.commit()
    page = text(as_commissioner.get(f"/placements/{placement.id}/signatures"))
    assert "Ask for signatures</button>" not in page and 'name="signers-0-name"' not in page
    assert "Everyone has signed this version of the plan" in page


def test_the_school_signer_suggested_is_not_the_senco_witnessing_themselves(
    client, placement, commissioner, db_session
):
    placement.support_plan.school_rep = f"{commissioner.name}, SENCO"
    db.session.commit()
    sign_in(client, commissioner)
    page = text(client.get(f"/placements/{placement.id}/signatures"))
    rows = re.split(r"<legend[^>]*>\s*Signer \d+\s*</legend>", page)[1:]
    [school] = [row for row in rows if re.search(r'<option value="school_representative" selected', row)]
    assert f'value="{commissioner.name}, SENCO"' in school
    assert re.search(r'<input[^>]*value="link"[^>]*checked', school)  # signs with their own email and code
    assert not re.search(r'<input[^>]*value="in_person"[^>]*checked', school)
    assert f'value="{commissioner.email}"' in school


def test_a_signer_cannot_witness_their_own_signature(as_commissioner, placement, commissioner, db_session):
    _ask(
        as_commissioner,
        placement,
        [
            {
                "include": "y",
                "name": "Pat Parent",
                "role": "parent_carer",
                "method": "link",
                "email": "pat@example.com",
            },
            {
                "include": "y",
                "name": f"{commissioner.name}, SENCO",
                "role": "school_representative",
                "method": "in_person",
            },
            {"include": "y", "name": "Alex", "role": "provider_representative", "method": "in_person"},
        ],
    )
    round_ = _round(db_session)
    school = next(s for s in round_.signers if s.role.value == "school_representative")
    url = f"/placements/{placement.id}/signatures/{round_.id}/signers/{school.id}/in-person"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, {"read_confirmed": "y", "typed": commissioner.name}))
    assert response.status_code == 400
    assert "You cannot witness your own signature" in text(response)
    db_session.expire_all()
    assert _round(db_session).signers[1].status is SignerStatus.WAITING


@pytest.fixture
def la_placement(placement, local_authority, db_session):  # type: ignore[no-untyped-def]
    placement.commissioning_organisation_id = local_authority.id
    db_session.commit()
    return placement


def test_a_plan_the_la_commissioned_is_signed_by_its_representative(client, la_placement, la_officer, db_session):
    sign_in(client, la_officer)
    page = text(client.get(f"/placements/{la_placement.id}/signatures"))
    assert "School representative" not in page
    assert "Local authority representative" in page
