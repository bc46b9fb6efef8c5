"""Importing pupils from a MIS CSV export: through the screen and the importer, all or nothing, updating by UPN."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.pupils import importer
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from service.rules.upn import make_upn
from tests import factories
from tests.helpers import form_data, text

HEADER = (
    "upn,legal_first_name,legal_last_name,preferred_name,date_of_birth,sen_status,looked_after,fsm_eligible,"
    "year_group_override,parent1_name,parent1_relationship,parent1_phone,parent1_email,"
    "parent1_parental_responsibility,parent2_name,parent2_relationship,parent2_phone,parent2_email,"
    "parent2_parental_responsibility"
)
GOOD_ROWS = [
    "F931200124001,Amara,Okafor,,2012-03-14,K,N,Y,,Ngozi Okafor,Mother,07700 900001,ngozi@example.com,Y,,,,,",
    'V931200124002,"Brown, Jr",Lee,Lee-Lee,01/09/2010,e,yes,false,R,,,,,,,,,,',
]


#: The most pupils one file may have.
BIG = 50_000  # importer.MAX_ROWS, written out so that a lower limit fails these tests


def _big_row(n: int, parents: int = 0) -> str:
    """Pupil ``n`` of a large file, with a unique valid UPN and up to two parents."""
    upn = make_upn(931, n // 1000, 24, n % 1000)
    cells = [
        upn,
        f"First{n}",
        f"Last{n}",
        "",
        f"20{10 + n % 5}-0{1 + n % 9}-1{n % 10}",
        "NKE"[n % 3],
        "N",
        "YN"[n % 2],
        "",
    ]
    for p in range(1, 3):
        cells += (
            [f"Parent{p} Last{n}", "Mother", f"01632 9{n % 100000:05d}", f"p{p}.{n}@example.com", "Y"]
            if p <= parents
            else [""] * 5
        )
    return ",".join(cells)


def _csv(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *rows, ""]).encode("utf-8")


def _upload(client, data: bytes, filename: str = "pupils.csv"):  # type: ignore[no-untyped-def]
    page = client.get("/pupils/import")
    fields = form_data(page, {"file": (io.BytesIO(data), filename)})
    return client.post("/pupils/import", data=fields, content_type="multipart/form-data", follow_redirects=True)


def _summary_lines(response) -> list[str]:  # type: ignore[no-untyped-def]
    summary = re.search(r'<div class="govuk-error-summary.*?</ul>', text(response), re.S)
    assert summary, "no error summary on the page"
    return [html.unescape(m).strip() for m in re.findall(r'<a href="#file">(.*?)</a>', summary.group(0), re.S)]


def _pupils(db_session) -> list[Pupil]:  # type: ignore[no-untyped-def]
    return list(db_session.scalars(sa.select(Pupil).order_by(Pupil.upn)))


def test_good_file_creates_pupils_with_parents(as_commissioner, commissioner, school, db_session):
    response = _upload(as_commissioner, _csv(*GOOD_ROWS))
    assert "Imported 2 new and updated 0 existing pupils" in text(response)

    amara, lee = _pupils(db_session)
    assert (amara.legal_first_name, amara.date_of_birth, amara.sen_status) == (
        "Amara",
        date(2012, 3, 14),
        SenStatus.SEN_SUPPORT,
    )
    assert (amara.looked_after, amara.fsm_eligible, amara.year_group_override) == (False, True, None)
    assert amara.organisation_id == school.id and amara.school_id == school.id
    assert amara.safeguarding_status is SafeguardingStatus.NONE_KNOWN
    assert [(p.name, p.relationship_to_pupil, p.email, p.parental_responsibility) for p in amara.parents] == [
        ("Ngozi Okafor", "Mother", "ngozi@example.com", True)
    ]
    assert (lee.legal_first_name, lee.preferred_name, lee.date_of_birth) == ("Brown, Jr", "Lee-Lee", date(2010, 9, 1))
    assert (lee.sen_status, lee.looked_after, lee.fsm_eligible, lee.year_group_override) == (
        SenStatus.EHCP,
        True,
        False,
        0,
    )
    assert lee.parents == []

    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert event.user_id == commissioner.id
    assert event.detail == {"created": 2, "updated": 0, "rows": 2}


def test_second_import_with_the_same_upn_updates_instead_of_duplicating(as_commissioner, school, db_session):
    _upload(as_commissioner, _csv(*GOOD_ROWS))
    changed = "F931200124001,Amara,Okafor-Reid,Mara,2012-03-14,E,N,N,,Chidi Okafor,Father,,,N,Ngozi Okafor,Mother,,,Y"
    response = _upload(as_commissioner, _csv(changed))
    assert "Imported 0 new and updated 1 existing pupils" in text(response)

    db_session.expire_all()
    pupils = _pupils(db_session)
    assert len(pupils) == 2
    amara = pupils[0]
    assert (amara.legal_last_name, amara.preferred_name, amara.sen_status) == ("Okafor-Reid", "Mara", SenStatus.EHCP)
    assert [(p.name, p.parental_responsibility) for p in amara.parents] == [
        ("Chidi Okafor", False),
        ("Ngozi Okafor", True),
    ]


def test_update_keeps_parents_and_unlisted_columns_when_the_file_leaves_them_out(as_commissioner, pupil, db_session):
    pupil.safeguarding_status = SafeguardingStatus.CHILD_PROTECTION_PLAN
    pupil.sen_status = SenStatus.EHCP
    db_session.commit()
    data = _csv(f"{pupil.upn},Morgan,Ashdown,2010-05-04", header="upn,legal_first_name,legal_last_name,date_of_birth")
    assert "updated 1 existing" in text(_upload(as_commissioner, data))
    db_session.expire_all()
    kept = db_session.get(Pupil, pupil.id)
    assert [p.name for p in kept.parents] == ["Robin Ashdown"]
    assert kept.safeguarding_status is SafeguardingStatus.CHILD_PROTECTION_PLAN
    assert kept.sen_status is SenStatus.EHCP


def test_three_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported(
    as_commissioner, pupil, pupil_count, db_session
):
    before = pupil_count()
    rows = [
        GOOD_ROWS[0],
        "A123456789013,Bad,Upn,,2012-01-01,N,N,N,,,,,,,,,,,",  # line 3: wrong check letter
        "J931200124003,Bad,Date,,31/02/2012,N,N,N,,,,,,,,,,,",  # line 4: 31 February
        f"{pupil.upn},Morgan,Renamed,,2010-05-04,X,maybe,N,,,,,,,,,,,",  # line 5: an update with two bad values
        GOOD_ROWS[1],
    ]
    response = _upload(as_commissioner, _csv(*rows))
    assert response.status_code == 200
    lines = _summary_lines(response)
    assert lines == [
        "Line 3: upn is not a valid UPN (13 characters starting with a check letter, like A123456789012)",
        "Line 4: date_of_birth is not a real date in the form YYYY-MM-DD or DD/MM/YYYY",
        "Line 5: sen_status must be N, K or E (or none, sen_support, ehcp)",
        "Line 5: looked_after must be Y or N (or yes, no, true, false, or blank for no)",
    ]
    assert "nothing was imported" in text(response)
    assert pupil_count() == before
    db_session.expire_all()
    assert db_session.get(Pupil, pupil.id).legal_last_name == "Ashdown"
    assert (
        db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "import")) == 0
    )


def test_problem_messages_never_repeat_the_personal_data_in_the_file(school):
    result = importer.import_pupils(_csv("NOTAUPN,Secretname,Hiddensurname,,someday,,,,,,,,,,,,,,"), school, None)
    messages = " ".join(e.message for e in result.errors)
    assert result.errors
    for value in ("NOTAUPN", "Secretname", "Hiddensurname", "someday"):
        assert value not in messages


def test_same_upn_twice_in_one_file_is_an_error_on_the_second_line(school, pupil_count):
    result = importer.import_pupils(_csv(GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[0].lower()), school, None)
    assert [(e.line, e.message) for e in result.errors] == [(4, "The same UPN is already on line 2")]
    assert pupil_count() == 0


def test_bad_header_names_the_unknown_and_missing_columns(as_commissioner, pupil_count):
    data = _csv("F931200124001,Amara,2012-03-14,x", header="UPN,legal_first_name,date_of_birth,favourite_colour")
    lines = _summary_lines(_upload(as_commissioner, data))
    assert lines == [
        "Line 1: Unknown column(s): favourite_colour",
        "Line 1: Missing required column(s): legal_last_name",
    ]
    assert pupil_count() == 0


def test_file_that_is_not_utf8_is_refused_with_a_clear_message(as_commissioner, pupil_count):
    data = _csv(GOOD_ROWS[0]) + "V931200124002,Zoë,Lee,,2010-09-01,N,N,N,,,,,,,,,,,\n".encode("cp1252")
    lines = _summary_lines(_upload(as_commissioner, data))
    assert lines == ["Line 3: The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again"]
    assert pupil_count() == 0


def test_bom_and_windows_line_endings_are_accepted(as_commissioner, db_session):
    data = b"\xef\xbb\xbf" + _csv(*GOOD_ROWS, newline="\r\n")
    assert "Imported 2 new and updated 0 existing pupils" in text(_upload(as_commissioner, data))
    assert [p.upn for p in _pupils(db_session)] == ["F931200124001", "V931200124002"]
    assert _pupils(db_session)[0].parents[0].parental_responsibility is True  # the last column, before the CRLF


def test_rows_with_the_wrong_number_of_values_and_blank_required_cells_are_reported(school):
    result = importer.import_pupils(
        _csv("F931200124001,Amara", ",,,,,,,,,,,,,,,,,,x", "", "V931200124002,Lee,,,,,,,,,,,,,,,,,"), school, None
    )
    assert [(e.line, e.message) for e in result.errors] == [
        (2, "This line has 2 values but the header has 19 columns"),
        (3, "upn is blank: every pupil in an import needs a UPN"),
        (3, "legal_first_name is blank"),
        (3, "legal_last_name is blank"),
        (3, "date_of_birth is blank"),
        (3, "parent2_name is blank but other parent2 columns are filled"),
        (3, "parent2_parental_responsibility must be Y or N (or yes, no, true, false, or blank for no)"),
        (5, "legal_last_name is blank"),
        (5, "date_of_birth is blank"),
    ]


def test_more_than_50000_rows_is_refused_saying_the_count_and_the_limit(school, pupil_count):
    rows = [_big_row(n) for n in range(BIG + 1)]
    result = importer.import_pupils(_csv(*rows), school, None)
    assert [(e.line, e.message) for e in result.errors] == [
        (50_002, "The file has 50,001 rows: import at most 50,000 pupils at a time (split it into smaller files)")
    ]
    assert pupil_count() == 0


def test_local_authority_import_leaves_pupils_without_a_school(db_session):
    team = factories.LocalAuthorityFactory(name="Access to Learning")
    result = importer.import_pupils(_csv(GOOD_ROWS[0]), team, None)
    assert (result.created, result.updated, result.errors) == (1, 0, [])
    pupil = _pupils(db_session)[0]
    assert (pupil.organisation_id, pupil.school_id) == (team.id, None)
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert (event.user_id, event.organisation_id) == (None, team.id)


def test_upload_needs_a_csv_file(as_commissioner, error_next_to):
    page = as_commissioner.get("/pupils/import")
    missing = as_commissioner.post("/pupils/import", data=form_data(page, {}), content_type="multipart/form-data")
    assert error_next_to(missing, "file") == "Select a CSV file"
    wrong = _upload(as_commissioner, b"hello", filename="pupils.xlsx")
    assert error_next_to(wrong, "file") == "The selected file must be a CSV"


def test_upload_larger_than_24mb_is_refused(as_commissioner, error_next_to, pupil_count):
    data = _csv(*GOOD_ROWS) + b" " * (24 * 1024 * 1024)
    assert error_next_to(_upload(as_commissioner, data), "file") == "The selected file must be smaller than 24MB"
    assert pupil_count() == 0


def test_template_download_has_the_header_and_a_fictional_row_that_imports_cleanly(as_commissioner, school, db_session):
    response = as_commissioner.get("/pupils/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(importer.COLUMNS)
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["legal_last_name"] == "Example" and example["parent1_email"].endswith("@example.com")

    result = importer.import_pupils(response.get_data(), school, None)
    assert (result.created, result.errors) == (1, [])


def test_import_page_links_to_the_template(as_commissioner):
    assert 'href="/pupils/import/template.csv"' in text(as_commissioner.get("/pupils/import"))


def test_audit_detail_of_an_import_holds_counts_only(as_commissioner, db_session):
    _upload(as_commissioner, _csv(*GOOD_ROWS))
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).one()
    stored = json.dumps(event.detail)
    assert "Okafor" not in stored and "F931200124001" not in stored


def test_importer_itself_writes_nothing_when_any_row_is_bad(pupil, pupil_count, db_session):
    """The callers roll back too, but the importer's promise is that it adds nothing to the session at all."""
    before = pupil_count()
    bad = f"{pupil.upn},Morgan,Renamed,,2010-05-04,N,N,N,,,,,,,,,,,"  # a valid update...
    result = importer.import_pupils(
        _csv(GOOD_ROWS[1], bad, "J931200124003,No,Date,,,N,N,N,,,,,,,,,,,"), pupil.organisation, None
    )
    assert [(e.line, e.message) for e in result.errors] == [(4, "date_of_birth is blank")]
    assert not db_session.new and not db_session.dirty
    assert pupil_count() == before
    assert pupil.legal_last_name == "Ashdown"


