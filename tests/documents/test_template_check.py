"""The upload checks: a template is rejected with a message naming the exact bad tag, or the reason the
file is not a usable Word template; a good template gives no problems at all."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest

from service.documents.engine.rendering import TemplateProblem
from service.documents.engine.upload_check import MAX_TEMPLATE_BYTES
from service.documents.kinds import check_template
from service.documents.types import DocumentType
from tests.documents.conftest import build_module

PLAN = DocumentType.SUPPORT_PLAN


DEFAULTS = {
    DocumentType.SUPPORT_PLAN: "support_plan.docx",
    DocumentType.REVIEW_RECORD: "review_record.docx",
    DocumentType.PROVIDER_PACK: "provider_pack.docx",
    DocumentType.END_OF_PLACEMENT_REPORT: "end_of_placement_report.docx",
}


@pytest.fixture(scope="module")
def default_templates_built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every default template, built from source into a folder of this module's own."""
    module = build_module()
    paths = module.build(tmp_path_factory.mktemp("templates"))
    return {path.name: path.read_bytes() for path in paths}


def template(*paragraphs: str | list[str], rows: list[list[str]] | None = None, header: str = "") -> bytes:
    """A DOCX with these paragraphs (a list is one paragraph split into runs, as Word does), table rows and header."""
    document = docx.Document()
    for paragraph in paragraphs:
        p = document.add_paragraph()
        for run in [paragraph] if isinstance(paragraph, str) else paragraph:
            p.add_run(run)
    if rows:
        table = document.add_table(rows=0, cols=len(rows[0]))
        for cells in rows:
            row = table.add_row()
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def only(problems: list[TemplateProblem]) -> TemplateProblem:
    assert len(problems) == 1, problems
    return problems[0]


def test_every_default_template_is_built() -> None:
    assert set(build_module().TEMPLATES) == set(DEFAULTS.values())
    assert all(DocumentType(kind).default_template == name for kind, name in DEFAULTS.items())


@pytest.mark.parametrize("doc_type", list(DEFAULTS))
def test_the_default_template_passes(default_templates_built: dict[str, bytes], doc_type: DocumentType) -> None:
    assert check_template(default_templates_built[DEFAULTS[doc_type]], doc_type) == []


@pytest.mark.parametrize("name", list(DEFAULTS.values()))
def test_the_default_template_keeps_every_style_it_uses_and_only_those(
    default_templates_built: dict[str, bytes], name: str
) -> None:
    """Slimming the style sheet must not drop a style a heading or table uses (Word would fall back to Normal)."""
    with zipfile.ZipFile(io.BytesIO(default_templates_built[name])) as archive:
        styles = archive.read("word/styles.xml").decode()
        names = archive.namelist()
        parts = "".join(archive.read(n).decode() for n in names if n.startswith("word/") and n != "word/styles.xml")
    defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
    referenced = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', parts))
    assert {"Heading1", "Title"} <= referenced
    assert referenced <= defined
    assert len(defined) < 40 and "stylesWithEffects" not in " ".join(names)


def test_a_good_template_with_loops_conditions_filters_and_split_runs_passes() -> None:
    data = template(
        ["Name: {{ pupil.", "display", "_name }}"],  # Word split the tag into runs: docxtpl merges them
        "{% if pupil.looked_after %}Looked after{% else %}Not looked after{% endif %}",
        "{{ pupil.display_name.upper() }} {{ provider.address|one_line }} {{ pupil.date_of_birth_iso|uk_date }}",
        "{% set name = pupil.legal_name %}{{ name }} {{ parents|length }}",
        "{%p for p in parents %}",
        "{{ p.name }} ({{ loop.index }}) {{ p.parental_responsibility|yes_no }}",
        "{%p endfor %}",
        "{{ signatures.parent_carer.name }} {{ support.review_meeting_date_iso }}",
        rows=[
            ["{%tr for s in sessions %}", ""],
            ["{{ s.day }}", "{{ s.starts_at }}–{{ s.ends_at }}"],
            ["{%tr endfor %}", ""],
            ["{%tr for o in support.objectives %}", ""],
            ["{{ o.objective }}", "{{ o.due_by }}"],
            ["{%tr endfor %}", ""],
        ],
        header="Plan for {{ pupil.display_name }}, version {{ document.version }}",
    )

    assert check_template(data, PLAN) == []


def test_a_tag_missing_its_closing_brace_is_named() -> None:
    problem = only(check_template(template("Name: {{ pupil.display_name }", "Fine: {{ pupil.upn }}"), PLAN))

    assert problem.tag == "{{ pupil.display_name }"
    assert "not closed" in problem.message
    assert "Name: {{ pupil.display_name }" in problem.location
    assert "{{ pupil.display_name }" in str(problem)


def test_a_tag_missing_its_opening_brace_is_named() -> None:
    problem = only(check_template(template("Name: { pupil.display_name }}"), PLAN))

    assert "never opened" in problem.message
    assert "{ pupil.display_name }}" in problem.tag


@pytest.mark.parametrize("quotes", ["“none”", "‘none’"])
def test_curly_quotes_inside_a_tag_are_named(quotes: str) -> None:
    tag = f"{{{{ pupil.upn|default({quotes}, true) }}}}"

    problem = only(check_template(template(f"UPN: {tag}"), PLAN))

    assert problem.tag == tag
    assert "straight quotes" in problem.message
    assert quotes[0] in problem.message


