"""The look every default Word template shares, and the pieces they are built from.

An A4 local-authority form in Arial (LibreOffice renders it with the metrically identical Liberation Sans),
bordered tables with shaded label cells, "OFFICIAL-SENSITIVE" at the top and bottom of every page, and "Page X of Y"
with the document's version in the footer. Each kind's builder (``templates_docx/<kind>.py``) puts its sections
together from these; ``package.py`` turns the document into reproducible bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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


def shade(cell: _Cell, fill: str) -> None:
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


def min_height(row: _Row, height: Cm) -> None:
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


def keep_row_together(row: _Row) -> None:
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


def new_table(doc: Document, widths: Sequence[float], rows: int = 0) -> Table:
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


def add_row(table: Table, *cells: str, fills: Sequence[str | None] = (), bold: Sequence[bool] = ()) -> _Row:
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        cell.width = table._widths[i]  # type: ignore[attr-defined]
        _write(cell, text, bold=bold[i] if i < len(bold) else False)
        fill = fills[i] if i < len(fills) else None
        if fill:
            shade(cell, fill)
    return row


NOT_SHARED = "Not shared with the provider"


def if_shared(section: str, value: str) -> str:
    """A plan field the commissioner may keep from the provider along with its pack section: says so when kept out."""
    return f"{{% if shared.{section} %}}{value}{{% else %}}{NOT_SHARED}{{% endif %}}"


def label_value_rows(table: Table, pairs: Sequence[tuple[str, str, str, str]]) -> None:
    """Rows of label | value | label | value, labels shaded, as on Appendix A; short, so never split by a page."""
    for label1, value1, label2, value2 in pairs:
        row = add_row(
            table, label1, value1, label2, value2, fills=(LABEL_FILL, None, LABEL_FILL, None), bold=(True, False, True)
        )
        keep_row_together(row)


def merge_cells(row: _Row, first: int, last: int) -> _Cell:
    return row.cells[first].merge(row.cells[last])


def heading(doc: Document, text: str) -> Paragraph:
    paragraph = doc.add_paragraph(text, style="Heading 1")
    return paragraph


def subheading(doc: Document, text: str) -> Paragraph:
    return doc.add_paragraph(text, style="Heading 2")


def loop_rows(table: Table, loop: str, cells: Sequence[str], empty: str) -> None:
    """A docxtpl row loop: {%tr for %} row, the repeated row, {%tr else %} row, an "empty" row, {%tr endfor %}."""
    n = len(cells)
    merge_cells(add_row(table, *([f"{{%tr for {loop} %}}"] + [""] * (n - 1))), 0, n - 1)
    keep_row_together(add_row(table, *cells))
    merge_cells(add_row(table, *(["{%tr else %}"] + [""] * (n - 1))), 0, n - 1)
    empty_row = add_row(table, *([empty] + [""] * (n - 1)))
    merged = merge_cells(empty_row, 0, n - 1)
    for run in merged.paragraphs[0].runs:
        run.italic = True
    merge_cells(add_row(table, *(["{%tr endfor %}"] + [""] * (n - 1))), 0, n - 1)


def column_headings(table: Table, *headings: str) -> _Row:
    row = add_row(table, *headings, fills=[HEADER_FILL] * len(headings), bold=[True] * len(headings))
    _repeat_as_header(row)
    return row


def answer_block(table: Table, label: str, value: str, height: float = 1.6) -> None:
    """A shaded question row across the table, then the answer row below it (room to write by hand)."""
    n = len(table.columns)
    question = add_row(table, *([label] + [""] * (n - 1)), fills=[LABEL_FILL] * n, bold=(True,))
    merged = merge_cells(question, 0, n - 1)
    for hint in merged.paragraphs[1:]:  # lines after the question are prompts, as on Appendix A
        for run in hint.runs:
            run.bold, run.italic = False, True
    question._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    keep = question.cells[0].paragraphs[0].paragraph_format
    keep.keep_with_next = True
    answer = add_row(table, *([value] + [""] * (n - 1)))
    merge_cells(answer, 0, n - 1)
    min_height(answer, Cm(height))


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


def new_document(title: str, subject: str, footer_label: str) -> Document:
    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page(doc, footer_label)
    _properties(doc, title, subject)
    # python-docx's blank document starts with no paragraphs; the first one we add is the title.
    doc.add_paragraph(title, style="Title")
    return doc


def label_cell(cell: _Cell) -> None:
    """Shade a cell as a label and make its text bold."""
    shade(cell, LABEL_FILL)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True


def wide_row(table: Table, label: str, value: str, *, height: float | None = None) -> _Row:
    """A label in the first column and a value across every other column."""
    n = len(table.columns)
    row = add_row(table, label, value, *([""] * (n - 2)))
    label_cell(row.cells[0])
    merge_cells(row, 1, n - 1)
    if height:
        min_height(row, Cm(height))
    keep_row_together(row)
    return row


def conditional_rows(table: Table, condition: str, build: object) -> None:
    """Rows shown only when ``condition`` holds: {%tr if %} row, the rows ``build(table)`` adds, {%tr endif %}."""
    n = len(table.columns)
    merge_cells(add_row(table, *([f"{{%tr if {condition} %}}"] + [""] * (n - 1))), 0, n - 1)
    build(table)  # type: ignore[operator]
    merge_cells(add_row(table, *(["{%tr endif %}"] + [""] * (n - 1))), 0, n - 1)


def keep_table_on_one_page(table: Table, *, with_next: bool = False) -> None:
    """Keep every row but the last with the next one, so a short table is never split across pages; with
    ``with_next``, the last row too, so the table stays on the page of what follows it."""
    for row in table.rows if with_next else table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def pupil_rows(table: Table) -> None:
    label_value_rows(
        table,
        (
            ("Name", "{{ pupil.display_name }}", "Legal name", "{{ pupil.legal_name }}"),
            ("Date of birth", "{{ pupil.date_of_birth }}", "Year group", "{{ pupil.year_group }}"),
        ),
    )


def spacer(doc: Document) -> Paragraph:
    """A small empty paragraph between two tables (Word joins tables that touch into one)."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(6)
    return paragraph


