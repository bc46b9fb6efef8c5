"""Each list on the dashboard opens in full on its own page ("See all N"): 50 rows to a page, sorted by pupil,
provider or date, filtered by provider and status, within the same scope as the dashboard: a commissioner sees their
organisation's placements, provider staff the placements at their provider and only their own To do lists."""

from __future__ import annotations

from datetime import date, timedelta

from service.extensions import db
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import text


def _late(school, provider, name: str, days_ago: int = 120):  # type: ignore[no-untyped-def]
    """A placement whose first review is long overdue."""
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school, legal_first_name=name, legal_last_name="Test"),
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=date.today() - timedelta(days=days_ago),
    )


def _names(page: str, marker: str = "#reviews") -> list[str]:
    """The pupils listed, in order (each row links to the placement's part the list is about)."""
    rows = page.split('class="govuk-list apdocs-to-do"')[1].split("</ul>")[0].split("<li>")[1:]
    return [row.split('">')[1].split(" Test<")[0] for row in rows if marker in row]


def test_a_to_do_list_opens_in_full_a_page_at_a_time(as_commissioner, school, provider):
    for n in range(55):
        _late(school, provider, f"Pupil{n:02d}", days_ago=120 + n)
    dashboard = text(as_commissioner.get("/"))
    assert 'href="/to-do/reviews"' in dashboard and "See all 55" in dashboard

    first = text(as_commissioner.get("/to-do/reviews"))
    assert "55 to do, page 1 of 2." in first
    assert len(_names(first)) == 50
    second = text(as_commissioner.get("/to-do/reviews?page=2"))
    assert len(_names(second)) == 5
    assert set(_names(first)) | set(_names(second)) == {f"Pupil{n:02d}" for n in range(55)}
    assert "/to-do/reviews?page=2" in first  # the pagination links keep to the list


def test_a_to_do_list_sorts_by_pupil_and_date_and_filters_by_provider(as_commissioner, school, provider):
    elsewhere = factories.ProviderFactory(name="Another Place")
    _late(school, provider, "Bea", days_ago=130)
    _late(school, elsewhere, "Ann", days_ago=200)
    _late(school, provider, "Cal", days_ago=300)

    assert _names(text(as_commissioner.get("/to-do/reviews?sort=pupil"))) == ["Ann", "Bea", "Cal"]
    assert _names(text(as_commissioner.get("/to-do/reviews?sort=date"))) == ["Cal", "Ann", "Bea"]  # most overdue
    assert _names(text(as_commissioner.get("/to-do/reviews?sort=provider"))) == ["Ann", "Bea", "Cal"]
    only = text(as_commissioner.get(f"/to-do/reviews?provider={elsewhere.id}&sort=pupil"))
    assert _names(only) == ["Ann"]
    assert "Another Place" in only


def test_a_filter_that_is_not_a_choice_is_named_next_to_its_field(as_commissioner, school, provider, other_school):
    _late(school, provider, "Ours")
    theirs_provider = factories.ProviderFactory(name="Only Theirs")
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=other_school), provider=theirs_provider, status=PlacementStatus.ACTIVE
    )
    response = as_commissioner.get(f"/to-do/reviews?provider={theirs_provider.id}&status=nonsense&sort=x")
    assert response.status_code == 400
    page = text(response)
    assert "Choose one of the providers from the list" in page and "Choose a status from the list" in page
    assert "Only Theirs" not in page  # the choices are the providers of the user's own placements
    placements = as_commissioner.get(f"/placements?provider={theirs_provider.id}")
    assert placements.status_code == 400 and "Only Theirs" not in text(placements)


def test_an_unknown_list_is_not_found(as_commissioner):
    assert as_commissioner.get("/to-do/nonsense").status_code == 404


def test_provider_staff_open_their_lists_and_not_the_commissioners(app, provider_user, school, provider):
    from tests.conftest import browser, sign_in

    staff = browser(app)
    sign_in(staff, provider_user)
    assert staff.get("/to-do/unmarked").status_code == 200
    assert staff.get("/to-do/progress_reports").status_code == 200
    for key in ("reviews", "visits", "no_placement", "la_decisions", "packs-started"):
        assert staff.get(f"/to-do/{key}").status_code == 404, key


def test_the_placements_page_lists_a_status_a_page_at_a_time_sorted_and_filtered(
    as_commissioner, school, other_school, provider
):
    elsewhere = factories.ProviderFactory(name="Another Place")
    for n in range(52):
        _late(school, provider if n % 2 else elsewhere, f"Pupil{n:02d}", days_ago=10 + n)
    factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school, legal_first_name="Waiting"))
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=other_school, legal_first_name="NotOurs"),
        provider=provider,
        status=PlacementStatus.ACTIVE,
    )
    db.session.commit()

    dashboard = text(as_commissioner.get("/"))
    assert 'href="/placements?status=active"' in dashboard and "See all 52" in dashboard

    page = text(as_commissioner.get("/placements?status=active"))
    assert "52 placements, page 1 of 2." in page
    assert page.count('data-label="Status">Active<') == 50
    assert "NotOurs" not in page and "Waiting" not in page
    second = text(as_commissioner.get("/placements?status=active&page=2"))
    assert second.count('data-label="Status">Active<') == 2
    assert "Pupil00" in second and "Pupil01" in second  # sorted by start: the latest starts come last

    by_pupil = text(as_commissioner.get("/placements?status=active&sort=pupil"))
    assert by_pupil.index("Pupil00") < by_pupil.index("Pupil01") < by_pupil.index("Pupil49")

    theirs = text(as_commissioner.get(f"/placements?provider={elsewhere.id}"))
    assert "26 placements." in theirs and "Pupil01" not in theirs and "Pupil00" in theirs


def test_provider_staff_see_only_their_providers_placements(as_provider, school, provider):
    ours = _late(school, provider, "Ours")
    _late(school, factories.ProviderFactory(name="Elsewhere"), "NotAtOurs")
    page = text(as_provider.get("/placements"))
    assert f"/placements/{ours.id}" in page and "NotAtOurs" not in page


def test_the_pack_tables_show_their_first_rows_and_a_see_all_page(as_commissioner, school, provider):
    for n in range(7):
        _late(school, provider, f"Started{n}", days_ago=3 + n)  # started, no pack sent
    dashboard = text(as_commissioner.get("/"))
    packs = dashboard.split('id="provider-packs"')[1]
    assert "Placement started, no pack sent (7)" in packs
    table = packs.split("Placement started, no pack sent (7)")[1].split("</table>")[0]
    assert table.count("<tr") == 6  # the heading row and five
    assert 'href="/to-do/packs-started"' in packs
    page = text(as_commissioner.get("/to-do/packs-started"))
    assert "7 to do." in page and page.count("/provider-pack/preview") == 7