def test_curly_quotes_outside_tags_are_fine() -> None:
    assert check_template(template("The child’s “views”: {{ assessment.child_views }}"), PLAN) == []


def test_an_if_without_endif_is_named() -> None:
    problem = only(check_template(template("{% if pupil.looked_after %}", "Looked after", "Other text"), PLAN))

    assert problem.tag == "{% if pupil.looked_after %}"
    assert "endif" in problem.message


def test_an_endfor_closing_an_if_is_named() -> None:
    problem = only(check_template(template("{%p if pupil.looked_after %}", "x", "{%p endfor %}"), PLAN))

    assert problem.tag == "{%p endfor %}"
    assert "{%p if pupil.looked_after %}" in problem.message


def test_an_unknown_field_is_named() -> None:
    problem = only(check_template(template("Shoe size: {{ pupil.shoe_size }}"), PLAN))

    assert problem.tag == "{{ pupil.shoe_size }}"
    assert "pupil.shoe_size" in problem.message


def test_an_unknown_top_level_name_is_named() -> None:
    problem = only(check_template(template("{{ pupil.display_name }} likes {{ favourite_colour }}"), PLAN))

    assert problem.tag == "{{ favourite_colour }}"
    assert "favourite_colour" in problem.message


def test_an_unknown_field_of_a_loop_variable_is_named() -> None:
    data = template(rows=[["{%tr for s in sessions %}"], ["{{ s.day }} {{ s.colour }}"], ["{%tr endfor %}"]])

    problem = only(check_template(data, PLAN))

    assert problem.tag == "{{ s.colour }}"
    assert "s.colour" in problem.message


def test_an_unknown_field_in_a_condition_is_named() -> None:
    problem = only(check_template(template("{% if pupil.is_lac %}LAC{% endif %}"), PLAN))

    assert problem.tag == "{% if pupil.is_lac %}"


def test_looping_over_a_field_that_is_not_a_list_is_named() -> None:
    problem = only(check_template(template("{%p for x in pupil.display_name %}", "{{ x }}", "{%p endfor %}"), PLAN))

    assert "not a list" in problem.message
    assert problem.tag == "{%p for x in pupil.display_name %}"


def test_an_unknown_filter_is_named() -> None:
    problem = only(check_template(template("{{ pupil.date_of_birth|shout }}"), PLAN))

    assert "shout" in problem.message
    assert problem.tag == "{{ pupil.date_of_birth|shout }}"


def test_a_problem_in_the_header_says_so() -> None:
    problem = only(check_template(template("body", header="Plan for {{ pupil.nickname }}"), PLAN))

    assert problem.tag == "{{ pupil.nickname }}"
    assert "header" in problem.location


def test_a_broken_expression_in_a_block_tag_is_named() -> None:
    problem = only(check_template(template("Intro", "{% if pupil.looked_after == %}LAC{% endif %}"), PLAN))

    assert "{% if pupil.looked_after == %}" in problem.tag
    assert "{% if pupil.looked_after == %}" in problem.location


def test_an_unreadable_print_tag_is_named() -> None:
    problem = only(check_template(template("{{ pupil.display_name pupil.upn }}"), PLAN))

    assert problem.tag == "{{ pupil.display_name pupil.upn }}"


def test_include_is_not_allowed() -> None:
    problem = only(check_template(template("{% include 'other.docx' %}"), PLAN))

    assert "include" in problem.message


def test_several_problems_are_all_reported() -> None:
    problems = check_template(template("{{ pupil.shoe_size }}", "{{ pupil.hat_size }}"), PLAN)

    assert [p.tag for p in problems] == ["{{ pupil.shoe_size }}", "{{ pupil.hat_size }}"]


def test_a_pdf_renamed_docx_is_rejected() -> None:
    problem = only(check_template(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n", PLAN))

    assert problem.message.startswith("This is not a Word .docx file")
    assert problem.tag == ""


def test_a_zip_without_a_word_document_is_rejected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a document")

    problem = only(check_template(buffer.getvalue(), PLAN))

    assert "This is not a Word .docx file" in problem.message


def test_a_damaged_word_document_is_rejected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")

    assert "This is not a Word .docx file" in only(check_template(buffer.getvalue(), PLAN)).message


def test_an_oversized_file_is_rejected() -> None:
    data = template("{{ pupil.display_name }}") + b"\0" * MAX_TEMPLATE_BYTES

    problem = only(check_template(data, PLAN))

    assert "5 MB" in problem.message


def test_a_zip_bomb_is_rejected() -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template("x")), "r") as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/media/huge.bin", b"\0" * (100 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_TEMPLATE_BYTES

    assert "unpacks" in only(check_template(buffer.getvalue(), PLAN)).message


def test_each_type_is_checked_against_its_own_fields() -> None:
    report = DocumentType.END_OF_PLACEMENT_REPORT
    good = template(
        "{{ end.destination }} {{ attendance.summary }} {{ attendance.chart_image }}",
        rows=[["{%tr for o in outcomes %}"], ["{{ o.outcome }}"], ["{%tr endfor %}"]],
    )
    assert check_template(good, report) == []

    problem = only(check_template(template("{{ review.number }}"), report))  # a review record's field
    assert problem.tag == "{{ review.number }}"
    assert "End-of-placement report" in problem.message
