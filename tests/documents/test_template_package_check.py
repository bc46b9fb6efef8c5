"""The upload check refuses Word packages that would reach outside the template when opened or converted:
links to outside files, linked pictures, fields that fetch, imported chunks and attached templates. Each
problem names the part it is in and what was found. Plain web and email hyperlinks stay allowed."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable

import docx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from docx.oxml import parse_xml

from service.cli import main
from service.documents.engine.rendering import TemplateProblem
from service.documents.kinds import check_template
from service.documents.models import DocumentTemplate
from service.documents.types import DocumentType
from tests.helpers import csrf_token, text

PLAN = DocumentType.SUPPORT_PLAN
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    f'xmlns:r="{RELS}" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)
# A 1 x 1 white PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC")


def word(build: Callable[[docx.document.Document], None] | None = None) -> bytes:
    """A good template, changed by ``build`` as an editor (or an attacker) might change it."""
    document = docx.Document()
    document.add_paragraph("Plan for {{ pupil.display_name }}")
    if build is not None:
        build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def paragraph_xml(document: docx.document.Document, inner: str) -> None:
    document.element.body.insert(0, parse_xml(f"<w:p {NAMESPACES}>{inner}</w:p>"))


def hyperlink(target: str) -> Callable[[docx.document.Document], None]:
    def build(document: docx.document.Document) -> None:
        rid = document.part.relate_to(target, f"{RELS}/hyperlink", is_external=True)
        paragraph_xml(document, f'<w:hyperlink r:id="{rid}"><w:r><w:t>our website</w:t></w:r></w:hyperlink>')

    return build


def complex_field(*pieces: str) -> Callable[[docx.document.Document], None]:
    """A field as Word saves it: begin, its code (in one or more runs), separate, the last result, end."""

    def build(document: docx.document.Document) -> None:
        code = "".join(f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>' for piece in pieces)
        paragraph_xml(
            document,
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            + code
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>last result</w:t></w:r>'
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        )

    return build


def only(problems: list[TemplateProblem]) -> TemplateProblem:
    assert len(problems) == 1, problems
    return problems[0]


# -- what stays allowed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://www.northbridge.example/ap", "http://www.northbridge.example/", "mailto:ap@northbridge.example"]
)
def test_a_web_or_email_hyperlink_is_allowed(target: str) -> None:
    assert check_template(word(hyperlink(target)), PLAN) == []


def test_page_number_fields_are_allowed() -> None:
    data = word(lambda d: (complex_field(" PAGE ")(d), complex_field(" NUMPAGES \\* MERGEFORMAT ")(d)))

    assert check_template(data, PLAN) == []


# -- links to outside files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["file:///C:/Users/head/secret.docx", "\\\\fileserver\\share\\letterhead.docx", "javascript:alert(1)"]
)
def test_a_hyperlink_to_anything_but_the_web_or_email_is_refused(target: str) -> None:
    problem = only(check_template(word(hyperlink(target)), PLAN))

    assert "word/_rels/document.xml.rels" in problem.location
    assert target in problem.message


@pytest.mark.parametrize("kind", ["subDocument", "oleObject", "frame", "package"])
def test_any_other_relationship_to_an_outside_file_is_refused(kind: str) -> None:
    def build(document: docx.document.Document) -> None:
        document.part.relate_to("http://attacker.example/payload", f"{RELS}/{kind}", is_external=True)

    problem = only(check_template(word(build), PLAN))

    assert "http://attacker.example/payload" in problem.message
    assert "word/_rels/document.xml.rels" in problem.location


def _picture(document: docx.document.Document) -> None:
    document.add_picture(io.BytesIO(PNG))


def _blip(data: bytes, change: Callable[[str], str], extra_rel: str = "") -> bytes:
    """``data`` with its document.xml passed through ``change`` and a relationship added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = change(content.decode()).encode()
            if info.filename == "word/_rels/document.xml.rels" and extra_rel:
                content = content.decode().replace("</Relationships>", extra_rel + "</Relationships>").encode()
            target.writestr(info, content)
    return out.getvalue()


def test_a_picture_linked_to_an_outside_file_is_refused() -> None:
    external = (
        f'<Relationship Id="rId900" Type="{RELS}/image" Target="http://tracker.example/pixel.png" '
        'TargetMode="External"/>'
    )
    data = _blip(word(_picture), lambda xml: xml.replace("r:embed=", 'r:link="rId900" r:embed='), external)

    problems = check_template(data, PLAN)

    messages = " ".join(str(p) for p in problems)
    assert "http://tracker.example/pixel.png" in messages
    assert any("picture" in p.message and "word/document.xml" in p.location for p in problems), problems


