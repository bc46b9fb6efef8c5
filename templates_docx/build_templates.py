"""Build apdocs' default Word templates from source, reproducibly.

    python templates_docx/build_templates.py            # writes templates_docx/support_plan.docx,
                                                        # review_record.docx, provider_pack.docx and
                                                        # end_of_placement_report.docx
    python templates_docx/build_templates.py --out DIR  # writes them into DIR

The .docx files are generated (git-ignored): edit this script, not the files. Each template is a
docxtpl template: Jinja tags such as ``{{ pupil.display_name }}`` and ``{%tr for s in sessions %}``
filled from the fields listed in docs/template-fields.md. The same bytes come out on every run (fixed
document properties and zip timestamps), so a changed template shows up as a changed checksum.

Look: an A4 local-authority form in Arial (LibreOffice renders it with the metrically identical Liberation Sans),
bordered tables with shaded label cells, "OFFICIAL-SENSITIVE" at the top and bottom of every page, and "Page X of Y"
with the document's version in the footer. Both documents follow the Oxfordshire commissioning guidance's Appendix A:
the support plan its Initial referral / Assessment of need / Support plan parts (then the changes agreed at reviews,
when there are any, and the agreement and signatures), the review record its "Review / Transition Meeting" part. The
provider information pack is written for the provider's key worker, in plain English, and leaves out entirely each
section the commissioner keeps out of it. The end-of-placement report, also in plain English, says what the placement
achieved (attendance with a weekly chart, progress against each objective, accreditation, behaviour and well-being, the
pupil's own view) and where the pupil goes next.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

HERE = Path(__file__).resolve().parent

FONT = "Arial"
FONT_SUBSTITUTE = "Liberation Sans"  # what LibreOffice (and the PDF converter) draws Arial with
INK = RGBColor(0x1F, 0x1F, 0x1F)
ACCENT = RGBColor(0x1D, 0x3A, 0x6E)  # headings: dark blue
LABEL_FILL = "EDEFF2"  # label cells: light grey
HEADER_FILL = "D5DDEA"  # column headings and section bars: light blue
BORDER = "6E6E6E"
CLASSIFICATION = "OFFICIAL-SENSITIVE"
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
CONTENT_WIDTH = Cm(17)  # A4 less 2 cm margins each side


# -- low-level helpers -------------------------------------------------------------------------------


def _set_fonts(rpr_parent: object, name: str = FONT) -> None:
    """Set every script slot of the run properties to ``name`` and drop theme fonts, which would win."""
    rpr = rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), BORDER)
        borders.append(element)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 57), ("left", 85), ("bottom", 57), ("right", 85)):  # twips: 1 mm, 1.5 mm
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(width))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def _min_height(row: _Row, height: Cm) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:trHeight")
    element.set(qn("w:val"), str(int(height.twips)))
    element.set(qn("w:hRule"), "atLeast")
    tr_pr.append(element)


def _repeat_as_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _keep_row_together(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _write(cell: _Cell, text: str, *, bold: bool = False, size: float | None = None) -> Paragraph:
    """Put ``text`` in the cell's first paragraph; ``\\n`` starts another paragraph in the cell."""
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        if not line:
            continue  # an empty cell stays truly empty, so merging it adds no blank line
        run = paragraph.add_run(line)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return cell.paragraphs[0]


def _table(doc: Document, widths: Sequence[float], rows: int = 0) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    table._widths = [Cm(w) for w in widths]  # type: ignore[attr-defined]
    return table


def _add_row(table: Table, *cells: str, fills: Sequence[str | None] = (), bold: Sequence[bool] = ()) -> _Row:
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        cell.width = table._widths[i]  # type: ignore[attr-defined]
        _write(cell, text, bold=bold[i] if i < len(bold) else False)
        fill = fills[i] if i < len(fills) else None
        if fill:
            _shade(cell, fill)
    return row


NOT_SHARED = "Not shared with the provider"


def _if_shared(section: str, value: str) -> str:
    """A plan field the commissioner may keep from the provider along with its pack section: says so when kept out."""
    return f"{{% if shared.{section} %}}{value}{{% else %}}{NOT_SHARED}{{% endif %}}"


def _label_value_rows(table: Table, pairs: Sequence[tuple[str, str, str, str]]) -> None:
    """Rows of label | value | label | value, labels shaded, as on Appendix A; short, so never split by a page."""
    for label1, value1, label2, value2 in pairs:
        row = _add_row(
            table, label1, value1, label2, value2, fills=(LABEL_FILL, None, LABEL_FILL, None), bold=(True, False, True)
        )
        _keep_row_together(row)


def _merged(row: _Row, first: int, last: int) -> _Cell:
    return row.cells[first].merge(row.cells[last])


def _heading(doc: Document, text: str) -> Paragraph:
    paragraph = doc.add_paragraph(text, style="Heading 1")
    return paragraph


def _subheading(doc: Document, text: str) -> Paragraph:
    return doc.add_paragraph(text, style="Heading 2")


def _loop_rows(table: Table, loop: str, cells: Sequence[str], empty: str) -> None:
    """A docxtpl row loop: {%tr for %} row, the repeated row, {%tr else %} row, an "empty" row, {%tr endfor %}."""
    n = len(cells)
    _merged(_add_row(table, *([f"{{%tr for {loop} %}}"] + [""] * (n - 1))), 0, n - 1)
    _keep_row_together(_add_row(table, *cells))
    _merged(_add_row(table, *(["{%tr else %}"] + [""] * (n - 1))), 0, n - 1)
    empty_row = _add_row(table, *([empty] + [""] * (n - 1)))
    merged = _merged(empty_row, 0, n - 1)
    for run in merged.paragraphs[0].runs:
        run.italic = True
    _merged(_add_row(table, *(["{%tr endfor %}"] + [""] * (n - 1))), 0, n - 1)


def _column_headings(table: Table, *headings: str) -> _Row:
    row = _add_row(table, *headings, fills=[HEADER_FILL] * len(headings), bold=[True] * len(headings))
    _repeat_as_header(row)
    return row


