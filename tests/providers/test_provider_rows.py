"""Sites and contacts: "Add another" and "Remove" work without JavaScript, keep everything typed and save nothing."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from service.providers.models import Provider
from tests.helpers import date_fields, form_data, text


def _names(body: str, prefix: str) -> list[str]:
    """The name boxes of one list's rows, in page order, with their values."""
    pattern = rf'id="({prefix}-\d+-name)" name="\1" type="text" value="([^"]*)"'
    return [f"{field}={html.unescape(value)}" for field, value in re.findall(pattern, body)]


def _count(db_session) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(sa.select(sa.func.count()).select_from(Provider))


def test_add_another_site_keeps_everything_typed(as_commissioner, provider_form, db_session):
    page = as_commissioner.get("/providers/new")
    fields = provider_form(
        name="Half-typed & <b>kept</b>", add_site="y", **date_fields("insurance_expiry", "31", "2", "2027")
    )
    response = as_commissioner.post("/providers/new", data=form_data(page, fields))
    body = text(response)
    assert response.status_code == 200
    assert _names(body, "sites") == ["sites-0-name=Canal Side Works", "sites-1-name="]
    assert 'value="Half-typed &amp; &lt;b&gt;kept&lt;/b&gt;"' in body
    assert 'id="insurance_expiry-day" name="insurance_expiry-day" type="text" value="31"' in body
    assert "govuk-error-summary" not in body  # adding a row is not a failed save
    assert _count(db_session) == 0


def test_remove_a_site_from_the_middle_renumbers_the_rest(as_commissioner, provider_form, db_session):
    page = as_commissioner.get("/providers/new")
    rows = {
        "sites-1-name": "Second site",
        "sites-1-postcode": "EB2 7TT",
        "sites-2-name": "Third site",
        "sites-2-address": "Farm Lane\r\nEastbury",
    }
    fields = provider_form(**rows, **{"sites-1-remove": "y"})
    response = as_commissioner.post("/providers/new", data=form_data(page, fields))
    body = text(response)
    assert response.status_code == 200
    assert _names(body, "sites") == ["sites-0-name=Canal Side Works", "sites-1-name=Third site"]
    assert "Second site" not in body
    assert "Farm Lane\r\nEastbury</textarea>" in body or "Farm Lane\nEastbury</textarea>" in body
    assert 'id="sites-2-name"' not in body
    assert _count(db_session) == 0

    # Saving the re-shown form saves the rows left.
    again = {k: v for k, v in fields.items() if not k.startswith("sites-")}
    again.update({"sites-0-name": "Canal Side Works", "sites-1-name": "Third site", "sites-1-address": "Farm Lane"})
    saved = as_commissioner.post("/providers/new", data=form_data(response, again))
    assert saved.status_code == 302
    provider = db_session.scalar(sa.select(Provider))
    assert [s.name for s in provider.sites] == ["Canal Side Works", "Third site"]


def test_add_and_remove_contacts_keep_typed_data_and_ticks(as_commissioner, provider_form, db_session):
    page = as_commissioner.get("/providers/new")
    fields = provider_form(add_contact="y", **{"contacts-0-email": "typed@horizon.example"})
    added = as_commissioner.post("/providers/new", data=form_data(page, fields))
    body = text(added)
    assert _names(body, "contacts") == ["contacts-0-name=Pat Quinn", "contacts-1-name="]
    assert 'value="typed@horizon.example"' in body
    assert re.search(r'id="contacts-0-is_placement_contact"[^>]*value="y" checked', body)

    fields = provider_form(
        **{
            "contacts-1-name": "Sam Second",
            "contacts-1-role": "Director",
            "contacts-1-is_placement_contact": "y",
            "contacts-0-remove": "y",
        }
    )
    fields.pop("contacts-0-is_placement_contact")
    removed = as_commissioner.post("/providers/new", data=form_data(added, fields))
    body = text(removed)
    assert _names(body, "contacts") == ["contacts-0-name=Sam Second"]
    assert 'value="Director"' in body
    assert re.search(r'id="contacts-0-is_placement_contact"[^>]*value="y" checked', body)
    assert "Pat Quinn" not in body
    assert _count(db_session) == 0


def test_removing_the_only_row_leaves_a_blank_one(as_commissioner, provider_form):
    page = as_commissioner.get("/providers/new")
    response = as_commissioner.post("/providers/new", data=form_data(page, provider_form(**{"sites-0-remove": "y"})))
    assert _names(text(response), "sites") == ["sites-0-name="]


def test_blank_rows_are_left_out_when_saving(as_commissioner, provider_form, db_session):
    page = as_commissioner.get("/providers/new")
    fields = provider_form(**{"sites-1-name": "", "sites-1-address": "", "sites-1-postcode": "", "contacts-1-name": ""})
    response = as_commissioner.post("/providers/new", data=form_data(page, fields))
    assert response.status_code == 302
    provider = db_session.scalar(sa.select(Provider))
    assert len(provider.sites) == 1
    assert len(provider.contacts) == 1


def test_pressing_enter_saves_rather_than_removing_a_row(as_commissioner):
    """Browsers submit with the form's first button when Enter is pressed in a box: it must be Save."""
    body = text(as_commissioner.get("/providers/new"))
    form = body[body.index('<form method="post" novalidate>') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert "name=" not in first_button
    assert "Save provider" in form[: form.index("</button>")]
