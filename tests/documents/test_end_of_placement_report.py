"""The end-of-placement report: what the placement achieved and where the pupil goes next.

Its context matches the documented fields with a full record, with no record yet and with no attendance; the
attendance chart is a real PNG with a bar for each week attended; and the default template, rendered by docxtpl
and converted by the real LibreOffice pool, prints what the school and the next setting need: the pupil, the
attendance sentence and chart, each objective's outcome, the English and maths accreditation and the next
destination, with hostile free text exactly as typed.

The register is written into the real attendance table. PDF tests need ``soffice`` and a Python that can
``import uno``; outside CI they skip with the reason when those are missing, with ``CI=true`` they fail.
"""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from service.attendance.models import AttendanceMark
from service.documents import services as documents
from service.documents.engine import charts
from service.documents.engine.rendering import render_docx
from service.documents.kinds import check_template, context_problems
from service.documents.kinds.end_of_placement_report import build_end_of_placement_report_context
from service.documents.types import DocumentType
from service.end_of_placement.models import EndOfPlacement
from service.extensions import db
from service.rules.attendance_codes import Session, attendance_summary, weekly_summaries
from service.rules.outcomes import ProgressRating
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.documents.conftest import pdf_text
from tests.documents.test_hostile_text_in_pdf import HOSTILE, LONG, _assert_holds_the_hostile_text, _squash

REPORT = DocumentType.END_OF_PLACEMENT_REPORT
START = date(2026, 1, 5)  # a Monday: the factories' planned start
LAST_DAY = date(2026, 3, 27)  # a Friday, twelve weeks on
HALF_TERM = (date(2026, 2, 16), date(2026, 2, 20))
ON = date(2026, 3, 30)


def register(start: date = START, end: date = LAST_DAY) -> list[tuple[date, str]]:
    """Twelve weeks of a register as a school keeps it: present most sessions, half term closed (#), a few
    absences: in week 3 ill one day (I) and away without a reason two afternoons (O), in week 9 ill all week."""
    marks = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            week = (day - START).days // 7 + 1
            if HALF_TERM[0] <= day <= HALF_TERM[1]:
                am = pm = "#"
            elif week == 9 or (week == 3 and day.weekday() == 0):
                am = pm = "I"
            elif week == 3 and day.weekday() in (2, 3):
                am, pm = "/", "O"
            else:
                am, pm = "/", "\\"
            marks += [(day, am), (day, pm)]
        day += timedelta(days=1)
    return marks


def store_register(placement, through: date = LAST_DAY) -> None:  # type: ignore[no-untyped-def]
    """Writes the register into the real attendance table, morning then afternoon."""
    rows = [
        AttendanceMark(placement_id=placement.id, on=day, session=Session.AM if i % 2 == 0 else Session.PM, code=code)
        for i, (day, code) in enumerate(register(end=through))
    ]
    db.session.add_all(rows)
    db.session.commit()


@pytest.fixture
def marks(placement) -> None:  # type: ignore[no-untyped-def]
    """The ended placement's register, with a stray mark after its last day that the report must not count."""
    store_register(placement)
    db.session.add(AttendanceMark(placement_id=placement.id, on=ON, session=Session.AM, code="N"))
    db.session.commit()


@pytest.fixture
def not_ended_marks(not_ended) -> None:  # type: ignore[no-untyped-def]
    store_register(not_ended)


@pytest.fixture
def placement(db_session, school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Zoë", legal_last_name="O'Brien-Smith")
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.ENDED, actual_start=START, actual_end=LAST_DAY
    )
    end = factories.EndOfPlacementFactory(placement=placement, ended_on=LAST_DAY)
    factories.ObjectiveOutcomeFactory(end_of_placement=end)
    factories.ObjectiveOutcomeFactory(
        end_of_placement=end,
        objective_text="Read a page aloud to the group",
        baseline="Would not read aloud",
        target="Reads a page aloud each week",
        rating=ProgressRating.ACHIEVED,
        outcome="Read the safety briefing to the whole workshop in March",
    )
    db_session.expire_all()
    return placement


@pytest.fixture
def not_ended(db_session, school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school)
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE, actual_start=START)


# -- the context ---------------------------------------------------------------------------------------


def test_a_full_record_gives_every_documented_field(placement, marks) -> None:  # type: ignore[no-untyped-def]
    context = build_end_of_placement_report_context(placement, on=ON, version=2)

    assert context_problems(REPORT, context) == []
    assert context["document"]["title"] == "End-of-placement report" and context["document"]["version"] == "2"
    end = context["end"]
    assert end["recorded"] is True
    assert (end["ended_on"], end["ended_on_iso"]) == ("27 March 2026", "2026-03-27")
    assert end["reason"] == "Completed as planned"
    assert end["destination"] == "Further education (college or sixth form)"
    assert end["accreditation_english"] == "Functional Skills English Entry Level 3"
    assert [o["rating"] for o in context["outcomes"]] == ["Good progress", "Achieved"]
    assert context["outcomes"][1] == {
        "objective": "Read a page aloud to the group",
        "baseline": "Would not read aloud",
        "target": "Reads a page aloud each week",
        "rating": "Achieved",
        "outcome": "Read the safety briefing to the whole workshop in March",
    }


