"""The pupil list (paged, by surname) and the search, which is posted so the term never appears in a URL."""

from __future__ import annotations

import re

from tests import factories
from tests.helpers import form_data, text


def _names_in_table(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<a class="govuk-link" href="/pupils/\d+">([^<]+)</a>', text(response))


def _search(client, term: str):  # type: ignore[no-untyped-def]
    page = client.get("/pupils")
    return client.post("/pupils", data=form_data(page, {"term": term}))


def test_search_by_surname_finds_own_pupils_only(as_commissioner, school, other_school, db_session):
    factories.PupilFactory(organisation=school, legal_first_name="Ada", legal_last_name="Lovelace")
    factories.PupilFactory(organisation=school, legal_first_name="Ben", legal_last_name="Babbage")
    factories.PupilFactory(organisation=other_school, legal_first_name="Cat", legal_last_name="Lovelace")
    db_session.commit()
    response = _search(as_commissioner, "lovelace")
    assert response.status_code == 200
    assert _names_in_table(response) == ["Lovelace, Ada"]
    assert "1 pupil matches your search" in text(response)


def test_search_by_first_and_last_name_together(as_commissioner, school, db_session):
    factories.PupilFactory(organisation=school, legal_first_name="Ada", legal_last_name="Lovelace")
    factories.PupilFactory(organisation=school, legal_first_name="Alan", legal_last_name="Lovelace")
    db_session.commit()
    assert _names_in_table(_search(as_commissioner, "ada LOVE")) == ["Lovelace, Ada"]


def test_search_by_upn_in_any_case(as_commissioner, school, db_session):
    wanted = factories.PupilFactory(organisation=school, legal_last_name="Turing", upn="P207000016049")
    factories.PupilFactory(organisation=school, legal_last_name="Hopper", upn="B801200005001")
    db_session.commit()
    response = _search(as_commissioner, " p207000016049 ")
    assert _names_in_table(response) == [f"Turing, {wanted.legal_first_name}"]


def test_search_term_never_travels_in_a_url(as_commissioner, school, db_session):
    factories.PupilFactory(organisation=school, legal_last_name="Lovelace")
    db_session.commit()
    page = as_commissioner.get("/pupils")
    assert re.search(r'<form method="post" action="/pupils"', text(page))
    response = as_commissioner.post("/pupils", data=form_data(page, {"term": "Lovelace"}), follow_redirects=True)
    assert response.request.path == "/pupils"
    assert response.request.query_string == b""
    assert not response.history  # no redirect carrying the term
    for href in re.findall(r'(?:href|action)="([^"]*)"', text(response)):
        assert "Lovelace" not in href


def test_search_with_wildcards_matches_them_literally(as_commissioner, school, db_session):
    factories.PupilFactory(organisation=school, legal_last_name="Smith")
    db_session.commit()
    response = _search(as_commissioner, "%")
    assert _names_in_table(response) == []
    assert "No pupils match" in text(response)


def test_empty_search_shows_a_message_next_to_the_box(as_commissioner, error_next_to):
    response = _search(as_commissioner, "  ")
    assert error_next_to(response, "term") == "Enter a name or UPN to search for"


def test_list_is_paged_fifty_at_a_time_by_surname_then_first_name(as_commissioner, school, db_session):
    for n in range(51):
        factories.PupilFactory(organisation=school, legal_first_name=f"P{n:02d}", legal_last_name=f"S{50 - n:02d}")
    factories.PupilFactory(organisation=school, legal_first_name="Bea", legal_last_name="S00")
    db_session.commit()

    first = as_commissioner.get("/pupils")
    names = _names_in_table(first)
    assert len(names) == 50
    assert names[:3] == ["S00, Bea", "S00, P50", "S01, P49"]
    assert "52 pupils, page 1 of 2" in text(first)
    assert 'href="/pupils?page=2"' in text(first)

    second = as_commissioner.get("/pupils?page=2")
    assert _names_in_table(second) == ["S49, P01", "S50, P00"]
    assert 'href="/pupils?page=1"' in text(second)


def test_list_out_of_range_page_shows_the_last_page(as_commissioner, pupil):
    assert _names_in_table(as_commissioner.get("/pupils?page=99")) == ["Ashdown, Morgan"]
