"""The school census AP export (a school's placements) and the LA's AP census export (the LA's own), parsed as
a program would: every column of a row, who gets which file, and every coded value from the one table."""

from __future__ import annotations

import csv
import io
from datetime import date, time

import pytest

from service.audit.models import AuditEvent
from service.extensions import db
from service.placements.models import PlacementSession
from service.rules.census import (
    CODE_TABLE,
    ApCensusReason,
    CensusItem,
    SchoolCensusReason,
    SettingType,
)
from service.rules.placement_status import PlacementStatus
from service.summary.downloads import CENSUS_COLUMNS, CensusExport
from tests import factories
from tests.conftest import browser, sign_in

YEAR = "?term=year-2025"
SCHOOL_CENSUS, AP_CENSUS = "/summary/census.csv", "/summary/ap-census.csv"


def _rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    rows = list(reader)
    assert tuple(reader.fieldnames or ()) == CENSUS_COLUMNS
    return rows


def _audit(entity_type: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.entity_type == entity_type)))


def _page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    """The page's text with its whitespace run together, as a reader sees it."""
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())


def _codes(item: CensusItem) -> set[str]:
    return {c.code for c in CODE_TABLE[item].values()}


@pytest.fixture
def la_placement(local_authority, school, provider):  # type: ignore[no-untyped-def]
    """A placement the LA arranged (its Access to Learning team) for a pupil on the school's roll, at the same
    provider the school uses: it belongs in the LA's AP census and never in the school's census."""
    provider.urn = None
    provider.ukprn = None
    provider.setting_type = SettingType.ONE_TO_ONE_TUITION
    pupil = factories.PupilFactory(
        organisation=local_authority,
        school=school,
        legal_first_name="Grace",
        legal_last_name="Hopper",
        date_of_birth=date(2012, 12, 9),
        upn="A931400112001",
    )
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.ENDED,
        planned_start=date(2025, 11, 3),
        actual_start=date(2025, 11, 4),
        planned_end=date(2026, 3, 27),
        actual_end=date(2026, 2, 13),
        with_sessions=False,
        census_reason=ApCensusReason.NO_SCHOOL_PLACE,
    )
    assert placement.commissioning_organisation_id == local_authority.id
    # Monday to Thursday 9:00 to 15:00 (24 hours, 8 sessions) and Friday morning 9:00 to 12:00: 27 hours, 9 sessions.
    placement.sessions = [PlacementSession(weekday=d, starts_at=time(9), ends_at=time(15)) for d in range(4)]
    placement.sessions.append(PlacementSession(weekday=4, starts_at=time(9), ends_at=time(12)))
    db.session.commit()
    return placement


def test_every_column_of_the_school_census_row_for_a_school_arranged_placement(app, school, as_commissioner):
    provider = factories.ProviderFactory(name="Brightway Tutors", urn=None, ukprn="10012345")
    pupil = factories.PupilFactory(
        organisation=school,
        legal_first_name="Ada",
        legal_last_name="Lovelace",
        date_of_birth=date(2011, 3, 14),
        upn="A931400119001",
    )
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=date(2026, 1, 5),
        actual_start=date(2026, 1, 6),
        census_reason=SchoolCensusReason.BEHAVIOUR,
    )
    rows = _rows(as_commissioner.get(SCHOOL_CENSUS + YEAR))
    assert rows == [
        {
            "UPN": "A931400119001",
            "Surname": "Lovelace",
            "Forename": "Ada",
            "Date of birth": "2011-03-14",
            "AP provider URN": "",
            "AP provider UKPRN": "10012345",
            "AP setting type": "",
            "Primary reason for placement": "BEH",
            "Entry date": "2026-01-06",  # the actual start, not the planned one
            "Leaving date": "",
            "Sessions per week": "1",  # Tuesday 9:00 to 12:00 at the provider; the school's own sessions are not AP
            "Attendance pattern": "PT",
            "Provider name": "Brightway Tutors",
            "Reason (apdocs)": "Off-site placement for behavioural support",
            "apdocs reference": f"AP-{placement.id}",
        }
    ]


