"""Rendering Word templates with docxtpl: hostile text survives intact, free text keeps its paragraphs, and
failures come back as readable RenderErrors naming the field."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocumentObject

from service.documents.engine.rendering import RenderError, clean_text, jinja_env, render_docx

HOSTILE = [
    "Tom & Jerry <script>alert('x')</script>",
    "quotes “curly” and \"straight\" and ‘single’ and 'plain'",
    "emoji 😀👍🏽 and a family 👨‍👩‍👧",
    "Arabic مرحبا بالعالم and Hebrew שלום עולם",
    "entities &amp; &lt;b&gt; ]]> {{ not a tag }} {% neither %}",
]


def template(*paragraphs: str, in_table: str | None = None) -> bytes:
    """A DOCX whose paragraphs are ``paragraphs`` (and, optionally, one table cell holding ``in_table``)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if in_table is not None:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "Label"
        table.cell(0, 1).text = in_table
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rendered(data: bytes) -> DocumentObject:
    return docx.Document(io.BytesIO(data))


def texts(document: DocumentObject) -> list[str]:
    return [p.text for p in document.paragraphs]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_comes_out_exactly_as_typed(text: str) -> None:
    out = rendered(render_docx(template("Before", "{{ answer }}", "After"), {"answer": text}))

    assert texts(out) == ["Before", text, "After"]


def test_hostile_text_in_a_table_cell_and_in_a_nested_field() -> None:
    context = {"pupil": {"display_name": HOSTILE[0]}, "answer": "\n\n".join(HOSTILE)}
    out = rendered(render_docx(template("Name: {{ pupil.display_name }}", in_table="{{ answer }}"), context))

    assert out.paragraphs[0].text == f"Name: {HOSTILE[0]}"
    assert [p.text for p in out.tables[0].cell(0, 1).paragraphs] == HOSTILE


def test_the_docx_is_still_valid_xml_and_the_tags_in_data_are_not_run() -> None:
    data = render_docx(template("{{ answer }}"), {"answer": "{{ 7 * 7 }} <w:p/> & ]]>"})

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "49" not in xml
    assert "&lt;w:p/&gt; &amp; ]]&gt;" in xml
    assert texts(rendered(data)) == ["{{ 7 * 7 }} <w:p/> & ]]>"]


def long_answer() -> tuple[str, list[str]]:
    """A 10,000-character answer: paragraphs separated by blank lines, some with line breaks inside."""
    sentence = "Jay & the team agreed <targets> for “reading” — مرحبا 😀. "
    paragraphs: list[str] = []
    i = 0
    while sum(len(p) + 2 for p in paragraphs) < 10_000:
        body = (sentence * (1 + i % 5)).strip()
        paragraphs.append(body if i % 3 else f"Item {i}:\n{body}\nEnd of item {i}.")
        i += 1
    return "\n\n".join(paragraphs), paragraphs


def test_a_ten_thousand_character_answer_keeps_its_paragraphs_and_line_breaks() -> None:
    answer, paragraphs = long_answer()
    assert len(answer) >= 10_000

    out = rendered(render_docx(template("Views:", "{{ answer }}", "End"), {"answer": answer}))

    assert texts(out) == ["Views:", *paragraphs, "End"]
    assert "".join(texts(out)).count("😀") == answer.count("😀")


def test_windows_line_endings_and_extra_blank_lines_make_the_same_paragraphs() -> None:
    answer = "First line\r\nsecond line\r\n\r\n\r\n   \r\nNext paragraph\rthird\u2029Last"

    out = rendered(render_docx(template("{{ answer }}"), {"answer": answer}))

    assert texts(out) == ["First line\nsecond line", "Next paragraph\nthird", "Last"]


def test_new_paragraphs_keep_the_formatting_of_the_paragraph_the_tag_was_in() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run("{{ answer }}").bold = True
    buffer = io.BytesIO()
    document.save(buffer)

    out = rendered(render_docx(buffer.getvalue(), {"answer": "one\n\ntwo"}))

    assert [(p.text, p.style.name, [r.bold for r in p.runs]) for p in out.paragraphs] == [
        ("one", "List Bullet", [True]),
        ("two", "List Bullet", [True]),
    ]


def test_characters_xml_cannot_hold_are_dropped_not_fatal() -> None:
    out = rendered(render_docx(template("{{ answer }}"), {"answer": "bell\x07 null\x00 esc\x1b ok"}))

    assert texts(out) == ["bell null esc ok"]


def test_clean_text() -> None:
    assert clean_text("one line") == "one line"
    assert clean_text("a\nb") == "a\nb"
    assert clean_text("\n\na\n \n\nb\n") == "a\ab"
    assert clean_text("tab\tkept") == "tab\tkept"


