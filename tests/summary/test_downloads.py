"""The summary's CSV and Excel downloads, and the school census AP export: parsed as a program would."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from service.audit.models import AuditEvent
from service.extensions import db
from service.rules.census import SettingType
from tests import factories
from tests.summary.conftest import NAMES

YEAR = "?term=year-2025"


def _csv(response):  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _audit(entity_type):  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.entity_type == entity_type)).all()


def test_the_summary_csv_has_the_tables_and_no_names(app, records, as_viewer, viewer):  # noqa: ARG001
    response = as_viewer.get("/summary.csv" + YEAR)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="ap-summary-year-2025.csv"' in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert ["Placements by provider"] in rows
    start = rows.index(["Provider", "Placements", "Pupils"])
    assert rows[start + 1 : start + 3] == [["Horizon Skills CIC", "3", "3"], ["Brightway Tutors", "2", "2"]]
    assert ["Attendance (%)", "62.5"] in rows
    body = response.get_data(as_text=True)
    for name in NAMES:
        assert name not in body
    events = _audit("ap_summary")
    assert [(e.action, e.user_id, e.detail) for e in events] == [
        ("export", viewer.id, {"period": "year-2025", "format": "csv"})
    ]


def test_the_summary_csv_neutralises_formulas(app, records, as_commissioner):
    records["pl1"].provider.name = "=1+1"
    db.session.commit()
    rows = _csv(as_commissioner.get("/summary.csv" + YEAR))
    assert ["'=1+1", "3", "3"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_summary_xlsx_has_a_sheet_a_table(app, records, as_viewer):
    records["pl1"].provider.name = "=1+1"
    db.session.commit()
    response = as_viewer.get("/summary.xlsx?term=2026-spring")
    assert response.status_code == 200
    assert 'filename="ap-summary-2026-spring.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:4] == ["Overview", "Provider", "Reason", "Decision maker"]
    assert {"Year group", "SEN", "Attendance", "Attendance by provider", "Destination", "Objectives"} <= set(
        book.sheetnames
    )
    sheet = book["Provider"]
    assert [c.value for c in sheet[1]] == ["Provider", "Placements", "Pupils"]
    assert all(c.font.bold for c in sheet[1])
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["=1+1", 3, 3],  # four in spring: pl1, pl3, pl4 at Horizon (now "=1+1"), pl2 at Brightway
        ["Brightway Tutors", 1, 1],
    ]
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet.column_dimensions["A"].width >= len("Brightway Tutors")
    attendance = {row[0].value: row[1].value for row in book["Attendance"].iter_rows(min_row=2)}
    assert attendance["Attendance (%)"] == 62.5
    assert attendance["Possible sessions"] == 16
    sen = {row[0].value: row[1].value for row in book["SEN"].iter_rows(min_row=2)}
    assert sen == {"No special educational needs": 1, "SEN support": 1, "EHC plan": 2}


def test_the_census_export_has_one_row_a_placement_that_ran(app, records, as_commissioner, commissioner):
    response = as_commissioner.get("/summary/census.csv" + YEAR)
    assert response.status_code == 200
    assert 'filename="ap-census-year-2025.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_ref = {row["apdocs reference"]: row for row in rows}
    # pl1..pl5 ran in the year; not the draft, not the July 2025 placement, not the other school's.
    assert set(by_ref) == {f"AP-{records[k].id}" for k in ("pl1", "pl2", "pl3", "pl4", "pl5")}
    pl1 = by_ref[f"AP-{records['pl1'].id}"]
    assert pl1["UPN"] == records["pl1"].pupil.upn and len(pl1["UPN"]) == 13
    assert (pl1["Surname"], pl1["Forename"], pl1["Date of birth"]) == ("Lovelace", "Ada", "2011-03-14")
    assert (pl1["AP provider URN"], pl1["AP provider UKPRN"], pl1["AP setting type"]) == ("123456", "", "")
    assert pl1["Primary reason for placement"] == "OTH"
    assert (pl1["Entry date"], pl1["Leaving date"]) == ("2026-01-05", "")
    assert (pl1["Sessions per week"], pl1["Attendance pattern"]) == ("1", "PT")  # Tuesday 9:00 to 12:00
    pl2 = by_ref[f"AP-{records['pl2'].id}"]
    assert (pl2["AP provider URN"], pl2["AP provider UKPRN"]) == ("", "10012345")
    assert pl2["Primary reason for placement"] == "MED"
    assert by_ref[f"AP-{records['pl3'].id}"]["Primary reason for placement"] == "PEX"
    pl4 = by_ref[f"AP-{records['pl4'].id}"]
    assert (pl4["Sessions per week"], pl4["Attendance pattern"]) == ("10", "FT")  # 9:00 to 15:00 every day
    pl5 = by_ref[f"AP-{records['pl5'].id}"]
    assert (pl5["Entry date"], pl5["Leaving date"]) == ("2025-09-08", "2025-12-12")
    events = _audit("census_ap")
    assert [(e.user_id, e.detail) for e in events] == [(commissioner.id, {"period": "year-2025", "placements": 5})]


def test_the_census_export_gives_the_setting_type_when_there_is_no_number(app, school, as_commissioner):
    bare = factories.ProviderFactory(name="Tutor at home", urn=None, ukprn=None)
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=bare, status=factories.PlacementStatus.ACTIVE
    )
    rows = list(csv.DictReader(io.StringIO(as_commissioner.get("/summary/census.csv?term=all").get_data(as_text=True))))
    assert [(r["AP provider URN"], r["AP provider UKPRN"], r["AP setting type"]) for r in rows] == [("", "", "OTH")]

    bare.setting_type = SettingType.WORK_BASED_PLACEMENT  # recorded on the provider's page
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(as_commissioner.get("/summary/census.csv?term=all").get_data(as_text=True))))
    assert [r["AP setting type"] for r in rows] == ["WBP"]


def test_the_census_export_neutralises_formulas(app, school, as_commissioner):
    pupil = factories.PupilFactory(organisation=school, legal_last_name="=HYPERLINK(1)", legal_first_name="+Bob")
    factories.PlacementFactory(pupil=pupil, status=factories.PlacementStatus.ACTIVE)
    rows = list(csv.DictReader(io.StringIO(as_commissioner.get("/summary/census.csv?term=all").get_data(as_text=True))))
    assert (rows[0]["Surname"], rows[0]["Forename"]) == ("'=HYPERLINK(1)", "'+Bob")


def test_a_viewer_may_not_export_the_census(app, records, as_viewer):  # noqa: ARG001
    assert as_viewer.get("/summary/census.csv" + YEAR).status_code == 403
    assert not _audit("census_ap")
