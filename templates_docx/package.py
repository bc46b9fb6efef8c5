"""A built template as bytes: the same source always gives the same file, slimmed of what a template does not
need (a changed template shows up as a changed checksum; every render and conversion reads less)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)

#: Parts of python-docx's starting document that a template does not need: a blank-page thumbnail, and
#: Word 2010's duplicate of the style sheet (438 kB). Every render unzips, parses and re-zips every part,
#: and LibreOffice reads them again for every PDF, so they cost time on each document.
DROPPED_PARTS = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}


def reproducible_bytes(doc: DocxDocument) -> bytes:
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