def _answer_block(table: Table, label: str, value: str, height: float = 1.6) -> None:
    """A shaded question row across the table, then the answer row below it (room to write by hand)."""
    n = len(table.columns)
    question = _add_row(table, *([label] + [""] * (n - 1)), fills=[LABEL_FILL] * n, bold=(True,))
    merged = _merged(question, 0, n - 1)
    for hint in merged.paragraphs[1:]:  # lines after the question are prompts, as on Appendix A
        for run in hint.runs:
            run.bold, run.italic = False, True
    question._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    keep = question.cells[0].paragraphs[0].paragraph_format
    keep.keep_with_next = True
    answer = _add_row(table, *([value] + [""] * (n - 1)))
    _merged(answer, 0, n - 1)
    _min_height(answer, Cm(height))


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / cached result / end runs."""

    def run_with(child: OxmlElement) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# -- document-wide setup -----------------------------------------------------------------------------


def _styles(doc: Document) -> None:
    styles = doc.styles
    # Document defaults: Arial, British English (so Word's spelling checker is right).
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:bidi"), "ar-SA")

    normal = styles["Normal"]
    _set_fonts(normal.element)
    normal.font.size = Pt(10)
    normal.font.color.rgb = INK
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.1

    for name, size, before, after in (("Title", 20, 0, 4), ("Heading 1", 13, 14, 6), ("Heading 2", 11, 10, 4)):
        style = styles[name]
        _set_fonts(style.element)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    # The default Title style has a coloured bottom border and wide spacing: drop the border.
    title_ppr = styles["Title"].element.pPr
    if title_ppr is not None:
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)

    for name in ("Header", "Footer"):
        style = styles[name]
        _set_fonts(style.element)
        style.font.size = Pt(8)


def _font_table(doc: Document) -> None:
    """Tell readers without Arial to use Liberation Sans (LibreOffice maps Arial to it anyway)."""
    for part in doc.part.package.parts:
        if str(part.partname) != "/word/fontTable.xml":
            continue
        root = etree.fromstring(part.blob)
        arial = next((f for f in root.findall(qn("w:font")) if f.get(qn("w:name")) == FONT), None)
        if arial is None:
            arial = etree.SubElement(root, qn("w:font"))
            arial.set(qn("w:name"), FONT)
        for old in arial.findall(qn("w:altName")):
            arial.remove(old)
        alt = etree.Element(qn("w:altName"))
        alt.set(qn("w:val"), FONT_SUBSTITUTE)
        arial.insert(0, alt)
        for tag, value in (("w:family", "swiss"), ("w:pitch", "variable")):
            if arial.find(qn(tag)) is None:
                element = etree.SubElement(arial, qn(tag))
                element.set(qn("w:val"), value)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc: Document, footer_label: str) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(CLASSIFICATION)
    run.bold = True
    run.font.size = Pt(9)

    footer = section.footer
    first = footer.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = first.add_run(CLASSIFICATION)
    run.bold = True
    run.font.size = Pt(9)
    second = footer.add_paragraph()
    second.paragraph_format.tab_stops.add_tab_stop(CONTENT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    second.add_run(
        f"{footer_label}: {{{{ pupil.display_name }}}} · version {{{{ document.version }}}}, "
        "{{ document.generated_on }}"
    )
    second.add_run("\tPage ")
    _field(second, "PAGE", "1")
    second.add_run(" of ")
    _field(second, "NUMPAGES", "1")


def _properties(doc: Document, title: str, subject: str) -> None:
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = "apdocs"
    props.last_modified_by = "apdocs"
    props.comments = "Template: fields are listed in docs/template-fields.md"
    props.keywords = "apdocs template"
    props.category = CLASSIFICATION
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.language = "en-GB"


# -- pieces both documents use -------------------------------------------------------------------------


def _new_document(title: str, subject: str, footer_label: str) -> Document:
    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page(doc, footer_label)
    _properties(doc, title, subject)
    # python-docx's blank document starts with no paragraphs; the first one we add is the title.
    doc.add_paragraph(title, style="Title")
    return doc


def _label_cell(cell: _Cell) -> None:
    """Shade a cell as a label and make its text bold."""
    _shade(cell, LABEL_FILL)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True


def _wide_row(table: Table, label: str, value: str, *, height: float | None = None) -> _Row:
    """A label in the first column and a value across every other column."""
    n = len(table.columns)
    row = _add_row(table, label, value, *([""] * (n - 2)))
    _label_cell(row.cells[0])
    _merged(row, 1, n - 1)
    if height:
        _min_height(row, Cm(height))
    _keep_row_together(row)
    return row


def _conditional_rows(table: Table, condition: str, build: object) -> None:
    """Rows shown only when ``condition`` holds: {%tr if %} row, the rows ``build(table)`` adds, {%tr endif %}."""
    n = len(table.columns)
    _merged(_add_row(table, *([f"{{%tr if {condition} %}}"] + [""] * (n - 1))), 0, n - 1)
    build(table)  # type: ignore[operator]
    _merged(_add_row(table, *(["{%tr endif %}"] + [""] * (n - 1))), 0, n - 1)


def _keep_table_on_one_page(table: Table, *, with_next: bool = False) -> None:
    """Keep every row but the last with the next one, so a short table is never split across pages; with
    ``with_next``, the last row too, so the table stays on the page of what follows it."""
    for row in table.rows if with_next else table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _pupil_rows(table: Table) -> None:
    _label_value_rows(
        table,
        (
            ("Name", "{{ pupil.display_name }}", "Legal name", "{{ pupil.legal_name }}"),
            ("Date of birth", "{{ pupil.date_of_birth }}", "Year group", "{{ pupil.year_group }}"),
        ),
    )


def _spacer(doc: Document) -> Paragraph:
    """A small empty paragraph between two tables (Word joins tables that touch into one)."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(6)
    return paragraph


NONE_RECORDED = "None recorded"