def test_a_file_of_50000_pupils_with_parents_imports_completely(as_commissioner, commissioner, pupil, db_session):
    rows = [_big_row(n, parents=2 if n % 10 == 0 else 1) for n in range(BIG - 1)]
    # The last line updates the pupil already recorded: new name, and the file's parent replaces theirs.
    rows.append(f"{pupil.upn},Morgan,Ashdown-Reid,,2010-05-04,N,N,N,,Sam Reid,Carer,,,Y,,,,,")
    data = _csv(*rows, newline="\r\n")
    assert len(data) < 24 * 1024 * 1024

    response = _upload(as_commissioner, data)
    assert f"Imported {BIG - 1} new and updated 1 existing pupils" in text(response), _summary_lines(response)[:5]

    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Pupil)) == BIG
    assert (
        db_session.scalar(sa.select(sa.func.count()).select_from(ParentCarer)) == BIG + BIG // 10
    )  # one each, two for every tenth
    seventh = db_session.scalar(sa.select(Pupil).where(Pupil.upn == make_upn(931, 0, 24, 7)))
    assert (seventh.legal_first_name, seventh.legal_last_name, seventh.sen_status, seventh.fsm_eligible) == (
        "First7",
        "Last7",
        SenStatus.SEN_SUPPORT,
        False,
    )
    assert (seventh.organisation_id, seventh.school_id, seventh.date_of_birth) == (
        pupil.organisation_id,
        pupil.organisation_id,
        date(2012, 8, 17),
    )
    assert [(p.name, p.phone, p.position) for p in seventh.parents] == [("Parent1 Last7", "01632 900007", 0)]
    tenth = db_session.scalar(sa.select(Pupil).where(Pupil.upn == make_upn(931, 0, 24, 10)))
    assert [p.email for p in tenth.parents] == ["p1.10@example.com", "p2.10@example.com"]
    updated = db_session.get(Pupil, pupil.id)
    assert updated.legal_last_name == "Ashdown-Reid"
    assert [(p.name, p.relationship_to_pupil) for p in updated.parents] == [("Sam Reid", "Carer")]
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert (event.user_id, event.detail) == (commissioner.id, {"created": BIG - 1, "updated": 1, "rows": BIG})


