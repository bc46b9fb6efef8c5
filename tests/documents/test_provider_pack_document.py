"""The provider information pack as the provider reads it: the default template, rendered by docxtpl and
converted by the real LibreOffice pool. The PDF holds what keeps the pupil safe (the DSL's phone, the
register code, the emergency contacts), is marked OFFICIAL-SENSITIVE, and holds nothing of a section the
commissioner kept out; hostile free text comes out exactly as typed. A commissioner can produce it from
the placement page, and ``apdocs render provider-pack`` makes it from the command line.

Needs ``soffice`` and a Python that can ``import uno``; outside CI the tests skip with the reason when those
are missing, with ``CI=true`` they fail instead (as in test_converter_pool.py).
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pypdf import PdfReader

from service.cli import main
from service.documents.engine.rendering import render_docx
from service.documents.kinds.provider_pack import build_provider_pack_context
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from service.rules.provider_pack import PackSection
from tests import factories
from tests.documents.conftest import all_text, pdf_text
from tests.documents.test_hostile_text_in_pdf import HOSTILE, LONG, _assert_holds_the_hostile_text, _squash
from tests.helpers import csrf_token, text

ON = date(2026, 1, 2)
#: Free-text answers of the pack, each where a key worker would type it.
PACK_ANSWERS = (
    "send_needs",
    "literacy",
    "medical_needs",
    "what_works",
    "what_to_avoid",
    "behaviours_that_challenge",
    "strategies_that_worked",
    "aptitudes_interests",
    "transport",
    "other_emergency_contacts",
)

#: Another 10,000 characters, told apart from LONG by its markers (w0000 ...) and its words.
SIDE_BY_SIDE_LONG = LONG.replace("Sentence s", "Sentence w").replace("says the pupil & staff agreed", "was tried &")


@pytest.fixture
def placement(db_session, school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Zoë", legal_last_name="O'Brien-Smith")
    factories.ParentCarerFactory(pupil=pupil, name="Grace O'Brien", phone="07700 900456")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.REFERRED)
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Arrive by 09:15 every day")
    factories.PlanInterventionFactory(support_plan=plan)
    factories.ProviderPackFactory(placement=placement)
    db_session.expire_all()
    return placement


def _render(placement, default_templates: Path) -> bytes:  # type: ignore[no-untyped-def]
    template = (default_templates / "provider_pack.docx").read_bytes()
    return render_docx(template, build_provider_pack_context(placement, on=ON))


def test_the_pdf_holds_what_keeps_the_pupil_safe(pool, placement, default_templates, tmp_path) -> None:  # type: ignore[no-untyped-def]
    words = _squash(pdf_text(pool, _render(placement, default_templates), tmp_path, "pack"))

    assert "Zoë O'Brien-Smith" in words
    assert "OFFICIAL-SENSITIVE" in words
    assert "If you are worried about this pupil" in words
    assert "Mrs P Grant" in words and "01632 960001" in words  # the DSL and their phone
    assert "Mr D Shah" in words and "01632 960002" in words  # the deputy
    assert "with code B: attending an approved educational activity" in words
    assert "every morning and every afternoon" in words and "Phone us the same day" in words
    assert "01632 960010" in words  # whom to phone about an absence
    assert "Arrive by 09:15 every day" in words  # an objective
    assert "Grace O'Brien" in words and "07700 900456" in words  # an emergency contact
    assert "Asthma: inhaler in the front pocket of the bag." in words


@pytest.mark.parametrize(
    ("dual_registered", "arranged_by_la", "said"),
    [
        (
            True,
            False,
            "with code D: dual registered, attending the other school where the pupil is registered (not counted in "
            "the home school's attendance: that school's register records it), because the pupil is dual registered "
            "at Brook House Pupil Referral Unit, which records their attendance in its own register.",
        ),
        (
            False,
            True,
            "with code K: attending education provision arranged by the local authority (counts as present), because "
            "Westshire Council, the local authority, arranged the placement and the pupil is not registered at Brook "
            "House Pupil Referral Unit.",
        ),
    ],
    ids=["dual-registered-D", "la-arranged-K"],
)
def test_the_pack_says_which_code_the_school_records_and_why(  # type: ignore[no-untyped-def]
    pool, default_templates, db_session, school, tmp_path, dual_registered, arranged_by_la, said
) -> None:
    """The rendered pack (real docxtpl, real LibreOffice) names the code from the placement: D for a pupil dual
    registered at the pupil referral unit, K for a place the local authority arranged where they are not."""
    pru = factories.ProviderFactory(name="Brook House Pupil Referral Unit", urn="146789", dfe_registered=True)
    owner = factories.LocalAuthorityFactory(name="Westshire Council") if arranged_by_la else school
    pupil = factories.PupilFactory(organisation=owner, school=None if arranged_by_la else school)
    placement = factories.PlacementFactory(
        pupil=pupil, provider=pru, status=PlacementStatus.REFERRED, dual_registered=dual_registered
    )
    db_session.expire_all()
    rendered = _render(placement, default_templates)

    assert _squash(said) in _squash(" ".join(all_text(rendered)))
    words = _squash(pdf_text(pool, rendered, tmp_path, "register-code"))
    assert _squash(said) in words
    other = "with code K" if dual_registered else "with code D"
    assert other not in words and "with code B" not in words


def test_a_withheld_section_is_not_in_the_pdf_at_all(pool, placement, default_templates, db_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    placement.provider_pack.withheld = [PackSection.MEDICAL.value, PackSection.BEHAVIOUR.value, PackSection.FSM.value]
    db_session.commit()
    words = _squash(pdf_text(pool, _render(placement, default_templates), tmp_path, "withheld"))

    for gone in (
        "Medical needs",
        "Asthma",
        "Behaviour: what to expect",
        "Walks out when frustrated.",
        "time-out card",
        "free school meals",
        "withheld",
    ):
        assert gone.lower() not in words.lower(), gone
    # The sections that were shared are still there, in full.
    assert "Reading and writing" in words and "coloured overlay" in words
    assert "What works and what to avoid" in words and "Mrs P Grant" in words


def test_hostile_free_text_comes_out_exactly_as_typed(pool, placement, default_templates, db_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hostile = "\n".join(HOSTILE)
    pack = placement.provider_pack
    for name in PACK_ANSWERS:
        setattr(pack, name, hostile)
    pack.send_needs = f"{LONG}\n\n{hostile}"  # 10,000 characters, in paragraphs with line breaks
    pack.what_works = f"{SIDE_BY_SIDE_LONG}\n\n{hostile}"  # as long, in the narrower side-by-side column
    placement.commissioning_organisation.concern_procedure = 'Call <the DSL> & write it down "today"'
    db_session.commit()
    data = _render(placement, default_templates)

    cells = [
        p.text for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]
    for line in HOSTILE:
        assert line in cells or any(line in cell for cell in cells), line
    assert 'Call <the DSL> & write it down "today"' in cells
    words = pdf_text(pool, data, tmp_path, "hostile")
    _assert_holds_the_hostile_text(words)
    # Every sentence of the long answer beside "What to avoid" is there, once, in order (a page break may fall
    # inside a wrapped sentence there, so the words around it are not compared).
    assert re.findall(r"w\d{4}", _squash(words)) == re.findall(r"w\d{4}", SIDE_BY_SIDE_LONG)
    assert _squash('Call <the DSL> & write it down "today"') in _squash(words)


# -- producing it -------------------------------------------------------------------------------------


def _pdf_words(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


@pytest.mark.usefixtures("default_templates")
def test_a_commissioner_produces_the_pack_from_the_placement_page(as_commissioner, placement, db_session) -> None:  # type: ignore[no-untyped-def]
    page = as_commissioner.get(f"/placements/{placement.id}")
    assert "Produce the Provider information pack" in text(page)

    done = as_commissioner.post(
        f"/placements/{placement.id}/documents",
        data={"csrf_token": csrf_token(page), "doc_type": "provider-pack"},
        follow_redirects=True,
    )

    assert "Provider information pack" in text(done)
    document = db_session.scalar(sa.select(Document))
    assert document.doc_type is DocumentType.PROVIDER_PACK
    assert document.status is DocumentStatus.READY, document.error
    assert document.context["shared"]["medical"] is True  # what was sent is kept with the document
    words = _pdf_words(as_commissioner.get(f"/documents/{document.id}/pdf").data)
    assert "Provider information pack" in words and "01632 960001" in words


@pytest.mark.usefixtures("default_templates")
def test_apdocs_render_makes_the_pack_for_every_placement_about_to_start(
    app, placement, school, provider, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ended = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.ENDED
    )
    monkeypatch.setenv("APDOCS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", app.config["APDOCS_OUTPUT_DIR"])
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["render", "provider-pack", "--all", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == [f"provider-pack-placement-{placement.id}-v1.pdf"]
    assert f"placement-{ended.id}" not in result.output
    assert "07700 900456" in _pdf_words((out / f"provider-pack-placement-{placement.id}-v1.pdf").read_bytes())
