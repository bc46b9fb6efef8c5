"""Who can see and change the catalogue: commissioners and admins read all of it and change their own
organisation's entries, provider staff read only their own record, viewers nothing."""

from __future__ import annotations

import sqlalchemy as sa

from service.providers.models import ApprovedListStatus, Provider
from tests import factories
from tests.conftest import sign_in
from tests.helpers import csrf_token, text


def test_commissioner_sees_the_whole_catalogue(as_commissioner, provider, other_provider):
    body = text(as_commissioner.get("/providers"))
    assert "Horizon Skills CIC" in body
    assert "Riverside Learning Centre" in body
    assert 'href="/providers/new"' in body


def test_catalogue_table_shows_status_registration_ofsted_and_warning_count(as_commissioner, compliant_provider):
    factories.ProviderFactory(name="Unlisted Tutors", approved_list_status=ApprovedListStatus.NOT_ON_LIST)
    body = text(as_commissioner.get("/providers"))
    compliant_row = body[body.index("Oak Tree Tutoring Ltd") : body.index("</tr>", body.index("Oak Tree Tutoring Ltd"))]
    assert "On the approved provider list" in compliant_row and "govuk-tag--green" in compliant_row
    assert "URN 654321" in compliant_row
    assert "Good" in compliant_row
    assert ">None</td>" in compliant_row
    other_row = body[body.index("Unlisted Tutors") : body.index("</tr>", body.index("Unlisted Tutors"))]
    assert "Not on the approved list" in other_row
    assert "Not registered" in other_row
    assert "Not inspected" in other_row
    assert ">None</td>" not in other_row


def test_provider_staff_see_only_their_own_provider(as_provider, provider, other_provider):
    response = as_provider.get("/providers")
    body = text(response)
    assert response.status_code == 200
    assert "Your provider record" in body
    assert "Horizon Skills CIC" in body
    assert "Riverside Learning Centre" not in body
    assert 'href="/providers/new"' not in body


def test_provider_staff_can_read_their_own_record_but_not_change_it(as_provider, provider):
    response = as_provider.get(f"/providers/{provider.id}")
    assert response.status_code == 200
    assert "Horizon Skills CIC" in text(response)
    assert f"/providers/{provider.id}/edit" not in text(response)


def test_provider_staff_get_404_on_another_providers_page(as_provider, other_provider):
    response = as_provider.get(f"/providers/{other_provider.id}")
    assert response.status_code == 404
    assert "Riverside Learning Centre" not in text(response)


def test_provider_staff_cannot_add_or_change_providers(as_provider, provider, other_provider, db_session):
    """403 for every edit address, whoever's it is and whether or not it exists, so it reveals nothing."""
    assert as_provider.get("/providers/new").status_code == 403
    assert as_provider.get(f"/providers/{provider.id}/edit").status_code == 403
    assert as_provider.get(f"/providers/{other_provider.id}/edit").status_code == 403
    assert as_provider.get("/providers/999999/edit").status_code == 403
    token = csrf_token(as_provider.get("/providers"))
    response = as_provider.post(f"/providers/{provider.id}/edit", data={"csrf_token": token, "name": "Hijacked"})
    assert response.status_code == 403
    response = as_provider.post("/providers/new", data={"csrf_token": token, "name": "Self-approved"})
    assert response.status_code == 403
    db_session.expire_all()
    assert sorted(db_session.scalars(sa.select(Provider.name))) == ["Horizon Skills CIC", "Riverside Learning Centre"]


def test_provider_staff_without_a_record_are_told_so(client, db_session):
    organisation = factories.ProviderOrganisationFactory(name="New Provider Ltd")
    user = factories.UserFactory(organisation=organisation, role=factories.Role.PROVIDER_STAFF)
    factories.ProviderFactory(name="Someone Else")
    sign_in(client, user)
    body = text(client.get("/providers"))
    assert "There is no provider record for your organisation yet" in body
    assert "Someone Else" not in body


def test_viewer_gets_403_everywhere_in_the_catalogue(as_viewer, provider):
    for url in ("/providers", f"/providers/{provider.id}", "/providers/new", f"/providers/{provider.id}/edit"):
        assert as_viewer.get(url).status_code == 403, url


def test_admin_reads_the_catalogue_and_changes_only_their_own_organisations_entries(as_admin, admin, provider):
    for url in ("/providers", f"/providers/{provider.id}", "/providers/new"):
        assert as_admin.get(url).status_code == 200, url
    assert as_admin.get(f"/providers/{provider.id}/edit").status_code == 403  # another organisation's entry
    own = factories.ProviderFactory(name="Our Own Tutors", owner_organisation=admin.organisation)
    assert as_admin.get(f"/providers/{own.id}/edit").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, provider):
    response = client.get(f"/providers/{provider.id}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
