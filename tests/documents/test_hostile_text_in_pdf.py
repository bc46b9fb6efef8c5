"""Whatever a person types into a plan or a review comes out in the PDF exactly as typed: the default AP
Support Plan and review record, filled with hostile text, rendered and converted by the real LibreOffice pool.
A preferred name with an emoji ZWJ sequence (woman, zero-width joiner, graduation cap) must reach the PDF too:
LibreOffice drops a character no installed font draws, so this pins the emoji font (fonts-noto-color-emoji,
installed by scripts/system-packages.sh) as well as the text.

Needs ``soffice`` and a Python that can ``import uno``; outside CI the tests skip with the reason when those
are missing, with ``CI=true`` they fail instead (as in test_converter_pool.py).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import docx
import pytest

from service.documents.engine.rendering import render_docx
from service.documents.kinds.review_record import build_review_record_context
from service.documents.kinds.support_plan import build_support_plan_context
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.documents.conftest import all_text, pdf_text
from tests.helpers import require

ON = date(2026, 2, 10)
EMOJI = "\U0001f600"
ARABIC = "مرحبا بالعالم"
HEBREW = "שלום עולם"
# One line of each kind of trouble: markup, entities and tags, quotes of every kind, emoji, right-to-left.
HOSTILE = [
    "Tom & Jerry <b>not bold</b> </w:t> &amp; ]]> {{ 7 * 7 }} {% if %}",
    "\"double\" 'single' “curly” ‘quotes’ « guillemets »",
    f"Smile {EMOJI} please",
    f"Arabic {ARABIC} and Hebrew {HEBREW} end",
]
PUPIL_FIRST, PUPIL_LAST = "Zoë", "O'Brien-Smith"
#: A preferred name with an emoji ZWJ sequence: 👩 + zero-width joiner + 🎓, drawn as one glyph (woman student).
ZWJ_SEQUENCE = "\U0001f469\u200d\U0001f393"
PREFERRED = f"Zo {ZWJ_SEQUENCE}"


def long_answer() -> str:
    """A 10,000-character answer: numbered sentences in paragraphs (blank lines) with line breaks inside."""
    paragraphs, length, n = [], 0, 0
    while length < 10_000:
        lines = [f"Sentence s{n + i:04d} says the pupil & staff agreed <targets>." for i in range(3)]
        n += 3
        paragraph = "\n".join(lines)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


LONG = long_answer()
MARKERS = re.findall(r"s\d{4}", LONG)


@pytest.fixture
def placement(db_session, school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(
        organisation=school, legal_first_name=PUPIL_FIRST, legal_last_name=PUPIL_LAST, preferred_name=PREFERRED
    )
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE, reason_for_referral=HOSTILE[0]
    )
    plan = factories.SupportPlanFactory(
        placement=placement,
        child_views=f"{LONG}\n\n" + "\n".join(HOSTILE),
        parental_views="First line\nsecond line\n\nA new paragraph.",
    )
    factories.PlanObjectiveFactory(support_plan=plan, objective=HOSTILE[1], baseline=HOSTILE[2], target=HOSTILE[3])
    review = factories.ReviewFactory(placement=placement, number=1, notes=f"{LONG}\n\n" + "\n".join(HOSTILE))
    factories.ObjectiveProgressFactory(review=review, objective_text=HOSTILE[1], evidence=HOSTILE[3])
    db_session.expire_all()
    return placement


def _squash(text: str) -> str:
    """Text as compared: Arabic presentation forms and ligatures undone, whitespace and apostrophes evened."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("’", "'").split())


def _assert_holds_the_hostile_text(text: str) -> None:
    # The emoji is drawn with a fallback font and extracted out of place: compare without it, then look for it.
    flat = _squash(text.replace(EMOJI, " "))
    assert EMOJI in text
    for line in HOSTILE[:3]:
        assert _squash(line.replace(EMOJI, " ")) in flat
    # Right-to-left words may be extracted in visual order: either way round is the same word.
    for word in [*ARABIC.split(), *HEBREW.split()]:
        word = unicodedata.normalize("NFKC", word)
        assert word in flat or word[::-1] in flat, word
    # The long answer is whole and in order, even where a page break puts the footer in the middle of it.
    assert _in_order(MARKERS, re.findall(r"s\d{4}", flat))
    assert flat.count("says the pupil & staff agreed <targets>.") == len(MARKERS)


