"""The provider's CSV import: a good file records every mark; a file with any bad line records nothing and
names every bad line with its reason. Another provider's placement reads exactly like one that does not exist."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import sqlalchemy as sa

from service.attendance.models import AttendanceMark, MarkSource
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.attendance.conftest import full_time_placement
from tests.helpers import form_data, text


def _upload(client, content: str):  # type: ignore[no-untyped-def]
    page = client.get("/attendance/import")
    assert page.status_code == 200
    return client.post(
        "/attendance/import",
        data=form_data(page, {"file": (io.BytesIO(content.encode()), "marks.csv")}),
        content_type="multipart/form-data",
    )


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
    response = _upload(as_provider, content)
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
    response = _upload(as_provider, content)
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
    body = text(_upload(as_provider, content))
    problems = re.findall(r"<a href=\"#file\">Line ([0-9]+): ([^<]*)</a>", body)
    assert [line for line, _ in problems] == ["2", "3", "4", "5"]
    assert len({message for _, message in problems}) == 1, problems  # word for word the same
    assert problems[0][1].startswith("placement_reference is not one of your placements")
    assert "Elsewhere" not in body
    assert _marks(db_session) == []


def test_the_header_is_checked_first(as_provider, db_session):
    body = text(_upload(as_provider, "placement,date,code\nAP-1,2026-01-05,/\n"))
    assert "Line 1: Unknown column(s): placement" in body
    assert "Line 1: Missing required column(s): placement_reference, session" in body
    body = text(_upload(as_provider, ""))
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