def test_every_column_of_the_ap_census_row_for_an_la_arranged_placement(app, la_placement, as_la_officer, la_officer):
    response = as_la_officer.get(AP_CENSUS + YEAR)
    assert 'filename="ap-census-year-2025.csv"' in response.headers["Content-Disposition"]
    assert _rows(response) == [
        {
            "UPN": "A931400112001",
            "Surname": "Hopper",
            "Forename": "Grace",
            "Date of birth": "2012-12-09",
            "AP provider URN": "",
            "AP provider UKPRN": "",
            "AP setting type": "OOT",  # neither number: the provider's recorded type of setting
            "Primary reason for placement": "NSP",
            "Entry date": "2025-11-04",
            "Leaving date": "2026-02-13",
            "Sessions per week": "9",
            "Attendance pattern": "PT",  # 27 hours: under 30
            "Provider name": "Horizon Skills CIC",
            "Reason (apdocs)": "Without a school place",
            "apdocs reference": f"AP-{la_placement.id}",
        }
    ]
    events = _audit("ap_census")
    assert [(e.action, e.user_id, e.detail) for e in events] == [
        ("export", la_officer.id, {"period": "year-2025", "placements": 1})
    ]
    assert not _audit("census_ap")


def test_the_ap_census_holds_only_the_las_own_placements_that_ran(app, la_placement, local_authority, school):
    la_pupil = la_placement.pupil
    full_time = factories.PlacementFactory(
        pupil=la_pupil, status=PlacementStatus.UNDER_REVIEW, with_sessions=False, census_reason="medical"
    )
    full_time.sessions = [PlacementSession(weekday=d, starts_at=time(9), ends_at=time(15)) for d in range(5)]
    factories.PlacementFactory(pupil=la_pupil, status=PlacementStatus.DRAFT)  # never ran
    factories.PlacementFactory(pupil=la_pupil, status=PlacementStatus.AGREED)  # not started
    factories.PlacementFactory(pupil=la_pupil, status=PlacementStatus.CANCELLED)
    before = factories.PlacementFactory(
        pupil=la_pupil,
        status=PlacementStatus.ENDED,
        planned_start=date(2025, 1, 6),
        actual_end=date(2025, 7, 18),
        planned_end=date(2025, 7, 18),
    )
    school_placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), status=PlacementStatus.ACTIVE
    )
    other_la = factories.LocalAuthorityFactory(name="Eastshire Council")
    elsewhere = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=other_la), status=PlacementStatus.ACTIVE
    )
    db.session.commit()
    client = browser(app)
    sign_in(client, factories.UserFactory(organisation=local_authority, role=factories.Role.COMMISSIONER))
    rows = _rows(client.get(AP_CENSUS + YEAR))
    by_ref = {row["apdocs reference"]: row for row in rows}
    assert set(by_ref) == {f"AP-{la_placement.id}", f"AP-{full_time.id}"}
    assert f"AP-{before.id}" not in by_ref and f"AP-{school_placement.id}" not in by_ref
    assert f"AP-{elsewhere.id}" not in by_ref
    row = by_ref[f"AP-{full_time.id}"]
    assert (row["Primary reason for placement"], row["Reason (apdocs)"]) == (
        "MED",
        "Unable to attend school because of health needs",
    )
    assert (row["Sessions per week"], row["Attendance pattern"]) == ("10", "FT")


def test_an_la_arranged_placement_is_never_in_a_schools_census(app, la_placement, school, as_commissioner, la_officer):
    """The LA's placement is for the school's own pupil, at the school's own provider: still the LA's to return."""
    mine = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school),
        provider=la_placement.provider,
        status=PlacementStatus.ACTIVE,
        census_reason=SchoolCensusReason.SUSPENSION,
    )
    school_rows = _rows(as_commissioner.get(SCHOOL_CENSUS + YEAR))
    assert [r["apdocs reference"] for r in school_rows] == [f"AP-{mine.id}"]
    assert "Hopper" not in {r["Surname"] for r in school_rows}

    client = browser(app)
    sign_in(client, la_officer)
    la_rows = _rows(client.get(AP_CENSUS + YEAR))
    assert [r["apdocs reference"] for r in la_rows] == [f"AP-{la_placement.id}"]