def _in_order(wanted: list[str], found: list[str]) -> bool:
    position = iter(found)
    return all(any(item == seen for seen in position) for item in wanted)


def _poppler(tool: str, *args: str) -> str:
    """Run one of poppler's tools (``pdftotext``, ``pdftoppm``: poppler-utils) and return what it printed."""
    program = shutil.which(tool)
    require("" if program else f"{tool} is not installed (poppler-utils)")
    assert program is not None
    return subprocess.run([program, *args], check=True, capture_output=True).stdout.decode()  # noqa: S603


def _pdftotext(pdf: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it (a second reader beside pypdf)."""
    return _poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-")


def _word_box(pdf: Path, word: str) -> tuple[float, float, float, float] | None:
    """Where ``word`` sits on the first page (points: left, top, right, bottom), from ``pdftotext -bbox``."""
    page = _poppler("pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-")
    for match in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
    ):
        if word in html.unescape(match[5]):
            return float(match[1]), float(match[2]), float(match[3]), float(match[4])
    return None


def _darkest_pixel(pdf: Path, box: tuple[float, float, float, float], folder: Path) -> int:
    """The darkest grey (0 black, 255 white) in ``box`` on the first page, drawn by poppler at 72 dpi."""
    left, top, right, bottom = (int(v) for v in box)
    size = ["-W", str(right - left + 1), "-H", str(bottom - top + 1)]
    page = ["-f", "1", "-l", "1", "-r", "72", "-gray", "-singlefile", "-x", str(left), "-y", str(top), *size]
    _poppler("pdftoppm", *page, str(pdf), str(folder / "box"))
    data = (folder / "box.pgm").read_bytes()
    # A binary PGM: "P5", width, height, maximum, each after whitespace, then one byte a pixel.
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5" and fields[3] == b"255", fields[:4]
    width, height = int(fields[1]), int(fields[2])
    return min(data[-width * height :])


def _docx_paragraphs(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]


def test_the_support_plan_pdf_holds_hostile_answers_exactly_as_typed(
    pool, placement, default_templates, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    template = (default_templates / "support_plan.docx").read_bytes()
    data = render_docx(template, build_support_plan_context(placement, on=ON))

    paragraphs = _docx_paragraphs(data)
    assert "First line\nsecond line" in paragraphs and "A new paragraph." in paragraphs  # breaks kept
    assert HOSTILE[1] in paragraphs and HOSTILE[3] in paragraphs  # the objective's cells
    assert any(ZWJ_SEQUENCE in p for p in all_text(data))  # the preferred name, emoji and all, in the DOCX
    text = pdf_text(pool, data, tmp_path, "plan")
    assert f"{PUPIL_FIRST} {PUPIL_LAST}" in _squash(text)
    _assert_holds_the_hostile_text(text)  # the tags typed in an answer among them: printed, not run
    # ... and in the PDF: its text extracted (a font that lacks the emoji leaves nothing) and its glyphs drawn
    # (a colour-bitmap font that LibreOffice 7.4 cannot embed leaves the text but an empty box on the page).
    extracted = _pdftotext(tmp_path / "plan.pdf")
    for emoji in ZWJ_SEQUENCE.split("\u200d"):
        assert emoji in extracted, f"{emoji!r} missing from the PDF's text"
    box = _word_box(tmp_path / "plan.pdf", ZWJ_SEQUENCE)
    assert box is not None, "the emoji is not a word on the first page"
    assert _darkest_pixel(tmp_path / "plan.pdf", box, tmp_path) < 128, "the emoji's box on the page is blank"


def test_the_review_record_pdf_holds_hostile_notes_exactly_as_typed(
    pool, placement, default_templates, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    review = placement.reviews[-1]
    template = (default_templates / "review_record.docx").read_bytes()
    data = render_docx(template, build_review_record_context(placement, on=ON, review=review))

    paragraphs = _docx_paragraphs(data)
    assert HOSTILE[1] in paragraphs and HOSTILE[3] in paragraphs  # the progress row's cells
    text = pdf_text(pool, data, tmp_path, "review")
    assert f"{PUPIL_FIRST} {PUPIL_LAST}" in _squash(text)
    _assert_holds_the_hostile_text(text)