NONE_RECORDED = "None recorded"


def objectives_table(doc: Document, source: str, baseline: str, measure: str) -> Table:
    """The objectives, one row each: the plan's and the pack's tables are the same but for two headings."""
    objectives = new_table(doc, (2.1, 3.8, 3.0, 2.9, 2.6, 2.6))
    column_headings(objectives, "Area", "Objective", baseline, "Target", measure, "By")
    cells = (
        "{{ o.area }}",
        "{{ o.objective }}",
        "{{ o.baseline }}",
        "{{ o.target }}",
        "{{ o.measure }}",
        "{{ o.due_by }}",
    )
    loop_rows(objectives, f"o in {source}", cells, NONE_RECORDED)
    return objectives


def begin_if(doc: Document, condition: str) -> None:
    """Start a part of the document shown only when ``condition`` holds (docxtpl removes the paragraph)."""
    doc.add_paragraph(f"{{%p if {condition} %}}")


def end_if(doc: Document) -> None:
    doc.add_paragraph("{%p endif %}")


def pair_row(table: Table, label: str, value: str) -> _Row:
    """A shaded label and its value, on one page (a value longer than a page still flows on: LibreOffice and
    Word break a row that cannot fit on any page)."""
    row = add_row(table, label, value, fills=(LABEL_FILL, None), bold=(True,))
    keep_row_together(row)
    return row


def pairs_table(doc: Document) -> Table:
    """A two-column table of labels and values, as wide as the page."""
    return new_table(doc, (4.6, 12.4))


def week_tables(doc: Document, *, with_detail: bool) -> None:
    """The pupil's whole week in every setting, and whether it is full time judged day by day (``week``): the
    support plan and the provider pack print the same table; only the plan prints the reason's detail."""
    subheading(doc, "The pupil's week in every setting")
    timetable = new_table(doc, (4.0, 3.0, 3.0, 2.5, 4.5))
    column_headings(timetable, "Day", "From", "To", "Hours", "Where")
    loop_rows(
        timetable,
        "s in week.timetable",
        ("{{ s.day }}", "{{ s.starts_at }}", "{{ s.ends_at }}", "{{ s.hours }}", "{{ s.where }}"),
        NONE_RECORDED,
    )
    spacer(doc)
    judged = new_table(doc, (5.5, 11.5))
    wide_row(
        judged,
        "Full time, day by day?",
        "{{ week.full_time|yes_no }}. Full time covers {{ week.school_day }} on every school day, across all settings.",
    )

    def shorter(table: Table) -> None:
        wide_row(table, "Not covered", "{{ week.not_covered }}")
        wide_row(table, "Why", "{{ week.reason }}")
        if with_detail:
            wide_row(table, "Detail", "{{ week.reason_detail }}")
        wide_row(table, "Parents consulted about the rest of the day", "{{ week.parents_consulted }}")

    conditional_rows(judged, "not week.full_time", shorter)
    conditional_rows(
        judged,
        "week.hours_difference_reason",
        lambda table: wide_row(
            table, "Why the interventions' hours differ from the timetable", "{{ week.hours_difference_reason }}"
        ),
    )