def test_an_undefined_top_level_field_fails_naming_it() -> None:
    with pytest.raises(RenderError) as caught:
        render_docx(template("Hello {{ pupil_name }}"), {})

    message = str(caught.value)
    assert "pupil_name" in message
    assert "does not exist" in message
    assert "Hello {{ pupil_name }}" in message  # the paragraph it is in


def test_an_undefined_nested_field_fails_with_its_full_name() -> None:
    with pytest.raises(RenderError, match=r"pupil\.shoe_size"):
        render_docx(template("{{ pupil.shoe_size }}"), {"pupil": {"display_name": "Jay"}})


def test_an_undefined_field_of_a_loop_item_is_named() -> None:
    data = template("{%p for s in sessions %}", "{{ s.colour }}", "{%p endfor %}")

    with pytest.raises(RenderError, match=r"sessions\[0\]\.colour"):
        render_docx(data, {"sessions": [{"day": "Monday"}]})


def test_an_undefined_field_in_a_condition_also_fails() -> None:
    with pytest.raises(RenderError, match="looked_afterr"):
        render_docx(template("{% if pupil.looked_afterr %}LAC{% endif %}"), {"pupil": {"looked_after": True}})


def test_a_broken_tag_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="broken tag"):
        render_docx(template("{{ pupil.display_name }"), {"pupil": {"display_name": "Jay"}})


def test_the_sandbox_refuses_python_internals() -> None:
    with pytest.raises(RenderError, match="not allowed|does not exist"):
        render_docx(template("{{ pupil.__class__.__mro__ }}"), {"pupil": {"display_name": "Jay"}})


def test_the_sandbox_refuses_to_change_the_context() -> None:
    with pytest.raises(RenderError):
        render_docx(template("{{ sessions.append(1) }}"), {"sessions": []})


def test_templates_cannot_build_huge_strings() -> None:
    with pytest.raises(RenderError, match="too long"):
        render_docx(template("{{ 'x' * 1000000000 }}"), {})


@pytest.mark.parametrize(
    "tag",
    ["{{ pupil[pupil.display_name] }}", "{{ pupil.display_name.split(',')[5] }}", "{{ pupil.display_name + 1 }}"],
)
def test_errors_from_values_do_not_quote_the_data(tag: str) -> None:
    with pytest.raises(RenderError) as caught:
        render_docx(template(tag), {"pupil": {"display_name": "Jayden Secret"}})

    assert "Secret" not in str(caught.value)
    assert tag in str(caught.value)  # where it went wrong: the template's own text


def test_not_a_docx_is_a_render_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="not a Word .docx file"):
        render_docx(b"%PDF-1.7 not really", {})
    with pytest.raises(RenderError, match="could not be read"):
        render_docx(tmp_path / "missing.docx", {})


def test_a_path_works_as_well_as_bytes(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    path.write_bytes(template("{{ a }}"))

    assert texts(rendered(render_docx(path, {"a": "from a path"}))) == ["from a path"]


def test_headers_and_footers_are_rendered_too() -> None:
    document = docx.Document()
    document.add_paragraph("body")
    document.sections[0].header.paragraphs[0].text = "Plan for {{ name }}"
    document.sections[0].footer.paragraphs[0].text = "Version {{ version }}"
    buffer = io.BytesIO()
    document.save(buffer)

    out = rendered(render_docx(buffer.getvalue(), {"name": "Tom & Jerry", "version": "3"}))

    assert out.sections[0].header.paragraphs[0].text == "Plan for Tom & Jerry"
    assert out.sections[0].footer.paragraphs[0].text == "Version 3"


def test_filters() -> None:
    data = template(
        "{{ yes|yes_no }}/{{ no|yes_no }}",
        "{{ iso|uk_date }}",
        "{{ address|one_line }}",
        "[{{ empty|or_dash }}] [{{ full|or_dash }}]",
    )
    context = {
        "yes": True,
        "no": False,
        "iso": "2007-09-23",
        "address": "1 High Street\nNorthbridge\n\nNB1 2CD",
        "empty": "",
        "full": "x",
    }

    assert texts(rendered(render_docx(data, context))) == [
        "Yes/No",
        "23 September 2007",
        "1 High Street, Northbridge, NB1 2CD",
        "[—] [x]",
    ]


def test_the_environment_is_sandboxed_autoescaping_and_strict() -> None:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = jinja_env()
    assert isinstance(env, SandboxedEnvironment)
    assert env.autoescape is True
    assert issubclass(env.undefined, StrictUndefined)
