"""The provider's CSV import: a good file records every mark; a file with any bad line records nothing and
names every bad line with its reason. Another provider's placement reads exactly like one that does not exist."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import sqlalchemy as sa

from service.attendance import importer
from service.attendance.models import AttendanceMark, MarkSource, ProviderClosure
from service.audit.models import AuditEvent
from service.extensions import db
from service.rules.attendance_codes import Session
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.attendance.conftest import full_time_placement, upload_marks
from tests.helpers import form_data, text


def _marks(db_session) -> list[tuple[date, str, str, MarkSource]]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return [
        (m.on, m.session.value, m.code, m.source)
        for m in db_session.scalars(sa.select(AttendanceMark).order_by(AttendanceMark.on, AttendanceMark.session))
    ]


def test_a_good_file_records_every_mark(as_provider, placement, last_monday, db_session):
    mon, tue = last_monday, last_monday + timedelta(days=1)
    content = (
        "placement_reference,date,session,code\n"
        f"AP-{placement.id},{mon.isoformat()},am,/\n"
        f"ap-{placement.id},{mon.isoformat()},PM,\\\n"
        f"{placement.id},{tue:%d/%m/%Y},am, n \n"
    )
    response = upload_marks(as_provider, content)
    assert response.status_code == 302
    assert "Imported 3 new and changed 0 existing marks" in text(as_provider.get(response.headers["Location"]))
    assert _marks(db_session) == [
        (mon, "am", "/", MarkSource.CSV),
        (mon, "pm", "\\", MarkSource.CSV),
        (tue, "am", "N", MarkSource.CSV),
    ]


def test_every_bad_line_is_reported_and_nothing_is_imported(as_provider, placement, last_monday, db_session):
    mon = last_monday
    future = last_monday + timedelta(weeks=2, days=1)  # a Tuesday next week
    before = placement.actual_start - timedelta(days=7)
    ref = f"AP-{placement.id}"
    content = "\n".join(
        [
            "placement_reference,date,session,code",
            f"{ref},{mon.isoformat()},am,/",  # 2: good
            f"{ref},31/02/2026,am,/",  # 3: not a real date
            f"{ref},{mon.isoformat()},am,/",  # 4: the same session as line 2
            f"{ref},{mon.isoformat()},pm,C",  # 5: the commissioner's code
            f"{ref},{future.isoformat()},am,/",  # 6: future
            f"{ref},{before.isoformat()},am,/",  # 7: before the placement started
            f"{ref},{(mon + timedelta(days=1)).isoformat()},evening,N",  # 8: bad session
            f"{ref},{(mon + timedelta(days=2)).isoformat()},am,H",  # 9: removed code
            "AP-999999,2026-01-06,am,/",  # 10: no such placement
            f"{ref},{mon.isoformat()}",  # 11: too few values
        ]
    )
    response = upload_marks(as_provider, content)
    assert response.status_code == 200
    body = text(response)
    problems = re.findall(r"<a href=\"#file\">(Line [^<]*)</a>", body)
    assert "There are 9 problems with the file: nothing was imported" in body, "\n".join(problems)
    assert len(problems) == 9
    for expected in (
        "Line 3: date is not a real date in the form YYYY-MM-DD or DD/MM/YYYY",
        "Line 4: The same placement, date and session is already on line 2",
        "Line 5: code: C is set by the commissioner",
        "Line 6: date: You cannot record attendance for a day in the future",
        "Line 7: date: The placement starts on",
        "Line 8: session must be am or pm",
        "Line 9: code: H (holiday) was removed in 2024",
        "Line 10: placement_reference is not one of your placements",
        "Line 11: This line has 2 values but the header has 4 columns",
    ):
        assert expected in body, expected
    assert "Line 2:" not in body
    assert _marks(db_session) == []


def test_another_providers_placement_reads_like_one_that_does_not_exist(
    as_provider, provider, school, last_monday, db_session
):
    elsewhere = factories.ProviderFactory(name="Elsewhere Tutors", organisation=factories.ProviderOrganisationFactory())
    theirs = full_time_placement(
        factories.PupilFactory(organisation=school), elsewhere, last_monday - timedelta(weeks=3)
    )
    draft = full_time_placement(
        factories.PupilFactory(organisation=school), provider, last_monday, status=PlacementStatus.DRAFT
    )
    content = (
        "placement_reference,date,session,code\n"
        f"AP-{theirs.id},{last_monday.isoformat()},am,/\n"
        f"AP-{draft.id},{last_monday.isoformat()},am,/\n"
        f"AP-{theirs.id + draft.id + 1000},{last_monday.isoformat()},am,/\n"
        f"not-a-reference,{last_monday.isoformat()},am,/\n"
    )
    body = text(upload_marks(as_provider, content))
    problems = re.findall(r"<a href=\"#file\">Line ([0-9]+): ([^<]*)</a>", body)
    assert [line for line, _ in problems] == ["2", "3", "4", "5"]
    assert len({message for _, message in problems}) == 1, problems  # word for word the same
    assert problems[0][1].startswith("placement_reference is not one of your placements")
    assert "Elsewhere" not in body
    assert _marks(db_session) == []


def test_the_header_is_checked_first(as_provider, db_session):
    body = text(upload_marks(as_provider, "placement,date,code\nAP-1,2026-01-05,/\n"))
    assert "Line 1: Unknown column(s): placement" in body
    assert "Line 1: Missing required column(s): placement_reference, session" in body
    body = text(upload_marks(as_provider, ""))
    assert "Line 1: The file is empty" in body
    assert _marks(db_session) == []


def test_a_file_that_is_not_utf8_is_refused_with_advice(as_provider):
    page = as_provider.get("/attendance/import")
    response = as_provider.post(
        "/attendance/import",
        data=form_data(
            page,
            {
                "file": (
                    io.BytesIO("placement_reference,date,session,code\nAP-1,2026-01-05,am,Ø\n".encode("latin-1")),
                    "marks.csv",
                )
            },
        ),
        content_type="multipart/form-data",
    )
    assert "Save it from your spreadsheet as" in text(response)


def test_the_template_downloads_with_the_columns(as_provider):
    response = as_provider.get("/attendance/import/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="apdocs-attendance-import-template.csv"'
    assert text(response).splitlines()[0] == "placement_reference,date,session,code"


def test_only_provider_staff_import(as_commissioner):
    assert as_commissioner.get("/attendance/import").status_code == 403


# Fifty thousand rows: a large provider's term in one file, still all or nothing, written in batches.

BIG = 50_000  # the limit (importer.MAX_ROWS), written out so that a lower limit fails these tests


def _weekdays_back(last: date, count: int) -> list[date]:
    """``count`` weekdays, the last one ``last``, oldest first."""
    days: list[date] = []
    on = last
    while len(days) < count:
        if on.weekday() < 5:
            days.append(on)
        on -= timedelta(days=1)
    return days[::-1]


def _placements_with_history(school, provider, last_monday: date, count: int, weekdays: int) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """``count`` full-time placements that started ``weekdays`` weekdays before last Friday, and those days."""
    days = _weekdays_back(last_monday + timedelta(days=4), weekdays)
    placements = [
        full_time_placement(
            factories.PupilFactory(organisation=school), provider, days[0], planned_end=days[-1] + timedelta(weeks=4)
        )
        for _ in range(count)
    ]
    return placements, days


def _rows(placements, days, limit: int | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """Every session of every placement, as CSV lines: present, late or absent, in the codes a provider uses."""
    codes = {"am": ("/", "/", "L", "N"), "pm": ("\\", "\\", "U", "N")}
    rows = [
        f"AP-{p.id},{on.isoformat()},{session},{codes[session][(i + p.id) % 4]}"
        for p in placements
        for i, on in enumerate(days)
        for session in ("am", "pm")
    ]
    return rows[:limit] if limit is not None else rows


def _file(rows: list[str]) -> str:
    return "\r\n".join(["placement_reference,date,session,code", *rows, ""])


def _count(db_session, model, *where) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_file_of_50000_marks_imports_completely(
    as_provider, provider_user, school, provider, last_monday, db_session
):
    placements, days = _placements_with_history(school, provider, last_monday, 20, BIG // 40)
    rows = _rows(placements, days)
    assert len(rows) == BIG
    content = _file(rows)
    assert len(content.encode()) < 4 * 1024 * 1024

    response = upload_marks(as_provider, content)
    assert response.status_code == 302, re.findall(r"<a href=\"#file\">(Line [^<]*)</a>", text(response))[:5]
    assert f"Imported {BIG} new and changed 0 existing marks" in text(as_provider.get(response.headers["Location"]))

    db_session.expire_all()
    assert _count(db_session, AttendanceMark) == BIG
    assert _count(db_session, AttendanceMark, AttendanceMark.source == MarkSource.CSV) == BIG
    assert _count(db_session, AttendanceMark, AttendanceMark.recorded_by_id == provider_user.id) == BIG
    first = placements[0]
    stored = {
        (m.on, m.session.value): m.code
        for m in db_session.scalars(sa.select(AttendanceMark).where(AttendanceMark.placement_id == first.id))
    }
    expected = {(date.fromisoformat(d), s): c for _, d, s, c in (r.split(",") for r in rows[: len(days) * 2])}
    assert stored == expected
    # One audit event per mark, as the weekly grid records, and the import's own event with the counts.
    records = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "attendance_mark", AuditEvent.action == "record")
    ).all()
    assert len(records) == BIG
    assert {e.user_id for e in records} == {provider_user.id}
    mark = db_session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.placement_id == first.id, AttendanceMark.on == days[0], AttendanceMark.session == Session.AM
        )
    )
    assert [(e.action, e.detail) for e in records if e.entity_id == mark.id] == [
        (
            "record",
            {
                "placement_id": first.id,
                "on": days[0].isoformat(),
                "session": "am",
                "code": mark.code,
                "previous_code": None,
                "source": "csv",
            },
        )
    ]
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert event.detail == {"recorded": BIG, "changed": 0, "rows": BIG}


def test_one_bad_row_in_50000_imports_nothing_and_names_it(as_provider, school, provider, last_monday, db_session):
    placements, days = _placements_with_history(school, provider, last_monday, 20, BIG // 40)
    rows = _rows(placements, days)
    saturday = last_monday + timedelta(days=5)
    rows[31_335] = f"AP-{placements[12].id},{saturday.isoformat()},am,/"  # line 31,337 (the header is line 1)

    response = upload_marks(as_provider, _file(rows))
    assert response.status_code == 200
    body = text(response)
    assert "There is 1 problem with the file: nothing was imported" in body
    assert "Line 31337: date: Attendance is recorded Monday to Friday" in body
    assert _count(db_session, AttendanceMark) == 0
    assert _count(db_session, AuditEvent, AuditEvent.entity_type == "attendance_mark") == 0


def test_many_bad_rows_are_listed_up_to_a_readable_number_then_counted(as_provider, placement, last_monday, db_session):
    rows = [f"AP-{placement.id},{last_monday.isoformat()},evening,/" for _ in range(250)]
    body = text(upload_marks(as_provider, _file(rows)))
    problems = re.findall(r"<a href=\"#file\">(Line [^<]*)</a>", body)
    assert "There are 250 problems with the file: nothing was imported" in body
    assert len(problems) == 100
    assert problems[0] == "Line 2: session must be am or pm"
    assert "and 150 more" in body
    assert _count(db_session, AttendanceMark) == 0


def test_a_file_of_50001_rows_is_refused_saying_the_limit(as_provider, placement, last_monday, db_session):
    rows = [f"AP-{placement.id},{last_monday.isoformat()},am,/"] * (BIG + 1)
    body = text(upload_marks(as_provider, _file(rows)))
    problems = re.findall(r"<a href=\"#file\">(Line [^<]*)</a>", body)
    assert problems == [
        "Line 50002: The file has 50,001 rows: import at most 50,000 marks at a time (split it into smaller files)"
    ]
    assert _count(db_session, AttendanceMark) == 0


def test_marks_already_recorded_are_changed_kept_or_refused_as_on_the_grid(
    as_provider, provider_user, commissioner, placement, last_monday, db_session
):
    mon, tue = last_monday, last_monday + timedelta(days=1)
    closure = ProviderClosure(provider_id=placement.provider_id, on=mon, reason="")
    db_session.add(closure)
    db_session.flush()
    db_session.add_all(
        [
            AttendanceMark(placement_id=placement.id, on=mon, session=Session.AM, code="N", closure_id=closure.id),
            AttendanceMark(placement_id=placement.id, on=mon, session=Session.PM, code="\\"),
            AttendanceMark(
                placement_id=placement.id, on=tue, session=Session.AM, code="I", authorised_by_id=commissioner.id
            ),
        ]
    )
    db_session.commit()
    ref = f"AP-{placement.id}"
    refused = upload_marks(as_provider, _file([f"{ref},{mon},am,/", f"{ref},{tue},am,N", f"{ref},{tue},pm,\\"]))
    assert re.findall(r"<a href=\"#file\">(Line [^<]*)</a>", text(refused)) == [
        "Line 3: The commissioner has decided this absence: ask them if it needs to change"
    ]
    assert _count(db_session, AttendanceMark) == 3

    # Without that line: a mark the same as recorded is left alone, the others change or are added.
    response = upload_marks(as_provider, _file([f"{ref},{mon},am,/", f"{ref},{mon},pm,\\", f"{ref},{tue},pm,U"]))
    assert response.status_code == 302
    assert "Imported 1 new and changed 1 existing marks (1 already recorded)" in text(
        as_provider.get(response.headers["Location"])
    )
    db_session.expire_all()
    changed = db_session.scalar(
        sa.select(AttendanceMark).where(AttendanceMark.on == mon, AttendanceMark.session == Session.AM)
    )
    assert (changed.code, changed.closure_id, changed.source, changed.recorded_by_id) == (
        "/",
        None,
        MarkSource.CSV,
        provider_user.id,
    )
    kept = db_session.scalar(
        sa.select(AttendanceMark).where(AttendanceMark.on == tue, AttendanceMark.session == Session.AM)
    )
    assert (kept.code, kept.authorised_by_id) == ("I", commissioner.id)
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "attendance_mark").order_by(AuditEvent.id)
    ).all()
    # The audit events the weekly grid would write for the same changes (sorted: "change" before "record").
    assert sorted((e.action, e.entity_id, e.detail) for e in events if e.action != "import") == [
        (
            "change",
            changed.id,
            {
                "placement_id": placement.id,
                "on": mon.isoformat(),
                "session": "am",
                "code": "/",
                "previous_code": "N",
                "source": "csv",
                "closure_id": closure.id,
                "closure_unlinked": True,
            },
        ),
        (
            "record",
            db_session.scalar(
                sa.select(AttendanceMark.id).where(AttendanceMark.on == tue, AttendanceMark.session == Session.PM)
            ),
            {
                "placement_id": placement.id,
                "on": tue.isoformat(),
                "session": "pm",
                "code": "U",
                "previous_code": None,
                "source": "csv",
            },
        ),
    ]


def _statements_to_import(user, rows: list[str]) -> int:  # type: ignore[no-untyped-def]
    """How many statements the import sends to the database (then rolled back)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = importer.import_marks(_file(rows).encode(), user, date.today())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert result.errors == []
    db.session.rollback()
    return len(statements)


def test_statements_grow_with_batches_not_rows(app, provider_user, school, provider, last_monday, db_session):
    placements, days = _placements_with_history(school, provider, last_monday, 5, 1_000)
    every = _rows(placements, days)
    # Half the sessions already recorded, so each import both adds and changes marks.
    db_session.execute(
        sa.insert(AttendanceMark),
        [{"placement_id": p.id, "on": on, "session": Session.AM, "code": "N"} for p in placements for on in days[::2]],
    )
    db_session.commit()
    first = [r for r in every if r.startswith(f"AP-{placements[0].id},")]
    small = _statements_to_import(provider_user, first[:100])
    larger = _statements_to_import(provider_user, first[:1_000])
    assert small == larger  # one batch either way
    # Five placements' 10,000 rows are five batches: a handful of statements more per batch, however many rows.
    batches = -(-len(every) // importer.BATCH)
    assert batches == 5
    assert _statements_to_import(provider_user, every) <= larger + (batches - 1) * 12
