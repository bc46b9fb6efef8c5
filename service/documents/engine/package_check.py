"""What in a Word package could reach outside it when the document is opened or converted, found before it is.

A .docx is a zip of XML parts and of ``.rels`` files that say which part points at what. Some of those pointers
fetch something when the document is opened, printed or has its fields updated: a file on the server, a share on
the network (which hands over the server's Windows credentials), a web address (which learns that, when and
where the document was opened). LibreOffice converts every document on the server, with access to its files and
network, so nothing in a template may point outside it:

* a relationship with ``TargetMode="External"`` (a linked file, frame, OLE object, sub-document ...), except a
  plain hyperlink to an ``http:``, ``https:`` or ``mailto:`` address: a hyperlink is only followed when a reader
  clicks it in their own viewer, never when the document is made, and letterheads carry the organisation's
  website and email address;
* a linked picture (``r:link`` on a picture, or a picture relationship to an outside target);
* a field that fetches (``INCLUDETEXT``, ``INCLUDEPICTURE``, ``INCLUDE``, ``LINK``, ``DDE``, ``DDEAUTO``,
  ``IMPORT``, ``DATABASE``), in a complex field (``w:instrText``, which Word may split over several runs) or a
  simple one (``w:fldSimple/@w:instr``); and a template tag inside any field's code, since data filled in there
  could make it such a field;
* an imported chunk (``w:altChunk`` and its ``aFChunk`` relationship: another document, HTML or RTF, that the
  program opening the file converts and pastes in);
* an attached template (``w:attachedTemplate`` or its relationship: a .dotm whose macros and styles Word loads).

:func:`package_problems` is run on every uploaded template (``upload_check.check_template``) and, in the render
worker, on every filled-in document before LibreOffice sees it: a template can build XML the upload never saw
(``{% set %}`` blocks hold raw XML), and this second look catches whatever it built.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Transitional and strict OOXML name the relationships namespace differently.
R_NAMESPACES = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}",
)

#: Field keywords that make Word or LibreOffice fetch content from outside the document.
FETCHING_FIELDS = frozenset(
    {"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT", "DATABASE"}
)
#: The only outside targets allowed, and only for hyperlinks.
HYPERLINK_SCHEMES = ("http:", "https:", "mailto:")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
# A part needs parsing only if one of these appears in it (a fast test before the parser).
_MARKERS = (b"instrText", b"fldSimple", b"altChunk", b"attachedTemplate", b"link=")
_TAG = re.compile(r"\{[{%#]|[}%#]\}")


@dataclass(frozen=True)
class PackageProblem:
    message: str
    location: str


def part_label(name: str) -> str:
    """How a person knows the part ``word/header1.xml`` is in: "the page header (word/header1.xml)"."""
    base = posixpath.basename(name).lower()
    for key, label in (
        ("document.xml", "the main text"),
        ("header", "the page header"),
        ("footer", "the page footer"),
        ("footnotes", "the footnotes"),
        ("endnotes", "the endnotes"),
        ("comments", "the comments"),
        ("settings", "the document settings"),
        ("styles", "the styles"),
        ("numbering", "the list numbering"),
    ):
        if key in base:
            return f"{label} ({name})"
    return name


def _excerpt(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Relationship:
    rid: str
    kind: str  # the last segment of its type: hyperlink, image, aFChunk, attachedTemplate ...
    target: str
    external: bool


def _source_of(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` -> ``word/document.xml`` (``_rels/.rels`` -> the package itself)."""
    folder, base = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, base.removesuffix(".rels"))


def _relationships(archive: zipfile.ZipFile, name: str) -> list[_Relationship]:
    try:
        root = etree.fromstring(archive.read(name), _PARSER)
    except etree.XMLSyntaxError:
        return []
    found = []
    for rel in root.iter(f"{PACKAGE_RELS}Relationship"):
        found.append(
            _Relationship(
                rid=rel.get("Id", ""),
                kind=rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1],
                target=rel.get("Target", ""),
                external=rel.get("TargetMode", "").lower() == "external",
            )
        )
    return found


def _r(element: etree._Element, attribute: str) -> str | None:
    for namespace in R_NAMESPACES:
        value = element.get(f"{namespace}{attribute}")
        if value is not None:
            return value
    return None


