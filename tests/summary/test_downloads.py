"""The summary's CSV and Excel downloads, parsed as a program would (the census exports: test_census_export.py)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from service.audit.models import AuditEvent
from service.extensions import db
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
