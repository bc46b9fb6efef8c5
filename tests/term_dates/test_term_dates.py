"""Admins enter their organisation's half-terms; overlapping or back-to-front dates are refused next to the field."""

from __future__ import annotations

import html
from datetime import date

import sqlalchemy as sa

from service.term_dates.models import TermDate
from tests.helpers import date_fields, form_data, text


def _add(client, name: str, start: tuple[int, int, int], end: tuple[int, int, int]):  # type: ignore[no-untyped-def]
    page = client.get("/term-dates")
    fields = {"name": name, **date_fields("starts_on", *start), **date_fields("ends_on", *end)}
    return client.post("/term-dates", data=form_data(page, fields))


def test_an_admin_adds_and_removes_half_terms_for_their_organisation(as_admin, school, other_school, db_session):
    assert _add(as_admin, "Autumn 1", (3, 9, 2025), (24, 10, 2025)).status_code == 302
    assert _add(as_admin, "Autumn 2", (3, 11, 2025), (19, 12, 2025)).status_code == 302
    page = text(as_admin.get("/term-dates"))
    assert "Autumn 1" in page and "24 October 2025" in page
    terms = db_session.scalars(sa.select(TermDate).order_by(TermDate.starts_on)).all()
    assert [(t.name, t.organisation_id) for t in terms] == [("Autumn 1", school.id), ("Autumn 2", school.id)]
    listing = as_admin.get("/term-dates")
    assert as_admin.post(f"/term-dates/{terms[0].id}/delete", data=form_data(listing, {})).status_code == 302
    assert [t.name for t in db_session.scalars(sa.select(TermDate))] == ["Autumn 2"]


def test_overlapping_or_back_to_front_dates_are_refused_next_to_the_field(as_admin, db_session):
    _add(as_admin, "Autumn 1", (3, 9, 2025), (24, 10, 2025))
    overlap = _add(as_admin, "Autumn 1b", (20, 10, 2025), (31, 10, 2025))
    assert overlap.status_code == 400
    assert "These dates overlap Autumn 1" in text(overlap)
    assert 'value="Autumn 1b"' in text(overlap)
    backwards = _add(as_admin, "Spring 1", (13, 2, 2026), (5, 1, 2026))
    assert backwards.status_code == 400
    assert "The last day must be on or after the first day" in html.unescape(text(backwards))
    missing = _add(as_admin, "", (5, 1, 2026), (13, 2, 2026))
    assert "Enter a name for the half-term" in text(missing)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TermDate)) == 1


def test_an_admin_cannot_remove_another_organisations_half_term(as_admin, other_school, db_session):
    theirs = TermDate(
        organisation_id=other_school.id, name="Theirs", starts_on=date(2025, 9, 3), ends_on=date(2025, 10, 24)
    )
    db_session.add(theirs)
    db_session.commit()
    page = as_admin.get("/term-dates")
    assert "Theirs" not in text(page)
    assert as_admin.post(f"/term-dates/{theirs.id}/delete", data=form_data(page, {})).status_code == 404