def test_an_la_officer_has_no_school_census(app, la_placement, as_la_officer):  # noqa: ARG001
    """The school census is for placements a school arranged: for an LA the route does not exist."""
    for query in (YEAR, "?term=all", ""):
        assert as_la_officer.get(SCHOOL_CENSUS + query).status_code == 404
    assert not _audit("census_ap") and not _audit("ap_census")


def test_a_schools_commissioner_has_no_ap_census(app, la_placement, as_commissioner):  # noqa: ARG001
    for query in (YEAR, "?term=all", ""):
        assert as_commissioner.get(AP_CENSUS + query).status_code == 404
    assert not _audit("census_ap") and not _audit("ap_census")


def test_viewers_may_download_neither_census(app, la_placement, local_authority, as_viewer):  # noqa: ARG001
    assert as_viewer.get(SCHOOL_CENSUS + YEAR).status_code == 403
    assert as_viewer.get(AP_CENSUS + YEAR).status_code == 403
    la_viewer = browser(app)
    sign_in(la_viewer, factories.UserFactory(organisation=local_authority, role=factories.Role.VIEWER))
    assert la_viewer.get(SCHOOL_CENSUS + YEAR).status_code == 403
    assert la_viewer.get(AP_CENSUS + YEAR).status_code == 403
    assert not _audit("census_ap") and not _audit("ap_census")


def test_every_coded_value_of_both_exports_is_in_the_table(app, school, local_authority, as_commissioner, la_officer):
    """Every reason of each list, every setting type, full and part time, no reason: every coded cell is a code of
    ``CODE_TABLE``'s item for that column, or blank where the census wants a blank."""
    school_pupil = factories.PupilFactory(organisation=school)
    la_pupil = factories.PupilFactory(organisation=local_authority, school=None)
    providers = [factories.ProviderFactory(urn=None, ukprn=None, setting_type=t) for t in SettingType]
    providers += [
        factories.ProviderFactory(urn=None, ukprn=None, setting_type=None),
        factories.ProviderFactory(urn="654321", ukprn="10099999", setting_type=SettingType.WORK_BASED_PLACEMENT),
        factories.ProviderFactory(urn=None, ukprn="10088888", setting_type=SettingType.NON_MAINTAINED_FE),
    ]
    for pupil, reasons in ((school_pupil, list(SchoolCensusReason)), (la_pupil, list(ApCensusReason))):
        for index, provider in enumerate(providers):
            placement = factories.PlacementFactory(
                pupil=pupil,
                provider=provider,
                status=PlacementStatus.ACTIVE,
                census_reason=reasons[index % len(reasons)],
            )
            if index % 2:  # every other one full time at the provider
                placement.sessions = [
                    PlacementSession(weekday=d, starts_at=time(9), ends_at=time(15)) for d in range(5)
                ]
        factories.PlacementFactory(pupil=pupil, status=PlacementStatus.ACTIVE, census_reason=None)
    db.session.commit()
    la_client = browser(app)
    sign_in(la_client, la_officer)
    files = {
        CensusExport.SCHOOL_CENSUS: _rows(as_commissioner.get(SCHOOL_CENSUS + "?term=all")),
        CensusExport.AP_CENSUS: _rows(la_client.get(AP_CENSUS + "?term=all")),
    }
    for export, rows in files.items():
        assert len(rows) == len(providers) + 1
        seen: dict[str, set[str]] = {column: set() for column in export.coded_columns}
        for row in rows:
            for column, item in export.coded_columns.items():
                value = row[column]
                seen[column].add(value)
                if value == "":
                    if column == "AP setting type":
                        assert row["AP provider URN"] or row["AP provider UKPRN"], row
                    else:
                        assert column == "Primary reason for placement", row
                        assert row["Reason (apdocs)"] == "Not recorded: record it on the placement"
                else:
                    assert value in _codes(item), (export, column, value)
        # and the file used every code of every item (so the test above saw them all)
        for column, item in export.coded_columns.items():
            assert _codes(item) <= seen[column], (export, column)
    assert {r["Primary reason for placement"] for r in files[CensusExport.SCHOOL_CENSUS]} - {""} == _codes(
        CensusItem.SCHOOL_CENSUS_REASON
    )
    assert {r["Primary reason for placement"] for r in files[CensusExport.AP_CENSUS]} - {""} == _codes(
        CensusItem.AP_CENSUS_REASON
    )