def test_a_record_just_made_reads_the_same_as_a_stored_one(not_ended, db_session) -> None:  # type: ignore[no-untyped-def]
    # As the ending journey makes it: plain values, in the same request, before anything is reloaded.
    not_ended.end_of_placement = EndOfPlacement(
        ended_on=date(2026, 1, 16), reason="breakdown", destination="training", destination_detail="Apprenticeship"
    )
    end = build_end_of_placement_report_context(not_ended, on=ON)["end"]

    assert (end["reason"], end["destination"]) == ("The placement broke down", "Training or an apprenticeship")
    assert end["accreditation_english"] == "" and end["ended_on"] == "16 January 2026"


def test_attendance_is_the_whole_placement_counted_as_the_dfe_counts_it(placement, marks) -> None:  # type: ignore[no-untyped-def]
    attendance = build_end_of_placement_report_context(placement, on=ON)["attendance"]

    # from the start to the last day, not to the document's date: the stray N on 30 March is not counted
    # 12 weeks x 10 sessions, less half term's 10 (closed: not possible) = 110 possible; absent: week 9 (10),
    # week 3 Monday (2, ill) and two afternoons (unauthorised).
    assert (attendance["possible"], attendance["present"]) == ("110", "96")
    assert (attendance["authorised"], attendance["unauthorised"]) == ("12", "2")
    assert attendance["percent"] == "87.3%"
    assert attendance["persistent"] is True and attendance["severe"] is False
    assert attendance["summary"] == "87.3% of 110 possible sessions attended between 5 January 2026 and 27 March 2026"
    weeks = attendance["weeks"]
    assert len(weeks) == 12 and weeks[0]["week_beginning"] == "5 January 2026"
    assert weeks[2] == {
        "week_beginning": "19 January 2026",
        "week_beginning_iso": "2026-01-19",
        "percent": "60%",
        "possible": "10",
        "present": "6",
    }
    assert weeks[6]["possible"] == "0" and weeks[6]["percent"] == ""  # half term: nothing to attend
    assert weeks[8]["percent"] == "0%"
    assert base64.b64decode(attendance["chart_image"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_before_the_end_is_recorded_the_report_is_blank_and_counts_to_its_date(not_ended, not_ended_marks) -> None:  # type: ignore[no-untyped-def]
    context = build_end_of_placement_report_context(not_ended, on=date(2026, 1, 16))

    assert context_problems(REPORT, context) == []
    assert context["end"]["recorded"] is False
    assert all(value == "" for key, value in context["end"].items() if key != "recorded")
    assert context["outcomes"] == []
    assert context["attendance"]["summary"] == (
        "100% of 20 possible sessions attended between 5 January 2026 and 16 January 2026"
    )
    assert len(context["attendance"]["weeks"]) == 2


def test_with_no_attendance_recorded_it_says_so_and_has_no_chart(placement) -> None:  # type: ignore[no-untyped-def]
    attendance = build_end_of_placement_report_context(placement, on=ON)["attendance"]  # the real, empty register

    assert context_problems(REPORT, build_end_of_placement_report_context(placement, on=ON)) == []
    assert attendance["summary"] == "No attendance was recorded between 5 January 2026 and 27 March 2026"
    assert (attendance["possible"], attendance["percent"]) == ("0", "")
    assert attendance["persistent"] is False and attendance["severe"] is False
    assert attendance["weeks"] == [] and attendance["chart_image"] == ""


def test_only_ended_placements_have_the_data_for_the_report(placement, not_ended) -> None:  # type: ignore[no-untyped-def]
    assert documents.placements_with_data_for(REPORT) == [placement.id]
    assert REPORT not in documents.placement_document_types()  # made by ending the placement, not a button


# -- the chart ------------------------------------------------------------------------------------------


def _decode(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and the raw scanlines (filter byte + RGBA pixels per row) of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks[kind] = chunks.get(kind, b"") + data
        pos += 12 + length
    assert list(chunks)[0] == b"IHDR" and list(chunks)[-1] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 6)  # 8-bit RGBA
    return width, height, zlib.decompress(chunks[b"IDAT"])


def _pixel(raw: bytes, width: int, x: int, y: int) -> tuple[int, int, int]:
    start = y * (width * 4 + 1) + 1 + x * 4
    return raw[start], raw[start + 1], raw[start + 2]


def _dark(rgb: tuple[int, int, int]) -> bool:
    return sum(rgb) < 250


def test_the_chart_is_a_valid_png_with_a_bar_for_each_week_attended() -> None:
    weeks = weekly_summaries(register(), START, date(2026, 1, 30))  # weeks of 100%, 100%, 60%, 100%
    width, height, raw = _decode(charts.weekly_attendance_png(weeks))

    assert (width, height) == (charts.WIDTH, charts.HEIGHT)
    assert len(raw) == width * height * 4 + height
    assert all(raw[y * (width * 4 + 1)] == 0 for y in range(height))  # every row unfiltered
    base, top = charts.HEIGHT - charts.BOTTOM, charts.TOP
    slot = (charts.WIDTH - charts.RIGHT - charts.LEFT) / 4

    def bar_height(i: int) -> int:
        x = round(charts.LEFT + slot * (i + 0.5))
        return sum(1 for y in range(top, base) if _dark(_pixel(raw, width, x, y)))

    full, week_3 = bar_height(0), bar_height(2)
    assert full > 0.9 * (base - top)  # 100%: the whole height of the plot
    assert 0.5 < week_3 / full < 0.7  # 60%
    red = [x for x in range(width) if _pixel(raw, width, x, base - round(0.9 * (base - top))) == charts.GUIDE]
    assert len(red) > width / 3  # the 90% line runs across the plot


def test_a_week_with_nothing_to_attend_has_no_bar() -> None:
    closed = [(day, "#") for day, _ in register(*HALF_TERM)]
    present = [(START + timedelta(days=d), code) for d in range(5) for code in ("/", "\\")]
    weeks = weekly_summaries(present + closed, START, HALF_TERM[1])
    assert attendance_summary(code for _, code in closed).possible == 0
    width, height, raw = _decode(charts.weekly_attendance_png(weeks))

    slot = (charts.WIDTH - charts.RIGHT - charts.LEFT) / len(weeks)
    mid = (charts.TOP + charts.HEIGHT - charts.BOTTOM) // 2
    assert _dark(_pixel(raw, width, round(charts.LEFT + slot * 0.5), mid))  # the first week, attended
    assert not _dark(_pixel(raw, width, round(charts.LEFT + slot * (len(weeks) - 0.5)), mid))  # half term


# -- the document ---------------------------------------------------------------------------------------


def test_the_default_template_uses_only_the_reports_fields(default_templates: Path) -> None:
    assert check_template((default_templates / "end_of_placement_report.docx").read_bytes(), REPORT) == []


def _render(placement, default_templates: Path) -> bytes:  # type: ignore[no-untyped-def]
    template = (default_templates / "end_of_placement_report.docx").read_bytes()
    return render_docx(template, build_end_of_placement_report_context(placement, on=ON))


def _images(pdf: Path) -> list[tuple[int, int]]:
    """The size in pixels of each picture in the PDF (a picture the pages share counts once)."""
    found = {}
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                found[getattr(ref, "idnum", id(xobject))] = (int(xobject["/Width"]), int(xobject["/Height"]))
    return list(found.values())


def test_the_pdf_says_what_the_placement_achieved_and_where_the_pupil_goes_next(
    pool, placement, marks, default_templates, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    words = _squash(pdf_text(pool, _render(placement, default_templates), tmp_path, "report"))

    assert "Zoë O'Brien-Smith" in words
    assert "OFFICIAL-SENSITIVE" in words
    assert "87.3% of 110 possible sessions attended between 5 January 2026 and 27 March 2026." in words
    assert "Attendance 90% or less at this placement Yes" in words
    assert "19 January 2026 10 6 60%" in words  # a row of the week-by-week table
    assert "Functional Skills English Entry Level 3" in words
    assert "Functional Skills maths Level 1" in words
    assert "Read the safety briefing to the whole workshop in March" in words  # an objective's outcome
    assert "Would not read aloud" in words  # where it started
    assert "I liked doing real work." in words  # the pupil's own view
    assert "Further education (college or sixth form)" in words
    assert "Westshire College, construction foundation course, September." in words
    assert "Completed as planned" in words
    assert "has not been recorded yet" not in words
    assert _images(tmp_path / "report.pdf") == [(charts.WIDTH, charts.HEIGHT)]  # the chart


def test_with_no_record_and_no_attendance_the_pdf_says_so_and_has_no_chart(
    pool, not_ended, default_templates, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    words = _squash(pdf_text(pool, _render(not_ended, default_templates), tmp_path, "blank"))

    assert "The end of this placement has not been recorded yet" in words
    assert "No attendance was recorded between 5 January 2026 and 30 March 2026." in words
    assert "Week by week" not in words and "90% or less" not in words
    assert "None recorded" in words  # no objective outcomes yet
    assert _images(tmp_path / "blank.pdf") == []


def test_hostile_free_text_comes_out_exactly_as_typed(
    pool, placement, marks, default_templates, db_session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    hostile = "\n".join(HOSTILE)
    end = placement.end_of_placement
    for name in (
        "reason_detail",
        "accreditation_english",
        "accreditation_maths",
        "accreditation_other",
        "behaviour_change",
        "personal_development",
        "destination_detail",
    ):
        setattr(end, name, hostile)
    end.pupil_assessment = f"{LONG}\n\n{hostile}"  # 10,000 characters, in paragraphs with line breaks
    end.outcomes[0].outcome = hostile
    end.outcomes[0].objective_text = HOSTILE[1]
    db_session.commit()

    words = pdf_text(pool, _render(placement, default_templates), tmp_path, "hostile")

    _assert_holds_the_hostile_text(words)
    assert _squash(words).count(_squash(HOSTILE[0])) >= 9  # each field it was typed in, the tags never run