def test_one_bad_row_in_50000_imports_nothing_and_names_it(school, pupil, pupil_count, db_session):
    rows = [_big_row(n, parents=1) for n in range(BIG)]
    rows[41_998] = rows[41_998].replace("@example.com", "-at-example.com")  # line 42,000
    result = importer.import_pupils(_csv(*rows), school, None)
    assert [(e.line, e.message) for e in result.errors] == [
        (42_000, "parent1_email is not an email address in the correct format")
    ]
    assert result.more_errors == 0
    assert pupil_count() == 1
    assert not db_session.new and not db_session.dirty


def test_many_bad_rows_are_listed_up_to_a_readable_number_then_counted(as_commissioner, pupil_count):
    rows = [_big_row(n).replace("2010-", "2010/") for n in range(1, 1_001) if n % 5 == 0]  # 200 bad dates
    response = _upload(as_commissioner, _csv(*rows))
    lines = _summary_lines(response)
    assert "There are 200 problems with the file: nothing was imported" in text(response)
    assert "and 100 more" in text(response)
    message = "date_of_birth is not a real date in the form YYYY-MM-DD or DD/MM/YYYY"
    assert lines == [f"Line {line}: {message}" for line in range(2, 102)]  # the first hundred, in line order
    assert pupil_count() == 0


