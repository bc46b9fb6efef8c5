"""Who can reach pupil records: commissioners of the owning organisation only, with every viewing audited."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.pupils.models import Pupil
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import sign_in
from tests.helpers import date_fields, form_data, text


@pytest.mark.parametrize("signed_in", ["as_viewer", "as_admin", "as_provider"])
@pytest.mark.parametrize("url", ["/pupils", "/pupils/new", "/pupils/import", "/pupils/import/template.csv"])
def test_only_commissioners_reach_the_pupil_section(request, signed_in, url):
    client = request.getfixturevalue(signed_in)
    assert client.get(url).status_code == 403


def test_viewer_cannot_see_a_pupil_even_with_its_address(as_viewer, pupil):
    response = as_viewer.get(f"/pupils/{pupil.id}")
    assert response.status_code == 403
    assert "Ashdown" not in text(response)


def test_other_organisations_commissioner_gets_not_found_for_show_and_edit(client, other_commissioner, pupil):
    sign_in(client, other_commissioner)
    for url in (f"/pupils/{pupil.id}", f"/pupils/{pupil.id}/edit"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Ashdown" not in text(response)


def test_other_organisations_commissioner_cannot_change_the_pupil(client, other_commissioner, pupil, db_session):
    sign_in(client, other_commissioner)
    page = client.get("/pupils/new")
    fields = {
        "legal_first_name": "Changed",
        "legal_last_name": "Name",
        **date_fields("date_of_birth", 1, 1, 2012),
        "sen_status": "none",
        "looked_after": "no",
        "fsm_eligible": "no",
        "safeguarding_status": "none_known",
        "school_id": "",
        "year_group_override": "",
    }
    response = client.post(f"/pupils/{pupil.id}/edit", data=form_data(page, fields))
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(Pupil, pupil.id).legal_first_name == "Morgan"


def test_list_shows_own_pupils_only(as_commissioner, pupil, other_pupil):
    body = text(as_commissioner.get("/pupils"))
    assert "Ashdown" in body
    assert "Elsewhere" not in body
    assert other_pupil.upn not in body


def test_viewing_a_pupil_is_audited_without_personal_data(as_commissioner, commissioner, pupil, db_session):
    assert as_commissioner.get(f"/pupils/{pupil.id}").status_code == 200
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.entity_type == "pupil")
    ).all()
    assert [(e.entity_id, e.user_id, e.organisation_id) for e in events] == [
        (pupil.id, commissioner.id, commissioner.organisation_id)
    ]
    stored = json.dumps(events[0].detail)
    assert "Ashdown" not in stored and pupil.upn not in stored


def test_opening_the_edit_form_is_audited_as_a_view(as_commissioner, pupil, db_session):
    as_commissioner.get(f"/pupils/{pupil.id}/edit")
    count = db_session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "view", AuditEvent.entity_id == pupil.id)
    )
    assert count == 1


def test_refused_viewing_is_not_recorded_as_a_view(client, other_commissioner, pupil, db_session):
    sign_in(client, other_commissioner)
    client.get(f"/pupils/{pupil.id}")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "view")) == 0


def test_detail_page_lists_only_placements_own_organisation_commissioned(
    as_commissioner, pupil, school, other_school, provider, db_session
):
    ours = factories.ProviderFactory(name="Riverside Learning Hub")
    theirs = factories.ProviderFactory(name="Distant Tutors Ltd")
    placement = factories.PlacementFactory(
        pupil=pupil, provider=ours, status=PlacementStatus.ACTIVE, planned_start=date(2025, 1, 6)
    )
    factories.PlacementFactory(pupil=pupil, provider=theirs, commissioning_organisation=other_school)
    db_session.commit()
    body = text(as_commissioner.get(f"/pupils/{pupil.id}"))
    assert "Riverside Learning Hub" in body
    assert "6 January 2025" in body
    assert "Distant Tutors Ltd" not in body
    assert f'href="/placements/{placement.id}"' in body
    assert f'href="/placements/new?pupil_id={pupil.id}"' in body  # "Start a placement" for this pupil


def test_pupil_pages_never_put_personal_data_in_links(as_commissioner, pupil):
    body = text(as_commissioner.get(f"/pupils/{pupil.id}"))
    for href in re.findall(r'href="([^"]*)"', body):
        assert "Ashdown" not in href and pupil.upn not in href