def test_a_placement_without_a_census_reason_is_exported_blank_and_counted(
    app, records, school, local_authority, as_commissioner
):
    """The records' placements were made before the reason was asked: none has one. A reason from the other list
    (an LA's reason on a school's placement) is not one either."""
    records["pl2"].census_reason = SchoolCensusReason.MEDICAL_PHYSICAL_HEALTH
    records["pl3"].census_reason = ApCensusReason.NO_SCHOOL_PLACE  # not a school census reason
    db.session.commit()
    rows = {r["apdocs reference"]: r for r in _rows(as_commissioner.get(SCHOOL_CENSUS + YEAR))}
    assert len(rows) == 5
    for key in ("pl1", "pl3", "pl4", "pl5"):
        row = rows[f"AP-{records[key].id}"]
        assert (row["Primary reason for placement"], row["Reason (apdocs)"]) == (
            "",
            "Not recorded: record it on the placement",
        )
    pl2 = rows[f"AP-{records['pl2'].id}"]
    assert (pl2["Primary reason for placement"], pl2["Reason (apdocs)"]) == ("MPH", "Medical: physical health need")

    page = _page(as_commissioner, "/summary" + YEAR)
    assert "4 placements in this period have no census reason recorded: the file leaves their reason blank." in page
    records["pl1"].census_reason = records["pl3"].census_reason = SchoolCensusReason.OTHER
    records["pl4"].census_reason = SchoolCensusReason.SUSPENSION
    db.session.commit()
    page = _page(as_commissioner, "/summary" + YEAR)
    assert "1 placement in this period has no census reason recorded: the file leaves its reason blank." in page
    records["pl5"].census_reason = SchoolCensusReason.PERMANENT_EXCLUSION
    db.session.commit()
    assert 'id="census-reasons-missing"' not in _page(as_commissioner, "/summary" + YEAR)


def test_the_summary_page_links_each_organisation_to_its_own_census(
    app, la_placement, local_authority, as_commissioner, la_officer, viewer
):
    page = _page(as_commissioner, "/summary")
    assert "/summary/census.csv" in page and "/summary/ap-census.csv" not in page
    assert "School census guide" in page and "2026 to 2027" in page

    la_client = browser(app)
    sign_in(la_client, la_officer)
    page = _page(la_client, "/summary" + YEAR)
    assert "/summary/ap-census.csv" in page and "/summary/census.csv" not in page
    assert "Alternative provision census guide" in page
    assert 'id="census-reasons-missing"' not in page  # the LA's placement has its reason
    la_placement.census_reason = None
    db.session.commit()
    assert "1 placement in this period has no census reason" in _page(la_client, "/summary" + YEAR)

    for user in (viewer, factories.UserFactory(organisation=local_authority, role=factories.Role.VIEWER)):
        client = browser(app)
        sign_in(client, user)
        page = _page(client, "/summary")
        assert "census.csv" not in page and 'id="census-codes"' not in page