def _statements_to_import(organisation, rows: list[str]) -> int:  # type: ignore[no-untyped-def]
    """How many statements the import sends to the database (then rolled back)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = importer.import_pupils(_csv(*rows), organisation, None)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert result.errors == []
    db.session.rollback()
    return len(statements)


def test_statements_grow_with_batches_not_rows(school, db_session):
    # Pupils already recorded (with a parent each), so each import creates, updates and replaces parents.
    db_session.execute(
        sa.insert(Pupil),
        [
            {
                "organisation_id": school.id,
                "upn": make_upn(931, n // 1000, 24, n % 1000),
                "legal_first_name": "Old",
                "legal_last_name": "Name",
                "date_of_birth": date(2012, 1, 1),
                "school_id": school.id,
            }
            for n in range(0, 5_000, 2)
        ],
    )
    db_session.execute(
        sa.insert(ParentCarer),
        [{"pupil_id": pupil_id, "name": "Old Parent"} for pupil_id in db_session.scalars(sa.select(Pupil.id))],
    )
    db_session.commit()
    rows = [_big_row(n, parents=1) for n in range(5_000)]
    small = _statements_to_import(school, rows[:100])
    larger = _statements_to_import(school, rows[:1_000])
    assert small == larger  # one batch either way
    batches = -(-len(rows) // importer.BATCH)
    assert batches == 3
    assert _statements_to_import(school, rows) <= larger + (batches - 1) * 8
