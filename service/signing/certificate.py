"""The certificate of completion: the page after the signed plan that says who signed, how each of them was
identified, from where, when they viewed and signed it, and the SHA-256 of exactly what they saw.

Why it is added in code and not in the Word template: an organisation may replace its templates, and the
evidence of a signature must not depend on a template keeping a section. The page is appended to the
rendered DOCX before it becomes a PDF, so the plan and its certificate are one PDF/A, sealed together.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from service.documents.engine.rendering import clean_text

TITLE = "Certificate of completion"
LABEL_FILL = "EDEFF2"


def append_certificate(docx_bytes: bytes, certificate: Mapping[str, Any]) -> bytes:
    """The DOCX with the certificate page added at its end."""
    document = docx.Document(io.BytesIO(docx_bytes))
    heading = document.add_paragraph()
    heading.paragraph_format.page_break_before = True  # a page of its own, whatever the plan ends with
    run = heading.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(16)
    document.add_paragraph(
        "Everyone asked to sign this plan signed it. This page records how each of them was identified and "
        "when. The PDF is sealed by apdocs: any change to it after sealing shows in a PDF reader, and "
        "apdocs verify (or the verify page) says whether it is unchanged."
    )
    facts = document.add_table(rows=0, cols=2)
    _grid(facts)
    for label, value in (
        ("Document signed", certificate.get("document_title", "")),
        ("SHA-256 of the PDF the signers saw", certificate.get("document_sha256", "")),
        ("Signatures asked for", certificate.get("requested_on", "")),
        ("Last signature", certificate.get("completed_on", "")),
    ):
        _row(facts, label, str(value))
    for number, signer in enumerate(certificate.get("signers", []), start=1):
        title = document.add_paragraph()
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.space_before = Pt(10)
        title_run = title.add_run(f"Signer {number}: {clean_text(str(signer.get('name', '')))}")
        title_run.bold = True
        table = document.add_table(rows=0, cols=2)
        _grid(table)
        for label, key in (
            ("Role", "role"),
            ("Identified by", "identified_by"),
            ("Viewed", "viewed_at"),
            ("Signed", "signed_at"),
            ("IP address", "ip_address"),
            ("Device", "device"),
        ):
            _row(table, label, str(signer.get(key, "")))
        cell = _row(table, "Signature", "", last=True)
        image = signer.get("signature_image") or ""
        paragraph = cell.paragraphs[0]
        if image:
            paragraph.add_run().add_picture(io.BytesIO(base64.b64decode(image)), height=Cm(1.5))
        else:
            typed = paragraph.add_run(clean_text(str(signer.get("typed_signature", ""))) + " (typed)")
            typed.italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _grid(table: Table) -> None:
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:color"), "6E6E6E")
        borders.append(line)
    table._tbl.tblPr.append(borders)  # noqa: SLF001 - python-docx has no API for table borders


def _row(table: Table, label: str, value: str, *, last: bool = False):  # type: ignore[no-untyped-def]
    """A label and its value; every row but a table's last keeps with the next, so a signer's table stays
    on one page with its title."""
    cells = table.add_row().cells
    cells[0].width, cells[1].width = Cm(5), Cm(12)
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:fill"), LABEL_FILL)
    cells[0]._tc.get_or_add_tcPr().append(shade)  # noqa: SLF001
    cells[0].paragraphs[0].add_run(label).bold = True
    text = clean_text(value)
    if text:
        cells[1].paragraphs[0].add_run(text.replace("\a", "\n"))
    keep = OxmlElement("w:cantSplit")
    table.rows[-1]._tr.get_or_add_trPr().append(keep)  # noqa: SLF001
    if not last:
        for cell in cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    return cells[1]