def test_the_school_census_has_one_row_a_placement_that_ran(app, records, as_commissioner, commissioner):
    records["pl2"].census_reason = SchoolCensusReason.MEDICAL_MENTAL_HEALTH
    records["pl3"].census_reason = SchoolCensusReason.PERMANENT_EXCLUSION
    db.session.commit()
    response = as_commissioner.get(SCHOOL_CENSUS + YEAR)
    assert 'filename="school-census-ap-year-2025.csv"' in response.headers["Content-Disposition"]
    by_ref = {row["apdocs reference"]: row for row in _rows(response)}
    # pl1..pl5 ran in the year; not the draft, not the July 2025 placement, not the other school's.
    assert set(by_ref) == {f"AP-{records[k].id}" for k in ("pl1", "pl2", "pl3", "pl4", "pl5")}
    pl1 = by_ref[f"AP-{records['pl1'].id}"]
    assert pl1["UPN"] == records["pl1"].pupil.upn and len(pl1["UPN"]) == 13
    assert (pl1["Surname"], pl1["Forename"], pl1["Date of birth"]) == ("Lovelace", "Ada", "2011-03-14")
    assert (pl1["AP provider URN"], pl1["AP provider UKPRN"], pl1["AP setting type"]) == ("123456", "", "")
    assert (pl1["Entry date"], pl1["Leaving date"]) == ("2026-01-05", "")
    assert (pl1["Sessions per week"], pl1["Attendance pattern"]) == ("1", "PT")  # Tuesday 9:00 to 12:00
    pl2 = by_ref[f"AP-{records['pl2'].id}"]
    assert (pl2["AP provider URN"], pl2["AP provider UKPRN"]) == ("", "10012345")
    assert pl2["Primary reason for placement"] == "MMH"
    assert by_ref[f"AP-{records['pl3'].id}"]["Primary reason for placement"] == "PEX"
    pl4 = by_ref[f"AP-{records['pl4'].id}"]
    assert (pl4["Sessions per week"], pl4["Attendance pattern"]) == ("10", "FT")  # 9:00 to 15:00 every day
    pl5 = by_ref[f"AP-{records['pl5'].id}"]
    assert (pl5["Entry date"], pl5["Leaving date"]) == ("2025-09-08", "2025-12-12")
    events = _audit("census_ap")
    assert [(e.user_id, e.detail) for e in events] == [(commissioner.id, {"period": "year-2025", "placements": 5})]


def test_the_census_gives_the_setting_type_when_there_is_no_number(app, school, as_commissioner):
    bare = factories.ProviderFactory(name="Tutor at home", urn=None, ukprn=None)
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=bare, status=PlacementStatus.ACTIVE
    )
    rows = _rows(as_commissioner.get(SCHOOL_CENSUS + "?term=all"))
    # Nothing recorded: apdocs does not know the type, so "unknown", not a guess of "other unregistered".
    assert [(r["AP provider URN"], r["AP provider UKPRN"], r["AP setting type"]) for r in rows] == [("", "", "UNK")]

    for setting_type, code in (
        (SettingType.WORK_BASED_PLACEMENT, "WBP"),
        (SettingType.REGISTERED_WITH_UKPRN, "REG"),  # its UKPRN is not recorded yet: the type says what it is
        (SettingType.OTHER_UNREGISTERED, "OTH"),
    ):
        bare.setting_type = setting_type  # recorded on the provider's page
        db.session.commit()
        rows = _rows(as_commissioner.get(SCHOOL_CENSUS + "?term=all"))
        assert [r["AP setting type"] for r in rows] == [code]


def test_the_census_neutralises_formulas(app, school, la_placement, as_commissioner, la_officer):
    pupil = factories.PupilFactory(organisation=school, legal_last_name="=HYPERLINK(1)", legal_first_name="+Bob")
    factories.PlacementFactory(pupil=pupil, status=PlacementStatus.ACTIVE)
    rows = _rows(as_commissioner.get(SCHOOL_CENSUS + "?term=all"))
    assert (rows[0]["Surname"], rows[0]["Forename"]) == ("'=HYPERLINK(1)", "'+Bob")
    la_placement.provider.name = "@SUM(1)"
    db.session.commit()
    client = browser(app)
    sign_in(client, la_officer)
    assert _rows(client.get(AP_CENSUS + "?term=all"))[0]["Provider name"] == "'@SUM(1)"
