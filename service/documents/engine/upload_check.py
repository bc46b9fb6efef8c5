"""The upload check: everything wrong with an uploaded Word template, found before it is ever used.

An organisation's template is refused with every problem a person can fix named, each with its exact tag and
where it is: a file that is not a Word document or unpacks to far too much, anything in the package that
reaches outside it (``package_check``), a tag Word broke or a block left open, a field the kind's schema does
not declare (``field_check``), and, when all that is good, a trial render with hostile example data in every
field (``sample_context``). The whole check runs in a render worker under the render limits
(:func:`check_template`); :func:`check_template_here` is what the worker runs.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from lxml import etree

from service.documents.engine.field_check import FieldChecker, Tag, normal
from service.documents.engine.package_check import package_problems
from service.documents.engine.render_pool import shared_pool
from service.documents.engine.rendering import (
    NOT_DOCX,
    Renderer,
    RenderError,
    RenderLimitExceeded,
    TemplateProblem,
    W,
    excerpt,
    jinja_env,
    out_of_memory,
    trial_limit_problem,
)
from service.documents.engine.sample_context import sample_context
from service.documents.engine.schema import Schema

#: Largest template file accepted (bytes).
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
#: Limit on the unpacked size of an uploaded template (a "zip bomb" is small until opened).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
_PARSER = jinja_env()  # for parsing single tags; parsing never touches a context
_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_TAG_START = re.compile(r"\{[{%#]")
_STRAY_CLOSER = re.compile(r"[}%#]\}")
_DOCXTPL_PREFIX = re.compile(r"^(?:tr|tc|p|r)(?=\s)")
_DOCXTPL_ONLY = {"colspan", "cellbg", "vm", "hm"}
_SMART = {"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"}
_BLOCKS = {"if", "for", "with", "macro", "call", "filter", "block", "raw", "autoescape", "set"}
_MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}
_NOT_ALLOWED = {"include", "import", "from", "extends", "autoescape"}


def check_template(data: bytes, schema: Schema, *, renderer: Renderer | None = None) -> list[TemplateProblem]:
    """Every problem with an uploaded template for a kind with ``schema``; an empty list means it is good to use.

    The whole check (:func:`check_template_here`) runs in a render worker (``renderer``, the process's render
    pool by default), under the limits of processor time, memory, time and size that hold every render: reading
    an uploaded file is already running someone else's content, and the web process never does it.
    """
    if renderer is None:
        renderer = shared_pool()
    return renderer.check(data, schema)


def check_template_here(
    data: bytes, schema: Schema, render: Callable[[bytes, Mapping[str, Any]], bytes]
) -> list[TemplateProblem]:
    """The upload check itself, in this process (the render worker calls it; use :func:`check_template`).

    First what can be seen without running the template: the file, anything in the package that reaches
    outside it (``package_check``), every tag and every field against the schema. Then, if all that is good, a
    trial render: ``render`` fills the template in once with a full, hostile example context
    (``sample_context``). A template that fails, or goes over a limit, is refused with the reason.
    """
    if len(data) > MAX_TEMPLATE_BYTES:
        size = len(data) / (1024 * 1024)
        return [TemplateProblem(f"The file is {size:.1f} MB; a template can be at most 5 MB")]
    problem = _archive_problem(data)
    if problem:
        return [problem]
    try:
        doc = DocxTemplate(io.BytesIO(data))
        doc.init_docx()
        parts = list(_parts(doc))
    except Exception as error:  # python-docx rejects many kinds of broken package
        if out_of_memory(error):
            raise MemoryError from error
        return [TemplateProblem(f"{NOT_DOCX}: Word's document inside it cannot be read")]
    env = jinja_env()
    problems = [TemplateProblem(found.message, "", found.location) for found in package_problems(data)]
    for label, xml, paragraphs in parts:
        tags, broken = _scan(paragraphs, label)
        broken += _structure_problems(tags, label)
        if broken:
            problems += broken
            continue  # one broken tag makes the parser's later complaints about this part noise
        source = doc.patch_xml(xml) if xml is not None else "\n".join(paragraphs)
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as error:
            problems.append(_parse_problem(error, source, tags, label))
            continue
        problems += FieldChecker(schema, env, tags, source.split("\n"), label).check(tree)
    if problems:
        return _unique(problems)
    return _trial_render_problems(data, schema, render)


def _trial_render_problems(
    data: bytes, schema: Schema, render: Callable[[bytes, Mapping[str, Any]], bytes]
) -> list[TemplateProblem]:
    """Fill the template in with example data in every field; say why if it fails. (Going over the limits of
    processor time or memory stops the whole check: the render pool reports it with :func:`trial_limit_problem`.)"""
    try:
        render(data, sample_context(schema))
    except RenderLimitExceeded as error:
        return [trial_limit_problem(error)]
    except RenderError as error:
        reason = error.message[:1].lower() + error.message[1:]
        return [TemplateProblem(f"The template failed when filled in with example data: {reason}")]
    return []


def _archive_problem(data: bytes) -> TemplateProblem | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                return TemplateProblem(f"{NOT_DOCX}: it is a zip file without a Word document inside")
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES or len(infos) > 2000:
                return TemplateProblem("The file unpacks to far more than a template needs; save it again from Word")
            with archive.open("word/document.xml") as handle:
                etree.parse(handle, etree.XMLParser(resolve_entities=False, no_network=True))
    except (zipfile.BadZipFile, ValueError, EOFError, RuntimeError):
        kind = " (it is a PDF)" if data[:5] == b"%PDF-" else ""
        return TemplateProblem(f"{NOT_DOCX}{kind}")
    except etree.XMLSyntaxError as error:
        if out_of_memory(error):
            raise MemoryError from error
        return TemplateProblem(f"{NOT_DOCX}: its document is damaged")
    return None


def _parts(doc: DocxTemplate) -> Iterator[tuple[str, str | None, list[str]]]:
    """(label, docxtpl-ready XML, texts of paragraphs as Word shows them) for each part docxtpl renders."""
    body = doc.docx._element.body
    yield "the main text", doc.get_xml(), _paragraph_texts(body)
    for label, uri in (("the page header", doc.HEADER_URI), ("the page footer", doc.FOOTER_URI)):
        for _key, part in doc.get_headers_footers(uri):
            element = etree.fromstring(part.blob)
            yield label, doc.xml_to_string(element), _paragraph_texts(element)
    for part in doc.docx.part.package.parts:
        if part.content_type.endswith("wordprocessingml.footnotes+xml"):
            element = etree.fromstring(part.blob)
            yield "the footnotes", doc.xml_to_string(element), _paragraph_texts(element)
    props = doc.docx.core_properties
    names = ("author", "comments", "identifier", "language", "subject", "title")  # what docxtpl renders
    texts = [getattr(props, name) or "" for name in names]
    yield "the document properties (File > Info)", None, [t for t in texts if t]


def _paragraph_texts(root: Any) -> list[str]:
    texts = []
    for paragraph in root.iter(f"{W}p"):
        pieces = [t.text or "" for t in paragraph.iter(f"{W}t") if next(t.iterancestors(f"{W}p")) is paragraph]
        texts.append("".join(pieces))
    return texts


def _scan(paragraphs: list[str], part: str) -> tuple[list[Tag], list[TemplateProblem]]:
    """Find the tags in each paragraph as Word shows it; report unclosed tags, stray closers, smart quotes."""
    tags: list[Tag] = []
    problems: list[TemplateProblem] = []
    for paragraph in paragraphs:
        where = f"{part}, in “{excerpt(paragraph)}”"
        pos = 0
        covered: list[tuple[int, int]] = []
        while (start := _TAG_START.search(paragraph, pos)) is not None:
            opener = start.group()
            closer = _OPENERS[opener]
            end = paragraph.find(closer, start.end())
            following = _TAG_START.search(paragraph, start.end())
            if end < 0 or (following is not None and following.start() < end):
                stop = following.start() if following is not None else len(paragraph)
                text = paragraph[start.start() : stop].rstrip()
                problems.append(
                    TemplateProblem(
                        f"this tag is not closed: it needs {closer} at its end, typed in one go with the rest",
                        excerpt(text, 80),
                        where,
                    )
                )
                covered.append((start.start(), stop))
                pos = stop
                continue
            text = paragraph[start.start() : end + 2]
            covered.append((start.start(), end + 2))
            pos = end + 2
            tag = _make_tag(text, opener, paragraph, part)
            smart = sorted({c for c in text if c in _SMART or c in "–—"}, key=text.index)
            if smart:
                problems.append(
                    TemplateProblem(
                        f"Word has changed characters in this tag ({' '.join(smart)}): type straight quotes "
                        "' and \" and plain hyphens (turn off AutoCorrect's smart quotes)",
                        text,
                        where,
                    )
                )
                tag.body = "".join(_SMART.get(c, "-" if c in "–—" else c) for c in tag.body)
            tags.append(tag)
        for stray in _STRAY_CLOSER.finditer(paragraph):
            if not any(a <= stray.start() < b for a, b in covered):
                around = paragraph[max(0, stray.start() - 40) : stray.end()].strip()
                problems.append(
                    TemplateProblem(
                        f"{stray.group()} closes a tag that was never opened: is a brace missing at the start?",
                        excerpt(around, 80),
                        where,
                    )
                )
    flagged = {p.tag for p in problems}
    for tag in tags:
        error = _tag_error(tag)
        if error and tag.text not in flagged:
            problems.append(TemplateProblem(f"this tag cannot be read: {error}", tag.text, tag.location))
    return tags, problems


def _tag_error(tag: Tag) -> str | None:
    """Jinja's complaint about this one tag, parsed alone (a block tag with a matching end), if any."""
    if tag.kind == "{#":
        return None
    if tag.kind == "{{":
        source = "{{" + tag.body + "}}"
    else:
        word = _keyword(tag)
        if word in _DOCXTPL_ONLY or word in _NOT_ALLOWED or word.startswith("end") or not word:
            return None  # docxtpl's own tags; the structure check reports the rest
        if word in _MIDDLES:
            source = "{% if true %}{% for _ in () %}{%" + tag.body + "%}{% endfor %}{% endif %}"
            if word == "elif":
                source = "{% if true %}{%" + tag.body + "%}{% endif %}"
        elif word in _BLOCKS and not (word == "set" and "=" in tag.body):
            source = "{%" + tag.body + "%}{% end" + word + " %}"
        else:
            source = "{%" + tag.body + "%}"
    try:
        _PARSER.parse(source)
    except TemplateSyntaxError as error:
        return error.message or "Jinja cannot read it"
    return None