def test_a_picture_linked_by_an_internal_looking_id_is_still_refused() -> None:
    """``r:link`` means "fetch this picture when the document opens", whatever the relationship says."""
    data = _blip(word(_picture), lambda xml: xml.replace("r:embed=", "r:link="))

    problem = only(check_template(data, PLAN))

    assert "picture" in problem.message
    assert "word/document.xml" in problem.location


# -- fields that fetch -------------------------------------------------------------------------------

FETCHING = ["INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT", "DATABASE"]


@pytest.mark.parametrize("keyword", FETCHING)
def test_a_field_that_fetches_is_refused(keyword: str) -> None:
    problem = only(check_template(word(complex_field(f' {keyword} "\\\\\\\\server\\\\share\\\\x.docx" ')), PLAN))

    assert keyword in problem.message
    assert "word/document.xml" in problem.location


def test_a_field_code_split_across_runs_in_lower_case_is_refused() -> None:
    data = word(complex_field(" include", "picture ", '"http://tracker.example/p.png" \\d '))

    problem = only(check_template(data, PLAN))

    assert "INCLUDEPICTURE" in problem.message


@pytest.mark.parametrize("keyword", ["INCLUDETEXT", "DDEAUTO"])
def test_a_simple_field_that_fetches_is_refused(keyword: str) -> None:
    data = word(
        lambda d: paragraph_xml(
            d, f'<w:fldSimple w:instr=" {keyword} &quot;C:\\\\x.docx&quot; "><w:r><w:t>x</w:t></w:r></w:fldSimple>'
        )
    )

    problem = only(check_template(data, PLAN))

    assert keyword in problem.message
    assert "word/document.xml" in problem.location


def test_a_field_that_fetches_in_the_page_header_names_the_header() -> None:
    def build(document: docx.document.Document) -> None:
        header = document.sections[0].header
        header.paragraphs[0].text = "Header"
        header._element.append(
            parse_xml(
                f"<w:p {NAMESPACES}>"
                '<w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://tracker.example/p.png&quot; "/></w:p>'
            )
        )

    problem = only(check_template(word(build), PLAN))

    assert "INCLUDEPICTURE" in problem.message
    assert "header" in problem.location


# -- imported chunks and attached templates ----------------------------------------------------------


def test_an_imported_chunk_is_refused() -> None:
    def build(document: docx.document.Document) -> None:
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        chunk = Part(
            PackURI("/word/afchunk.mht"), "message/rfc822", b"MIME-Version: 1.0\r\n\r\nhello", document.part.package
        )
        rid = document.part.relate_to(chunk, f"{RELS}/aFChunk")
        document.element.body.insert(0, parse_xml(f'<w:altChunk {NAMESPACES} r:id="{rid}"/>'))

    problems = check_template(word(build), PLAN)

    assert problems
    assert all("altChunk" in p.message or "aFChunk" in p.message for p in problems), problems
    assert any("word/document.xml" in p.location for p in problems)


def test_an_attached_template_is_refused() -> None:
    def build(document: docx.document.Document) -> None:
        settings = document.part._settings_part
        rid = settings.relate_to("file:///C:/Templates/Macros.dotm", f"{RELS}/attachedTemplate", is_external=True)
        settings.element.insert(0, parse_xml(f'<w:attachedTemplate {NAMESPACES} r:id="{rid}"/>'))

    problems = check_template(word(build), PLAN)

    assert problems
    assert any("attached" in p.message and "word/settings.xml" in p.location for p in problems), problems
    assert any("Macros.dotm" in p.message for p in problems), problems


# -- through the command and the upload page ---------------------------------------------------------


def test_apdocs_check_template_names_the_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fetching.docx"
    path.write_bytes(word(complex_field(' INCLUDETEXT "\\\\\\\\server\\\\share\\\\x.docx" ')))

    result = CliRunner().invoke(main, ["check-template", str(path), "--type", "support-plan"])

    assert result.exit_code == 1
    assert "INCLUDETEXT" in result.output
    assert "word/document.xml" in result.output


@pytest.mark.usefixtures("default_templates")
def test_an_upload_with_a_fetching_picture_field_is_refused(as_admin, db_session) -> None:  # type: ignore[no-untyped-def]
    data = word(complex_field(' INCLUDEPICTURE "http://tracker.example/p.png" \\d '))
    page = as_admin.get("/templates")

    response = as_admin.post(
        "/templates",
        data={"csrf_token": csrf_token(page), "doc_type": "support-plan", "template": (io.BytesIO(data), "p.docx")},
        content_type="multipart/form-data",
    )

    body = text(response)
    assert "This template cannot be used" in body
    assert "INCLUDEPICTURE" in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0