def _objectives_table(doc: Document, source: str, baseline: str, measure: str) -> Table:
    """The objectives, one row each: the plan's and the pack's tables are the same but for two headings."""
    objectives = _table(doc, (2.1, 3.8, 3.0, 2.9, 2.6, 2.6))
    _column_headings(objectives, "Area", "Objective", baseline, "Target", measure, "By")
    cells = (
        "{{ o.area }}",
        "{{ o.objective }}",
        "{{ o.baseline }}",
        "{{ o.target }}",
        "{{ o.measure }}",
        "{{ o.due_by }}",
    )
    _loop_rows(objectives, f"o in {source}", cells, NONE_RECORDED)
    return objectives


# -- the AP Support Plan -----------------------------------------------------------------------------


def build_support_plan() -> Document:
    doc = _new_document(
        "Alternative Provision Support Plan",
        "Appendix A: personalised plan for a pupil in alternative provision",
        "AP Support Plan",
    )
    intro = doc.add_paragraph()
    intro.add_run("Appendix A: personalised plan for ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(". Version {{ document.version }}, produced on {{ document.generated_on }}.").italic = True
    intro.add_run("{% if not agreement.agreed %} Draft: this plan has not been agreed yet.{% endif %}").bold = True

    # Initial referral ------------------------------------------------------------------------------
    _heading(doc, "Initial referral")
    _subheading(doc, "Child / young person")
    child = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _pupil_rows(child)
    _label_value_rows(
        child,
        (
            ("UPN", "{{ pupil.upn }}", "Date of the planning meeting", "{{ referral.planning_meeting_date }}"),
            ("School", "{{ pupil.school }}", "Commissioned by", "{{ commissioner.name }}"),
            ("School rep", "{{ referral.school_rep }}", "Alternative provider rep", "{{ referral.provider_rep }}"),
            (
                "SEN status",
                _if_shared("sen", "{{ pupil.sen_status }}"),
                "Safeguarding status",
                _if_shared("safeguarding_status", "{{ pupil.safeguarding_status }}"),
            ),
            (
                "Looked after",
                "{{ pupil.looked_after|yes_no }}",
                "Free school meals",
                _if_shared("fsm", "{{ pupil.fsm_eligible|yes_no }}"),
            ),
        ),
    )
    _wide_row(
        child,
        "Parents / carers taking part",
        "{%p for p in referral.parents %}\n"
        "{{ p.name }}{% if p.relationship %} ({{ p.relationship }}){% endif %}\n"
        "{%p else %}\n"
        "\n"  # none recorded yet: an empty paragraph, since a table cell must hold one
        "{%p endfor %}",
    )
    _wide_row(child, "Other professionals", "{{ referral.other_professionals }}")

    _subheading(doc, "Parents / carers: contact details")
    parents = _table(doc, (3.0, 2.8, 4.2, 4.0, 3.0))
    _column_headings(parents, "Name", "Relationship", "Phone and email", "Address", "Parental responsibility")
    _loop_rows(
        parents,
        "p in parents",
        (
            "{{ p.name }}",
            "{{ p.relationship }}",
            "{{ p.phone }}\n{{ p.email }}",
            "{{ p.address }}",
            "{{ p.parental_responsibility|yes_no }}",
        ),
        NONE_RECORDED,
    )

    _subheading(doc, "The placement")
    placement = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _label_value_rows(
        placement,
        (
            ("Alternative provider", "{{ provider.name }}", "Address", "{{ provider.address }}"),
            (
                "Placement contact",
                "{{ provider.contact_name }}\n{{ provider.contact_role }}",
                "Contact details",
                "{{ provider.contact_phone }}\n{{ provider.contact_email }}",
            ),
            (
                "Designated safeguarding lead",
                "{{ provider.dsl_name }}\n{{ provider.dsl_phone }}",
                "Deputy DSL",
                "{{ provider.deputy_dsl_name }}\n{{ provider.deputy_dsl_phone }}",
            ),
            ("Planned start", "{{ placement.planned_start }}", "Planned end", "{{ placement.planned_end }}"),
            ("Actual start", "{{ placement.actual_start }}", "Actual end", "{{ placement.actual_end }}"),
            ("Pupil's circumstances", "{{ placement.circumstance }}", "Status", "{{ placement.status }}"),
            ("Who decides", "{{ placement.decision_maker }}", "Agreed by", "{{ placement.decided_by }}"),
        ),
    )
    _subheading(doc, "Weekly timetable at the provider")
    sessions = _table(doc, (5.0, 4.0, 4.0, 4.0))
    _column_headings(sessions, "Day", "From", "To", "Hours")
    _loop_rows(
        sessions,
        "s in sessions",
        ("{{ s.day }}", "{{ s.starts_at }}", "{{ s.ends_at }}", "{{ s.hours }}"),
        NONE_RECORDED,
    )
    total = _add_row(
        sessions,
        "Hours a week at the provider",
        "",
        "",
        "{{ placement.hours_per_week }}",
        bold=(True, False, False, True),
    )
    _shade(_merged(total, 0, 2), LABEL_FILL)

    # Assessment of need ----------------------------------------------------------------------------
    _heading(doc, "Assessment of need")
    need = _table(doc, (3.6, 8.2, 5.2))
    # The child's and the parents' views are always on the plan: a dash, never a blank, when not given.
    _answer_block(need, "Child's views", "{{ assessment.child_views|or_dash }}")
    _answer_block(need, "Parental views and relevant home background", "{{ assessment.parental_views|or_dash }}")
    _answer_block(need, "Academic progress including barriers to learning", "{{ assessment.academic_progress }}")
    risks_heading = _add_row(need, "Risks identified, e.g. leaving site", "", "Is a separate risk assessment required?")
    _merged(risks_heading, 0, 1)
    for cell in (risks_heading.cells[0], risks_heading.cells[2]):
        _label_cell(cell)
    _keep_row_together(risks_heading)
    risks_heading.cells[0].paragraphs[0].paragraph_format.keep_with_next = True
    risks = _add_row(
        need,
        _if_shared("risks", "{{ assessment.risks }}"),
        "",
        _if_shared("risks", "{{ assessment.separate_risk_assessment }}"),
    )
    _merged(risks, 0, 1)
    _min_height(risks, Cm(1.6))
    _answer_block(need, "Reason for referral", "{{ assessment.reason_for_referral }}")
    outcomes = _add_row(need, "Desired outcomes", "", "", fills=[LABEL_FILL] * 3, bold=(True,))
    _merged(outcomes, 0, 2).paragraphs[0].paragraph_format.keep_with_next = True
    _keep_row_together(outcomes)
    for area, label in (
        ("attendance", "Attendance"),
        ("attitude", "Attitude"),
        ("attainment", "Attainment"),
        ("behaviour", "Behaviour"),
        ("destination", "Destination"),
    ):
        _wide_row(need, label, f"{{{{ assessment.desired_outcomes.{area} }}}}", height=0.9)

    # Support plan ----------------------------------------------------------------------------------
    _heading(doc, "Support plan")
    _subheading(doc, "Objectives")
    _objectives_table(doc, "support.objectives", "Baseline: where the pupil is now", "Measured by")
    _subheading(doc, "Interventions")
    interventions = _table(doc, (6.6, 4.8, 2.6, 3.0))
    _column_headings(interventions, "Intervention type", "Delivered by", "Hours a week", "Start date")
    _loop_rows(
        interventions,
        "i in support.interventions",
        ("{{ i.type }}", "{{ i.delivered_by }}", "{{ i.hours }}", "{{ i.start_date }}"),
        NONE_RECORDED,
    )
    _spacer(doc)
    package = _table(doc, (4.6, 3.9, 4.6, 3.9))
    _label_value_rows(
        package,
        (
            (
                "Total hours a week, all settings",
                "{{ support.total_hours }}",
                "Hours a week at the alternative provider",
                "{{ support.hours_at_provider }}",
            ),
        ),
    )
    _wide_row(
        package,
        "Full time?",
        "{% if support.total_hours %}{{ support.full_time|yes_no }}. {% endif %}"
        "Full time is {{ support.full_time_hours }} hours a week across all settings.",
    )

    def part_time(table: Table) -> None:
        _wide_row(table, "Why the package is below full time", "{{ support.part_time_reason }}")
        _wide_row(table, "Detail", "{{ support.part_time_detail }}")

    _conditional_rows(package, "not support.full_time", part_time)
    _spacer(doc)
    plan = _table(doc, (11.5, 5.5))
    _answer_block(
        plan,
        "How will the home school maintain links with the child / young person and parents?\n"
        "Shared time in school, in-person visits, review meetings, phone calls?",
        "{{ support.school_links }}",
    )
    _answer_block(plan, "Arrangements to report and monitor attendance", "{{ support.attendance_arrangements }}")
    _answer_block(
        plan,
        "Agreed actions\nOther referrals? Special transition arrangements?",
        "{{ support.agreed_actions }}",
    )
    review = _add_row(plan, "Review meeting date", "{{ support.review_meeting_date }}", fills=(LABEL_FILL, None))
    review.cells[0].paragraphs[0].runs[0].bold = True
    _keep_row_together(review)

    # Changes agreed at reviews: only once a review has changed the plan ----------------------------
    doc.add_paragraph("{%p if reviews %}")
    _heading(doc, "Changes agreed at reviews")
    changes = _table(doc, (2.6, 3.6, 3.6, 4.0, 3.2))
    _column_headings(
        changes,
        "Review",
        "Changes to the assessed need",
        "Changes to desired outcomes or timescales",
        "Changes to the support plan, including reintegration",
        "Extension",
    )
    _loop_rows(
        changes,
        "r in reviews",
        (
            "Review {{ r.number }}\n{{ r.meeting_date }}",
            "{{ r.changes_to_need|or_dash }}",
            "{{ r.changes_to_outcomes|or_dash }}",
            "{{ r.changes_to_plan|or_dash }}",
            "{{ r.extension_agreed|yes_no }}{% if r.new_end_date %}\nNew finish date: {{ r.new_end_date }}{% endif %}",
        ),
        NONE_RECORDED,
    )
    doc.add_paragraph("{%p endif %}")

    # Agreement and signatures ----------------------------------------------------------------------
    _heading(doc, "Agreement and signatures")
    agreement = _table(doc, (4.2, 4.3, 4.2, 4.3))
    _label_value_rows(
        agreement,
        (
            (
                "Plan agreed",
                "{{ agreement.agreed|yes_no }}{% if agreement.agreed_on %}, on {{ agreement.agreed_on }}{% endif %}",
                "Agreement recorded by",
                "{{ agreement.agreed_by }}",
            ),
        ),
    )
    _conditional_rows(
        agreement,
        "agreement.registration_override_reason",
        lambda table: _wide_row(
            table,
            "Agreed despite the registration warning, because",
            "{{ agreement.registration_override_reason }}",
        ),
    )
    # The agreement, this sentence and the whole signature table stay on one page.
    _keep_table_on_one_page(agreement, with_next=True)
    _spacer(doc).paragraph_format.keep_with_next = True
    doc.add_paragraph("We agree this plan and will review it on the date above.").paragraph_format.keep_with_next = True
    signatures = _table(doc, (4.2, 4.8, 5.0, 3.0))
    _column_headings(signatures, "", "Name", "Signature", "Date")
    for key in ("parent_carer", "school_representative", "provider_representative"):
        row = _add_row(
            signatures,
            f"{{{{ signatures.{key}.role }}}}",
            f"{{{{ signatures.{key}.name }}}}",
            f"{{{{ signatures.{key}.signature_image }}}}{{{{ signatures.{key}.typed_signature }}}}",
            f"{{{{ signatures.{key}.signed_on }}}}",
            fills=(LABEL_FILL,),
            bold=(True,),
        )
        _min_height(row, Cm(1.5))
        _keep_row_together(row)
    _keep_table_on_one_page(signatures)
    return doc


# -- the review record -------------------------------------------------------------------------------


def build_review_record() -> Document:
    doc = _new_document(
        "Alternative Provision Review / Transition Meeting",
        "Appendix A: record of a review or transition meeting for a pupil in alternative provision",
        "Review record",
    )
    intro = doc.add_paragraph()
    intro.add_run("Appendix A: record of review {{ review.number }} of the placement of ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(" at {{ provider.name }}. Version {{ document.version }}, produced on ").italic = True
    intro.add_run("{{ document.generated_on }}.").italic = True

    _heading(doc, "Child / young person and placement")
    child = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _pupil_rows(child)
    _label_value_rows(
        child,
        (
            ("UPN", "{{ pupil.upn }}", "School", "{{ pupil.school }}"),
            ("SEN status", "{{ pupil.sen_status }}", "Safeguarding status", "{{ pupil.safeguarding_status }}"),
            ("Alternative provider", "{{ provider.name }}", "Commissioned by", "{{ commissioner.name }}"),
            (
                "Placement start",
                "{{ placement.actual_start or placement.planned_start }}",
                "Planned end",
                "{{ placement.planned_end }}",
            ),
            ("Status", "{{ placement.status }}", "Hours a week at the provider", "{{ placement.hours_per_week }}"),
        ),
    )

    _heading(doc, "Review / transition meeting")
    meeting = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _label_value_rows(
        meeting,
        (
            ("Review meeting date", "{{ review.meeting_date }}", "Review number", "{{ review.number }}"),
            ("Next review date", "{{ review.next_review_date|or_dash }}", "Recorded by", "{{ review.recorded_by }}"),
        ),
    )
    _wide_row(meeting, "Present", "{{ review.present|or_dash }}")

    _subheading(doc, "Attendance")
    attendance = _table(doc, (3.4, 3.4, 3.4, 3.4, 3.4))
    _column_headings(attendance, "From", "To", "Possible sessions", "Sessions attended", "Attendance")
    _keep_row_together(
        _add_row(
            attendance,
            "{{ review.attendance.from_date|or_dash }}",
            "{{ review.attendance.to_date|or_dash }}",
            "{{ review.attendance.sessions_possible|or_dash }}",
            "{{ review.attendance.sessions_attended|or_dash }}",
            "{{ review.attendance.percent|or_dash }}",
            bold=(False, False, False, False, True),
        )
    )
    _wide_row(attendance, "Notes", "{{ review.attendance.notes|or_dash }}")
    _if(doc, "review.attendance.chart_image")
    chart = doc.add_paragraph("{{ review.attendance.chart_image }}")
    chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.paragraph_format.keep_with_next = True
    caption = doc.add_paragraph()
    caption.add_run(
        "The register week by week over the period: each bar is one week, labelled with the date of its Monday. "
        "The red line is 90%: below it, attendance counts as persistent absence."
    ).italic = True
    caption.runs[0].font.size = Pt(8.5)
    _endif(doc)

    _heading(doc, "Views and notes from the review meeting")
    views = _table(doc, (17.0,))
    # The pupil's and the parents' views are always on the record: a dash, never a blank, when not given.
    _answer_block(views, "The child / young person's views", "{{ review.pupil_views|or_dash }}", height=1.2)
    _answer_block(views, "Parents' / carers' views", "{{ review.parent_views|or_dash }}", height=1.2)
    _answer_block(views, "Notes from the review meeting", "{{ review.notes|or_dash }}", height=1.2)

    _heading(doc, "Progress against objectives")
    progress = _table(doc, (4.0, 2.9, 2.9, 3.2, 4.0))
    _column_headings(progress, "Objective", "Baseline", "Target", "Progress", "Evidence")
    _loop_rows(
        progress,
        "p in review.progress",
        ("{{ p.objective }}", "{{ p.baseline }}", "{{ p.target }}", "{{ p.rating }}", "{{ p.evidence }}"),
        NONE_RECORDED,
    )

    _heading(doc, "Changes agreed")
    changes = _table(doc, (4.2, 4.3, 4.2, 4.3))
    for question, value in (
        ("Are there any changes to the assessed need?", "{{ review.changes_to_need|or_dash }}"),
        ("Are there any changes to the desired outcomes or timescales?", "{{ review.changes_to_outcomes|or_dash }}"),
        (
            "Are there any changes to the support plan, including arrangements for reintegration to school?",
            "{{ review.changes_to_plan|or_dash }}",
        ),
    ):
        _answer_block(changes, question, value, height=1.2)
    _label_value_rows(
        changes,
        (
            (
                "Extension agreed",
                "{{ review.extension_agreed|yes_no }}",
                "New finish / off-roll date",
                "{{ review.new_end_date|or_dash }}",
            ),
        ),
    )
    _keep_row_together(changes.rows[-1])
    return doc


# -- the provider information pack -------------------------------------------------------------------


def _if(doc: Document, condition: str) -> None:
    """Start a part of the document shown only when ``condition`` holds (docxtpl removes the paragraph)."""
    doc.add_paragraph(f"{{%p if {condition} %}}")


def _endif(doc: Document) -> None:
    doc.add_paragraph("{%p endif %}")


def _pair_row(table: Table, label: str, value: str) -> _Row:
    """A shaded label and its value, on one page (a value longer than a page still flows on: LibreOffice and
    Word break a row that cannot fit on any page)."""
    row = _add_row(table, label, value, fills=(LABEL_FILL, None), bold=(True,))
    _keep_row_together(row)
    return row


def _pairs(doc: Document) -> Table:
    """A two-column table of labels and values, as wide as the page."""
    return _table(doc, (4.6, 12.4))


def build_provider_pack() -> Document:
    """The pack a provider gets before the pupil starts, in plain English for their key worker. A section the
    commissioner keeps out of the pack (``shared.<section>`` false) is left out entirely, heading included."""
    doc = _new_document(
        "Provider information pack",
        "What an alternative provider needs to keep a pupil safe and taught",
        "Provider information pack",
    )
    intro = doc.add_paragraph()
    intro.add_run("For the staff at {{ provider.name }} who will teach and look after ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(
        ". Please read it before the first session, keep it somewhere secure and share it only with the staff "
        "who work with the pupil. From {{ commissioner.name }}: version {{ document.version }}, produced on "
        "{{ document.generated_on }}."
    ).italic = True

    # About the pupil -------------------------------------------------------------------------------
    _heading(doc, "About the pupil")
    about = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _label_value_rows(
        about,
        (
            ("Name", "{{ pupil.display_name }}", "Legal name", "{{ pupil.legal_name }}"),
            ("Date of birth", "{{ pupil.date_of_birth }}", "Year group", "{{ pupil.year_group }}"),
            ("School", "{{ pupil.school|or_dash }}", "In care (looked after)", "{{ pupil.looked_after|yes_no }}"),
            (
                "Placed with you by",
                "{{ commissioner.name }}",
                "Your contact for this placement",
                "{{ provider.contact_name|or_dash }}{% if provider.contact_role %}, {{ provider.contact_role }}"
                "{% endif %}",
            ),
            (
                "Starts",
                "{{ placement.actual_start or placement.planned_start }}",
                "Planned end",
                "{{ placement.planned_end|or_dash }}",
            ),
        ),
    )
    _keep_table_on_one_page(about)

    # How to keep them safe -------------------------------------------------------------------------
    _heading(doc, "How to keep the pupil safe")
    safe = _pairs(doc)
    _conditional_rows(
        safe,
        "shared.safeguarding_status",
        lambda table: _pair_row(table, "Safeguarding status", "{{ safeguarding.status }}"),
    )
    _pair_row(safe, "What we expect of you", "{{ safeguarding.expectations|or_dash }}")
    _keep_table_on_one_page(safe)
    _subheading(doc, "If you are worried about this pupil")
    danger = doc.add_paragraph()
    danger.add_run("If the pupil is in immediate danger, call 999. ").bold = True
    danger.add_run(
        "For any other worry, however small, tell our designated safeguarding lead (DSL), the person in charge "
        "of child protection, or their deputy, the same day."
    )
    danger.paragraph_format.keep_with_next = True
    worry = _pairs(doc)
    _pair_row(worry, "What to do", "{{ safeguarding.concern_procedure|or_dash }}")
    _spacer(doc).paragraph_format.keep_with_next = True
    dsl = _table(doc, (6.0, 6.2, 4.8))
    _column_headings(dsl, "Who to call", "Name", "Phone")
    for label, key in (("Designated safeguarding lead", "dsl"), ("Deputy designated safeguarding lead", "deputy_dsl")):
        _keep_row_together(
            _add_row(
                dsl,
                label,
                f"{{{{ safeguarding.{key}_name|or_dash }}}}",
                f"{{{{ safeguarding.{key}_phone|or_dash }}}}",
                fills=(LABEL_FILL,),
                bold=(True, False, True),
            )
        )
    _keep_table_on_one_page(dsl)
    _if(doc, "shared.risks")
    _subheading(doc, "Risks to be aware of")
    risks = _pairs(doc)
    _pair_row(risks, "Risks identified in the support plan", "{{ needs.risks|or_dash }}")
    _endif(doc)

    # Needs: each part only if shared, the heading only if one of them is -----------------------------
    _if(doc, "shared.sen or shared.literacy or shared.medical")
    _heading(doc, "The pupil's needs")
    needs = _pairs(doc)
    _conditional_rows(
        needs,
        "shared.sen",
        lambda table: _pair_row(table, "Special educational needs", "{{ needs.sen_status }}\n{{ needs.send_needs }}"),
    )
    _conditional_rows(
        needs, "shared.literacy", lambda table: _pair_row(table, "Reading and writing", "{{ needs.literacy|or_dash }}")
    )
    _conditional_rows(
        needs, "shared.medical", lambda table: _pair_row(table, "Medical needs", "{{ needs.medical_needs|or_dash }}")
    )
    _endif(doc)

    # Pairs read side by side, in one row: it stays on one page (a row taller than a page still flows on).
    for condition, heading, (left, left_field), (right, right_field) in (
        (
            "shared.what_works",
            "What works and what to avoid",
            ("What works", "needs.what_works"),
            ("What to avoid", "needs.what_to_avoid"),
        ),
        (
            "shared.behaviour",
            "Behaviour: what to expect and what helps",
            ("Behaviours that challenge", "needs.behaviours_that_challenge"),
            ("Strategies that have worked", "needs.strategies_that_worked"),
        ),
    ):
        _if(doc, condition)
        _heading(doc, heading)
        table = _table(doc, (8.5, 8.5))
        header = _column_headings(table, left, right)
        for cell in header.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        _keep_row_together(_add_row(table, f"{{{{ {left_field}|or_dash }}}}", f"{{{{ {right_field}|or_dash }}}}"))
        _endif(doc)

    _if(doc, "shared.interests")
    _heading(doc, "Strengths and interests")
    interests = _pairs(doc)
    _pair_row(interests, "What the pupil is good at and enjoys", "{{ needs.aptitudes_interests|or_dash }}")
    _endif(doc)

    _if(doc, "shared.fsm")
    _heading(doc, "Free school meals")
    doc.add_paragraph(
        "{% if fsm_eligible %}{{ pupil.display_name }} is eligible for free school meals: please agree with "
        "{{ commissioner.name }} how they get lunch on the days they are with you."
        "{% else %}{{ pupil.display_name }} is not eligible for free school meals.{% endif %}"
    )
    _endif(doc)

    # Objectives and timetable ---------------------------------------------------------------------
    _heading(doc, "What the pupil is working towards")
    doc.add_paragraph(
        "The objectives agreed in the pupil's support plan. Please keep notes of progress towards them: "
        "we will ask for them at each review."
    ).paragraph_format.keep_with_next = True
    _objectives_table(doc, "objectives", "Where the pupil is now", "How we will know")

    _heading(doc, "Timetable")
    _subheading(doc, "Sessions with you each week")
    sessions = _table(doc, (5.0, 4.0, 4.0, 4.0))
    _column_headings(sessions, "Day", "From", "To", "Hours")
    _loop_rows(
        sessions,
        "s in sessions",
        ("{{ s.day }}", "{{ s.starts_at }}", "{{ s.ends_at }}", "{{ s.hours }}"),
        NONE_RECORDED,
    )
    total = _add_row(
        sessions, "Hours a week with you", "", "", "{{ placement.hours_per_week }}", bold=(True, False, False, True)
    )
    _shade(_merged(total, 0, 2), LABEL_FILL)
    _keep_row_together(total)
    _subheading(doc, "Everything in the pupil's week, in every setting")
    interventions = _table(doc, (6.6, 4.8, 2.6, 3.0))
    _column_headings(interventions, "What", "Where", "Hours a week", "From")
    _loop_rows(
        interventions,
        "i in interventions",
        ("{{ i.intervention_type }}", "{{ i.delivered_by }}", "{{ i.hours_per_week }}", "{{ i.start_date }}"),
        NONE_RECORDED,
    )

    # Attendance, transport, emergency contacts, reviews -------------------------------------------
    _heading(doc, "Reporting attendance")
    attendance = _pairs(doc)
    _pair_row(
        attendance,
        "Twice a day",
        "Tell us every morning and every afternoon the pupil is due with you whether they are there.",
    )
    _pair_row(
        attendance,
        "If the pupil is absent",
        "Phone us the same day, as soon as you know, if the pupil has not arrived, leaves early or is away for "
        "any reason.",
    )
    _pair_row(
        attendance,
        "Who to tell",
        "{{ attendance.contact_name|or_dash }}\nPhone: {{ attendance.contact_phone|or_dash }}\n"
        "Email: {{ attendance.contact_email|or_dash }}",
    )
    _pair_row(
        attendance,
        "How we record it",
        "We record the pupil's attendance at your sessions with code {{ attendance.register_code }}: "
        "{{ attendance.register_code_meaning }}. Your reports are what keep our register right.",
    )
    _conditional_rows(
        attendance,
        "attendance.arrangements",
        lambda table: _pair_row(table, "Also agreed", "{{ attendance.arrangements }}"),
    )
    # How to report, whom to tell and how we record it are read together; what the plan adds (free
    # text, perhaps long) may start on the next page.
    for row in attendance.rows[:3]:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True

    _if(doc, "shared.transport")
    _heading(doc, "Transport")
    transport = _pairs(doc)
    _pair_row(transport, "Getting to and from you", "{{ transport|or_dash }}")
    _endif(doc)

    _heading(doc, "Emergency contacts")
    contacts = _table(doc, (6.0, 4.6, 6.4))
    _column_headings(contacts, "Name", "Relationship to the pupil", "Phone")
    _loop_rows(
        contacts,
        "e in emergency_contacts",
        ("{{ e.name }}", "{{ e.relationship }}", "{{ e.phone }}"),
        NONE_RECORDED,
    )
    _conditional_rows(
        contacts,
        "other_emergency_contacts",
        lambda table: _wide_row(table, "Other contacts", "{{ other_emergency_contacts }}"),
    )

    _heading(doc, "Review dates")
    doc.add_paragraph(
        "The placement is reviewed at least every half term. You will be invited: please bring your attendance "
        "records and notes on progress."
    ).paragraph_format.keep_with_next = True
    reviews = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _label_value_rows(
        reviews,
        (
            (
                "First review",
                "{{ reviews.first_review_date|or_dash }}",
                "Next review",
                "{{ reviews.next_review_date|or_dash }}",
            ),
        ),
    )
    _wide_row(
        reviews,
        "Reviews held so far",
        "{%p for r in reviews.held %}\n"
        "Review {{ r.number }}: {{ r.meeting_date }}\n"
        "{%p else %}\n"
        "None yet\n"
        "{%p endfor %}",
    )
    _keep_table_on_one_page(reviews)
    return doc


# -- the end-of-placement report ---------------------------------------------------------------------


def build_end_of_placement_report() -> Document:
    """What the placement achieved and where the pupil goes next, in plain English for the school, the parents
    and whoever teaches the pupil next (the end-of-placement report the Oxfordshire commissioning guidance asks for)."""
    doc = _new_document(
        "End-of-placement report",
        "What a pupil's alternative provision placement achieved, and where they go next",
        "End-of-placement report",
    )
    intro = doc.add_paragraph()
    intro.add_run("What the placement of ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(
        " at {{ provider.name }} achieved, and where they go next. From {{ commissioner.name }}: version "
        "{{ document.version }}, produced on {{ document.generated_on }}."
    ).italic = True
    _if(doc, "not end.recorded")
    doc.add_paragraph().add_run(
        "The end of this placement has not been recorded yet, so most of this report is still empty."
    ).bold = True
    _endif(doc)

    # About the pupil and the placement ------------------------------------------------------------
    _heading(doc, "About the pupil and the placement")
    about = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _pupil_rows(about)
    _label_value_rows(
        about,
        (
            ("School", "{{ pupil.school|or_dash }}", "Placed by", "{{ commissioner.name }}"),
            (
                "Alternative provider",
                "{{ provider.name }}",
                "Hours a week at the provider",
                "{{ placement.hours_per_week|or_dash }}",
            ),
            (
                "Started",
                "{{ (placement.actual_start or placement.planned_start)|or_dash }}",
                "Last day",
                "{{ end.ended_on|or_dash }}",
            ),
        ),
    )
    _wide_row(about, "Why it ended", "{{ end.reason|or_dash }}")
    _conditional_rows(
        about, "end.reason_detail", lambda table: _wide_row(table, "More detail", "{{ end.reason_detail }}")
    )
    _keep_table_on_one_page(about)

    # Attendance -----------------------------------------------------------------------------------
    _heading(doc, "Attendance")
    doc.add_paragraph("{{ attendance.summary }}.").paragraph_format.keep_with_next = True
    _if(doc, "attendance.chart_image")
    chart = doc.add_paragraph("{{ attendance.chart_image }}")
    chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.paragraph_format.keep_with_next = True
    caption = doc.add_paragraph()
    caption.add_run(
        "Each bar is one week's attendance, labelled with the date of its Monday. The red line is 90%: below it, "
        "attendance counts as persistent absence. A week with only a grey mark had no sessions the pupil could "
        "attend."
    ).italic = True
    caption.runs[0].font.size = Pt(8.5)
    _endif(doc)
    _if(doc, "attendance.percent")
    totals = _table(doc, (3.6, 4.9, 3.6, 4.9))
    _label_value_rows(
        totals,
        (
            ("Possible sessions", "{{ attendance.possible }}", "Sessions attended", "{{ attendance.present }}"),
            (
                "Authorised absence",
                "{{ attendance.authorised }} sessions",
                "Unauthorised absence",
                "{{ attendance.unauthorised }} sessions",
            ),
            (
                "Persistent absence (below 90%)",
                "{{ attendance.persistent|yes_no }}",
                "Severe absence (below 50%)",
                "{{ attendance.severe|yes_no }}",
            ),
        ),
    )
    _keep_table_on_one_page(totals)
    _endif(doc)
    _if(doc, "attendance.weeks")
    _subheading(doc, "Week by week")
    weeks = _table(doc, (5.0, 4.0, 4.0, 4.0))
    _column_headings(weeks, "Week beginning", "Possible sessions", "Sessions attended", "Attendance")
    _loop_rows(
        weeks,
        "w in attendance.weeks",
        ("{{ w.week_beginning }}", "{{ w.possible }}", "{{ w.present }}", "{{ w.percent or 'No sessions' }}"),
        NONE_RECORDED,
    )
    _endif(doc)

    # Progress against each objective --------------------------------------------------------------
    _heading(doc, "Progress against each objective")
    doc.add_paragraph(
        "Where the pupil started (the baseline in the support plan), the target, and where they are now."
    ).paragraph_format.keep_with_next = True
    progress = _table(doc, (4.0, 3.0, 2.9, 2.6, 4.5))
    _column_headings(progress, "Objective", "From (baseline)", "Target", "Progress", "Where they are now")
    _loop_rows(
        progress,
        "o in outcomes",
        ("{{ o.objective }}", "{{ o.baseline }}", "{{ o.target }}", "{{ o.rating }}", "{{ o.outcome|or_dash }}"),
        NONE_RECORDED,
    )

    # Accreditation ----------------------------------------------------------------------------------
    _heading(doc, "Accreditation")
    doc.add_paragraph("Qualifications and awards gained during the placement.").paragraph_format.keep_with_next = True
    accreditation = _pairs(doc)
    _pair_row(accreditation, "English", "{{ end.accreditation_english|or_dash }}")
    _pair_row(accreditation, "Maths", "{{ end.accreditation_maths|or_dash }}")
    _pair_row(accreditation, "Other", "{{ end.accreditation_other|or_dash }}")
    _keep_table_on_one_page(accreditation)

    # Behaviour, personal development and well-being ------------------------------------------------
    _heading(doc, "Behaviour, personal development and well-being")
    change = _pairs(doc)
    _pair_row(change, "Change in behaviour", "{{ end.behaviour_change|or_dash }}")
    _pair_row(change, "Personal development and well-being", "{{ end.personal_development|or_dash }}")

    # The pupil's own assessment: always on the report, a dash when not given -------------------------
    _heading(doc, "What the pupil thought of the placement")
    views = _table(doc, (17.0,))
    _answer_block(views, "In their own words", "{{ end.pupil_assessment|or_dash }}", height=1.2)

    # Next destination -------------------------------------------------------------------------------
    _heading(doc, "Where the pupil goes next")
    destination = _pairs(doc)
    _pair_row(destination, "Next destination", "{{ end.destination|or_dash }}")
    _pair_row(destination, "Details", "{{ end.destination_detail|or_dash }}")
    _keep_table_on_one_page(destination)
    return doc


TEMPLATES = {
    "support_plan.docx": build_support_plan,
    "review_record.docx": build_review_record,
    "provider_pack.docx": build_provider_pack,
    "end_of_placement_report.docx": build_end_of_placement_report,
}


#: Parts of python-docx's starting document that a template does not need: a blank-page thumbnail, and
#: Word 2010's duplicate of the style sheet (438 kB). Every render unzips, parses and re-zips every part,
#: and LibreOffice reads them again for every PDF, so they cost time on each document.
DROPPED_PARTS = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}


def reproducible_bytes(doc: Document) -> bytes:
    """The DOCX's bytes with fixed zip timestamps, so the same source always gives the same file.

    Also slims it: python-docx starts from a document whose style sheet defines every built-in Word style
    (350 kB of XML for the dozen this template uses). Only the styles in use are kept (:func:`_used_styles`).
    """
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        used = _style_references(source)
        for info in source.infolist():
            if info.filename in DROPPED_PARTS:
                continue
            data = source.read(info.filename)
            if info.filename == "_rels/.rels" or info.filename == "word/_rels/document.xml.rels":
                data = _drop_rels(data)
            if info.filename == "[Content_Types].xml":
                data = _drop_content_types(data)
            if info.filename == "word/styles.xml":
                data = _used_styles(data, used)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_rels(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for rel in list(root):
        if any(rel.get("Target", "").endswith(part.rsplit("/", 1)[-1]) for part in DROPPED_PARTS):
            root.remove(rel)
    return _xml(root)


def _drop_content_types(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for entry in list(root):
        if entry.get("Extension") == "jpeg" or entry.get("PartName", "").lstrip("/") in DROPPED_PARTS:
            root.remove(entry)
    return _xml(root)


_STYLE_REFERENCE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"')


def _style_references(archive: zipfile.ZipFile) -> set[str]:
    """Style ids the document's parts (body, headers, footers, numbering) refer to."""
    used: set[str] = set()
    for name in archive.namelist():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            used |= {match.decode() for match in _STYLE_REFERENCE.findall(archive.read(name))}
    return used


def _used_styles(data: bytes, used: set[str]) -> bytes:
    """The style sheet with only the styles in use, the defaults, and the styles those are based on."""
    root = etree.fromstring(data)
    styles = {style.get(qn("w:styleId")): style for style in root.findall(qn("w:style"))}
    keep = set(used) | {sid for sid, style in styles.items() if style.get(qn("w:default")) == "1"}
    pending = list(keep)
    while pending:
        style = styles.get(pending.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = style.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in keep:
                keep.add(ref.get(qn("w:val")))
                pending.append(ref.get(qn("w:val")))
    for sid, style in styles.items():
        if sid not in keep:
            root.remove(style)
    for latent in root.findall(qn("w:latentStyles")):
        root.remove(latent)  # describes Word's built-in styles; Word falls back to its own list without it
    return _xml(root)


def build(out_dir: Path = HERE) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in TEMPLATES.items():
        path = out_dir / name
        path.write_bytes(reproducible_bytes(builder()))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write the templates into")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
