"""The one CSV reader every import uses: what a person uploading a spreadsheet is told, line by line."""

from __future__ import annotations

from datetime import date

import pytest

from service.csv_files import RowError, parse_date, read_table

KNOWN = ("upn", "name", "note")
REQUIRED = ("upn", "name")


def _read(text: str | bytes, max_rows: int = 10):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_table(data, known=KNOWN, required=REQUIRED, max_rows=max_rows, noun="pupils")


def test_lines_keep_their_numbers_and_blank_lines_are_skipped():
    table = _read("UPN, Name ,note\r\nA1,Zoë,&<>\r\n\r\n,,\r\nB2,  Mo  ,\r\n")
    assert table.readable and table.errors == []
    assert table.lines == [
        (2, {"upn": "A1", "name": "Zoë", "note": "&<>"}),
        (5, {"upn": "B2", "name": "Mo", "note": ""}),
    ]


def test_a_byte_order_mark_from_excel_is_fine_and_other_encodings_are_refused_with_the_line():
    assert _read("\ufeffupn,name\nA1,Zoë\n").lines == [(2, {"upn": "A1", "name": "Zoë"})]
    latin = "upn,name\nA1,Zo\xeb\n".encode("latin-1")
    table = _read(latin)
    assert not table.readable
    assert table.errors[0].line == 2
    assert "Save it from your spreadsheet as \u201cCSV UTF-8\u201d" in table.errors[0].message


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "The file is empty: the first line must be the header row"),
        ("upn,name,shoe_size", "Unknown column(s): shoe_size"),
        ("upn,name,name", "Column(s) appear more than once: name"),
        ("upn,note", "Missing required column(s): name"),
    ],
)
def test_the_header_is_checked_before_any_line(header, message):
    table = _read(header + "\nA1,Zoë\n")
    assert not table.readable and table.lines == []
    assert RowError(1, message) in table.errors


def test_a_short_line_is_reported_and_the_rest_still_read():
    table = _read("upn,name\nA1\nB2,Mo\n")
    assert table.errors == [RowError(2, "This line has 1 values but the header has 2 columns")]
    assert table.lines == [(3, {"upn": "B2", "name": "Mo"})]


def test_a_broken_quotation_mark_stops_the_reading_at_its_line():
    # An opening quote never closed swallows the rest of the file into one cell, until csv gives up.
    table = _read('upn,name\nA1,Zoë\nB2,"Mo\n' + "more text\n" * 20_000)
    assert [e.line for e in table.errors] == [3]
    assert "check the quotation marks" in table.errors[0].message


def test_too_many_lines_is_one_error_naming_the_count_and_the_limit():
    table = _read("upn,name\n" + "".join(f"A{n},P{n}\n" for n in range(6)) + "\n", max_rows=3)
    assert not table.readable and table.lines == []
    assert table.errors == [
        RowError(5, "The file has 6 rows: import at most 3 pupils at a time (split it into smaller files)")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("5/1/2026", date(2026, 1, 5)),  # day first, as in the UK
        ("05/01/2026", date(2026, 1, 5)),
        ("2026-02-30", None),
        ("31/02/2026", None),
        ("01/13/2026", None),  # never month first
        ("1899-12-31", None),
        ("5 January 2026", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected
