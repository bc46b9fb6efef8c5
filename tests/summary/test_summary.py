"""The summary page: counts of the school's own placements by provider, reason, year group and SEN, attendance
and outcomes, for a term or a school year, worked out by hand from the records in conftest.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from service.summary import periods, services
from tests.helpers import text
from tests.summary.conftest import NAMES, add_marks

YEAR = "?term=year-2025"  # 1 September 2025 to 31 August 2026


def _summary(user, key="year-2025"):  # type: ignore[no-untyped-def]
    choices = periods.period_choices(user.organisation_id, date(2026, 3, 1))
    return services.summarise(user, periods.resolve_period(choices, key))


def _rows(summary, key):  # type: ignore[no-untyped-def]
    return {row[0]: row[1:] for row in summary.table(key).rows}


def test_counts_match_the_records(app, records, commissioner):  # noqa: ARG001
    summary = _summary(commissioner)
    # pl1..pl5; not the draft, not the placement that ended in July 2025, not the other school's.
    assert summary.placements == 5
    assert summary.pupils == 3  # Ada has two placements, Isambard two
    assert _rows(summary, "by-provider") == {"Horizon Skills CIC": (3, 3), "Brightway Tutors": (2, 2)}
    assert _rows(summary, "by-reason") == {
        "On a school's roll": (2,),
        "Permanently excluded": (1,),
        "Without a suitable school place": (1,),
        "Unable to attend school because of medical needs": (1,),
    }
    # Ada Year 10 (twice), Isambard Year 8 (twice), Marie's override Year 9.
    assert _rows(summary, "by-year-group") == {"Year 8": (2,), "Year 9": (1,), "Year 10": (2,)}
    assert [row[0] for row in summary.table("by-year-group").rows] == ["Year 8", "Year 9", "Year 10"]
    assert _rows(summary, "by-sen") == {
        "No special educational needs": (1,),
        "SEN support": (2,),
        "EHC plan": (2,),
    }
    assert _rows(summary, "by-hours") == {"Full time": (1,), "Part time": (4,)}
    status = _rows(summary, "by-status")
    assert status["Active"] == (4,) and status["Ended"] == (1,)


def test_attendance_matches_the_hand_worked_example(app, records, commissioner):  # noqa: ARG001
    summary = _summary(commissioner)
    # Possible: 10 (pl1) + 4 (pl3) + 2 (pl4; the # closure is not possible) = 16.
    # Present: 7 (6 / and a B) + 1 + 2 = 10. 10 / 16 = 62.5%.
    assert summary.attendance.possible == 16
    assert summary.attendance.present == 10
    assert summary.attendance.percent == Decimal("62.5")
    assert summary.persistent == 2  # pl1 at 70%, pl3 at 25%
    assert summary.severe == 1  # pl3
    by_provider = _rows(summary, "attendance-by-provider")
    assert by_provider["Horizon Skills CIC"] == (Decimal("62.5"), 16, 10, 2, 1)
    assert by_provider["Brightway Tutors"] == (None, 0, 0, 0, 0)


def test_outcomes_are_of_placements_that_ended_in_the_period(app, records, commissioner):  # noqa: ARG001
    summary = _summary(commissioner)
    assert summary.ended == 1  # pl5; the July 2025 ending is before the year
    destinations = _rows(summary, "destinations")
    assert destinations["Back to their school full time"] == (1,)
    assert destinations["Further education (college or sixth form)"] == (0,)
    assert _rows(summary, "end-reasons")["Completed as planned"] == (1,)
    assert summary.objectives == 3 and summary.objectives_achieved == 2
    assert _rows(summary, "objectives")["Some progress"] == (1,)


def test_a_term_excludes_placements_that_ended_before_it(app, records, commissioner):  # noqa: ARG001
    spring = _summary(commissioner, "2026-spring")  # 5 January to 27 March 2026, from the two half-terms
    assert (spring.period.start, spring.period.end) == (date(2026, 1, 5), date(2026, 3, 27))
    assert spring.placements == 4  # pl5 ended on 12 December 2025
    assert spring.ended == 0
    autumn = _summary(commissioner, "2025-autumn")
    assert autumn.placements == 1  # only pl5
    assert _rows(autumn, "by-provider") == {"Brightway Tutors": (1, 1)}


def test_marks_outside_the_period_are_not_counted(app, records, commissioner):
    add_marks(records["pl1"], "OOOO", first=date(2026, 4, 20))  # after the spring term
    spring = _summary(commissioner, "2026-spring")
    assert spring.attendance.possible == 16
    assert _summary(commissioner).attendance.possible == 20  # the school year includes them


def test_another_schools_placements_are_never_counted(app, records, other_commissioner):  # noqa: ARG001
    summary = _summary(other_commissioner)
    assert summary.placements == 1
    assert summary.attendance.possible == 6 and summary.attendance.present == 0
    assert _rows(summary, "by-provider") == {"Horizon Skills CIC": (1, 1)}


def test_the_viewer_sees_the_page_with_no_pupil_names_or_upns(app, records, as_viewer):
    response = as_viewer.get("/summary" + YEAR)
    assert response.status_code == 200
    html = text(response)
    assert "Horizon Skills CIC" in html and "62.5%" in html
    for name in NAMES:
        assert name not in html
    for placement in records.values():
        assert placement.pupil.upn not in html
    assert "census.csv" not in html  # the census export is a commissioner's
    assert "<svg" in html and "<table" in html
    assert "own records" in html


def test_the_commissioner_sees_the_census_link(app, records, as_commissioner):  # noqa: ARG001
    html = text(as_commissioner.get("/summary" + YEAR))
    assert "/summary/census.csv?term=year-2025" in html
    assert 'href="/summary"' in html  # in the navigation


def test_the_term_choices_are_the_organisations_terms(app, records, as_viewer):  # noqa: ARG001
    html = text(as_viewer.get("/summary"))
    assert 'value="2026-spring"' in html and 'value="2025-autumn"' in html and 'value="all"' in html
    assert "This school year" in html


def test_a_bad_period_is_a_message_not_an_error(app, records, as_viewer):  # noqa: ARG001
    for bad in ("banana", "2031-autumn", "year-99999", "<script>", "2026-winter"):
        response = as_viewer.get("/summary", query_string={"term": bad})
        assert response.status_code == 200, bad
        html = text(response)
        assert "There is a problem" in html, bad
        assert "<script>" not in html
    assert "no term dates for that term" in text(as_viewer.get("/summary?term=2031-autumn"))


def test_a_bad_period_on_a_download_goes_back_to_the_page(app, records, as_viewer):  # noqa: ARG001
    response = as_viewer.get("/summary.csv?term=banana")
    assert response.status_code == 302 and response.headers["Location"].endswith("/summary")


def test_other_roles_may_not_see_the_summary(app, as_admin):
    for url in ("/summary", "/summary.csv", "/summary.xlsx", "/summary/census.csv"):
        assert as_admin.get(url).status_code == 403


def test_provider_staff_may_not_see_the_summary(app, as_provider):
    for url in ("/summary", "/summary.csv", "/summary.xlsx", "/summary/census.csv"):
        assert as_provider.get(url).status_code == 403


def test_the_dashboard_links_the_viewer_to_the_summary(app, as_viewer):
    assert 'href="/summary"' in text(as_viewer.get("/"))


def test_a_table_of_zeros_has_no_chart_only_its_numbers(app, as_viewer):
    html = text(as_viewer.get("/summary?term=all"))  # nothing recorded: every count is zero
    destinations = html[html.index('id="destinations"') :].split("</table>")[0]
    assert "<svg" not in destinations
    assert "Back to their school full time" in destinations  # the table still says 0 for each