def package_problems(data: bytes) -> list[PackageProblem]:
    """Everything in the .docx ``data`` that would reach outside it (see the module's docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return []  # not a package: the archive check says so
    problems: list[PackageProblem] = []
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        rels = {_source_of(n): _relationships(archive, n) for n in names if n.endswith(".rels")}
        reported: set[tuple[str, str]] = set()  # (part, relationship id) already named by an element
        for name in names:
            if name.endswith(".xml") and name.startswith("word/"):
                raw = archive.read(name)
                if any(marker in raw for marker in _MARKERS):
                    by_id = {rel.rid: rel for rel in rels.get(name, [])}
                    problems += _part_problems(name, raw, by_id, reported)
        for source, relationships in rels.items():
            rels_name = posixpath.join(posixpath.dirname(source), "_rels", posixpath.basename(source) + ".rels")
            for rel in relationships:
                if (source, rel.rid) not in reported:
                    problem = _relationship_problem(rel, rels_name)
                    if problem:
                        problems.append(problem)
    return list(dict.fromkeys(problems))


def _relationship_problem(rel: _Relationship, rels_name: str) -> PackageProblem | None:
    where = part_label(rels_name)
    target = f"“{_excerpt(rel.target)}”"
    if rel.kind == "aFChunk":
        return PackageProblem(_chunk_message(target), where)
    if rel.kind == "attachedTemplate":
        return PackageProblem(_attached_message(target), where)
    if not rel.external:
        return None
    if rel.kind == "hyperlink":
        if rel.target.strip().lower().startswith(HYPERLINK_SCHEMES):
            return None
        return PackageProblem(
            f"a hyperlink goes to {target}: only web (http:, https:) and email (mailto:) links can be used; "
            "remove the link to the file",
            where,
        )
    if rel.kind == "image":
        return PackageProblem(_picture_message(target), where)
    return PackageProblem(
        f"the template points to something outside it ({rel.kind}: {target}), which would be fetched when the "
        "document is opened: remove the linked file or object (in Word, File > Info > Edit Links to Files > "
        "Break Link)",
        where,
    )


def _picture_message(target: str) -> str:
    return (
        f"a picture is linked to a file outside the template ({target}) instead of being part of it: delete it "
        "and insert the picture again with Insert > Pictures (not “Link to File”)"
    )


def _chunk_message(target: str) -> str:
    return (
        f"the template imports another document into itself ({target}, an “altChunk”), which would be "
        "converted on the server: paste its contents in as ordinary text instead"
    )


def _attached_message(target: str) -> str:
    return (
        f"the template is attached to another Word template ({target}), whose macros and styles Word would "
        "load: attach the Normal template instead (Developer > Document Template), or save the document again "
        "as a new .docx"
    )


def _part_problems(
    name: str, raw: bytes, rels: dict[str, _Relationship], reported: set[tuple[str, str]]
) -> list[PackageProblem]:
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError:
        return []  # a damaged part: the archive check and docxtpl report it
    where = part_label(name)
    problems: list[PackageProblem] = []

    def target_of(rid: str | None) -> str:
        rel = rels.get(rid or "")
        if rel is None:
            return f"relationship {rid}" if rid else "no target"
        reported.add((name, rel.rid))
        return f"“{_excerpt(rel.target)}”"

    for code in _field_codes(root):
        problem = _field_problem(code)
        if problem:
            problems.append(PackageProblem(problem, where))
    for element in root.iter(f"{W}altChunk"):
        problems.append(PackageProblem(_chunk_message(target_of(_r(element, "id"))), where))
    for element in root.iter(f"{W}attachedTemplate"):
        problems.append(PackageProblem(_attached_message(target_of(_r(element, "id"))), where))
    for element in root.iter(f"{A}blip"):
        link = _r(element, "link")
        if link is not None:
            problems.append(PackageProblem(_picture_message(target_of(link)), where))
    return problems


def _field_codes(root: etree._Element) -> list[str]:
    """The code of every field in a part, in order: complex fields (their ``instrText`` runs joined, from
    ``begin`` to ``separate`` or ``end``; nested fields each on their own) and simple fields."""
    codes: list[str] = []
    open_fields: list[list[str] | None] = []  # None once a field's code is complete
    for element in root.iter(f"{W}fldChar", f"{W}instrText", f"{W}fldSimple"):
        if element.tag == f"{W}fldSimple":
            codes.append(element.get(f"{W}instr", ""))
        elif element.tag == f"{W}instrText":
            if open_fields and open_fields[-1] is not None:
                open_fields[-1].append(element.text or "")
            else:
                codes.append(element.text or "")  # instructions outside a begin/end pair: check them alone
        else:
            kind = element.get(f"{W}fldCharType")
            if kind == "begin":
                open_fields.append([])
            elif kind in ("separate", "end") and open_fields:
                pieces = open_fields[-1] if kind == "separate" else open_fields.pop()
                if pieces is not None:
                    codes.append("".join(pieces))
                if kind == "separate":
                    open_fields[-1] = None
    codes += ["".join(pieces) for pieces in open_fields if pieces is not None]
    return codes


def _field_problem(code: str) -> str | None:
    shown = f"{{ {_excerpt(code.strip(), 80)} }}"
    if _TAG.search(code):
        return (
            f"the Word field {shown} has a template tag inside its code: a field's code cannot be filled in, "
            "as what is filled in could make it fetch a file; put the tag in the text around the field"
        )
    keyword = re.match(r"\s*([A-Za-z]+)", code)
    if keyword and keyword.group(1).upper() in FETCHING_FIELDS:
        word = keyword.group(1).upper()
        return (
            f"the Word field {shown} ({word}) fetches content from outside the template when it is updated: "
            "delete the field (Alt+F9 shows fields' codes in Word) and put the content in the template itself"
        )
    return None