def _make_tag(text: str, opener: str, paragraph: str, part: str) -> Tag:
    body = text[2:-2]
    body = _DOCXTPL_PREFIX.sub("", body)
    body = body.removeprefix("-").removesuffix("-")
    return Tag(text, opener, body, paragraph, part)


def _keyword(tag: Tag) -> str:
    words = tag.body.split()
    return words[0] if words else ""


def _structure_problems(tags: list[Tag], part: str) -> list[TemplateProblem]:
    """Every {% if %} / {% for %} closed by its own end tag, in order; nothing Jinja may not do here."""
    problems: list[TemplateProblem] = []
    stack: list[tuple[str, Tag]] = []
    for tag in tags:
        if tag.kind != "{%":
            continue
        word = _keyword(tag)
        if not word:
            problems.append(TemplateProblem("this tag is empty", tag.text, tag.location))
        elif word in _NOT_ALLOWED:
            problems.append(TemplateProblem(f"{word} cannot be used in apdocs templates", tag.text, tag.location))
        elif word.startswith("end") and word[3:] in _NOT_ALLOWED:
            continue  # its opening tag is reported
        elif word in _DOCXTPL_ONLY or (word == "set" and "=" in tag.body):
            continue
        elif word in _BLOCKS:
            stack.append((word, tag))
        elif word in _MIDDLES:
            if not stack or stack[-1][0] not in _MIDDLES[word]:
                problems.append(TemplateProblem(f"this {word} has no {{% if %}} before it", tag.text, tag.location))
        elif word.startswith("end"):
            wanted = word[3:]
            if stack and stack[-1][0] == wanted:
                stack.pop()
            elif stack:
                open_word, open_tag = stack[-1]
                problems.append(
                    TemplateProblem(
                        f"this closes a {wanted}, but the {open_word} opened by “{open_tag.text}” is still open",
                        tag.text,
                        tag.location,
                    )
                )
                return problems
            else:
                message = f"this closes a {wanted} that was never opened"
                problems.append(TemplateProblem(message, tag.text, tag.location))
    for word, tag in stack:
        message = f"this {word} is never closed: add a {{% end{word} %}} tag after it"
        problems.append(TemplateProblem(message, tag.text, tag.location))
    return problems


def _parse_problem(error: TemplateSyntaxError, source: str, tags: list[Tag], part: str) -> TemplateProblem:
    """Jinja's own complaint about the part as docxtpl prepared it, pinned to the paragraph and its tags."""
    lines = source.split("\n")
    line = lines[error.lineno - 1] if error.lineno and error.lineno <= len(lines) else ""
    text = html.unescape(re.sub(r"<[^>]+>", "", line))
    here = [t for t in tags if normal(t.text) in normal(text)]
    culprits = [t for t in here if _tag_error(t)] or here
    tag = culprits[0].text if len(culprits) == 1 else " ".join(t.text for t in culprits)
    hint = " Word may have split or changed this tag: delete it and type it again in one go."
    return TemplateProblem(f"this cannot be read: {error.message}.{hint}", tag, f"{part}, in “{excerpt(text)}”")


def _unique(problems: list[TemplateProblem]) -> list[TemplateProblem]:
    return list(dict.fromkeys(problems))
