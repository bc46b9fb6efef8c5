"""Filling in Word templates with docxtpl, safely, and checking uploaded templates before they are used.

An uploaded template is code: it runs in a sandboxed Jinja environment (no access to Python internals,
no mutation of the context, bounded repetition, none of Jinja's globals a document does not need), with
autoescape on (a pupil called ``Tom & Jerry`` must not corrupt the DOCX's XML) and strict undefined (a misspelt
field stops the render with its name instead of printing a blank on a legal record). The sandbox does not stop a
template looping for ever or building gigabytes of text, so the service never calls :func:`render_docx` or
:func:`check_template_here` itself: both run in a render worker process under limits of processor time, memory,
time and output size (``render_pool``, ``render_worker``); :func:`check_template` is the way in.

Free text. Every string in the context is cleaned before rendering (:func:`clean_text`): line endings are
normalised, a single newline stays a line break and a blank line becomes a paragraph break, and characters
XML cannot hold are dropped. docxtpl itself turns ``\\n`` into ``<w:br/>`` and ``\\a`` into a new paragraph
with the same paragraph and run formatting (its ``Listing`` mechanism, applied to every text run after
rendering), so this works for every field in every template without template authors having to remember a
filter, and the context stays plain JSON. RichText is not used: it replaces the template's formatting.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing as _MISSING
from lxml import etree

from service.documents.fields import Field, Kind, Schema, schema_for
from service.documents.package_check import package_problems
from service.documents.types import DocumentType
from service.formatting import uk_date as _uk_date

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
#: Limit on the unpacked size of an uploaded template (a "zip bomb" is small until opened).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
#: Longest string or list a template may build with ``*`` (e.g. ``"x" * 10**9``).
MAX_REPEAT = 100_000
# How many compiled document parts (and cleaned XML sources) a process keeps for reuse.
COMPILED_TEMPLATES_KEPT = 64

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOT_DOCX = "This is not a Word .docx file"


class RenderError(Exception):
    """A document could not be rendered. ``str()`` is a sentence a person can act on, with no personal data."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RenderLimitExceeded(RenderError):
    """A render went over one of the render worker's limits (``settings.RenderLimits``).

    ``limit`` says which: ``"cpu"`` (processor time), ``"memory"``, ``"output"`` (the filled-in document's size)
    or ``"time"`` (the clock). The message says it in words, with the limit, and nothing about the data.
    """

    def __init__(self, limit: str, amount: float) -> None:
        super().__init__(limit_message(limit, amount))
        self.limit = limit
        self.amount = amount


def limit_message(limit: str, amount: float) -> str:
    """The sentence a person reads when a template goes over ``limit`` (``amount`` in seconds or MB)."""
    seconds = f"{amount:g} second" + ("" if amount == 1 else "s")
    if limit == "cpu":
        return f"The template took longer than {seconds} of processor time to fill in"
    if limit == "memory":
        return f"The template used more than {amount:g} MB of memory to fill in"
    if limit == "output":
        return f"The filled-in document would be larger than {amount:g} MB"
    return f"The template took longer than {seconds} to fill in"


class Renderer(Protocol):
    """What fills in and checks templates under limits: the render worker pool (``render_pool.RenderPool``)."""

    def render(self, template: bytes, context: Mapping[str, Any]) -> bytes: ...

    def check(self, template: bytes, doc_type: DocumentType) -> list[TemplateProblem]: ...


def trial_limit_problem(error: RenderLimitExceeded) -> TemplateProblem:
    """The upload check's words for a template that went over a limit with the example data."""
    return TemplateProblem(f"{error.message} with example data in every field: real documents would too")


# -- filters -----------------------------------------------------------------------------------------


def yes_no(value: Any) -> str:
    """Prints a yes/no field as `Yes` or `No`: `{{ pupil.looked_after|yes_no }}`."""
    return "Yes" if value else "No"


def uk_date(value: Any) -> str:
    """Writes a date out in UK long form: `{{ pupil.date_of_birth_iso|uk_date }}` gives `14 March 2011`. Text
    that is not an ISO date is left as it is."""
    if isinstance(value, date | datetime):
        return _uk_date(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return _uk_date(date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def one_line(value: Any) -> str:
    """Joins the lines of a field with commas, for addresses in a single line: `1 High Street, Northbridge`."""
    text = "" if value is None else str(value)
    return ", ".join(part.strip() for part in re.split(r"[\n\a]+", text) if part.strip())


def or_dash(value: Any) -> str:
    """Prints an em dash instead of an empty field, so a blank never looks like a forgotten answer."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    return value


FILTERS: dict[str, Callable[[Any], Any]] = {
    "yes_no": yes_no,
    "uk_date": uk_date,
    "one_line": one_line,
    "or_dash": or_dash,
}


# -- the Jinja environment ---------------------------------------------------------------------------


class _Record(dict):
    """A context dict that knows where it is (``pupil``, ``sessions[2]``), so a missing field is named in full."""

    __slots__ = ("_path",)

    def __init__(self, values: Mapping[str, Any], path: str) -> None:
        super().__init__(values)
        self._path = path


class MissingField(StrictUndefined):
    """Strict undefined whose message names the field as the template wrote it: ``pupil.shoe_size``."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        obj = self._undefined_obj
        if not (isinstance(name, str) and name.isidentifier()):
            return "the template looked up a field by a value that is not a field name"  # never quote data
        if obj is _MISSING:
            return f"the field “{name}” does not exist"
        path = getattr(obj, "_path", None) if isinstance(obj, _Record) else None
        if path:
            return f"the field “{path}.{name}” does not exist"
        return f"“{name}” does not exist on a {type(obj).__name__} value"


class _OutputBudget:
    """How much text a render may still produce (see :meth:`_Environment.concat`)."""

    __slots__ = ("left", "limit_mb")

    def __init__(self, limit_bytes: int) -> None:
        self.left = limit_bytes
        self.limit_mb = limit_bytes / (1024 * 1024)


_OUTPUT_BUDGET: ContextVar[_OutputBudget | None] = ContextVar("apdocs_output_budget", default=None)


class _Environment(ImmutableSandboxedEnvironment):
    """Sandboxed, immutable, autoescaping, strict; also bounds ``*`` and ``**`` so a template cannot eat memory.

    Compiled templates are kept by their source's SHA-256: compiling a whole document's XML costs more
    than rendering it, and a worker renders the same few templates again and again.

    Every piece of text a template produces (the document itself, and what ``{% set %}`` blocks and macros
    capture) goes through :meth:`concat`, which counts it against the render's output budget when there is
    one: a loop printing a field a hundred million times stops at the limit, not when memory runs out.
    """

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compiled: OrderedDict[bytes, Any] = OrderedDict()
        self._compiled_lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()
        with self._compiled_lock:
            template = self._compiled.get(key)
            if template is not None:
                self._compiled.move_to_end(key)
                return template
        template = super().from_string(source)
        with self._compiled_lock:
            self._compiled[key] = template
            while len(self._compiled) > COMPILED_TEMPLATES_KEPT:
                self._compiled.popitem(last=False)
        return template

    def concat(self, chunks: Iterable[str]) -> str:  # type: ignore[override]
        budget = _OUTPUT_BUDGET.get()
        if budget is None:
            return "".join(chunks)
        pieces: list[str] = []
        for chunk in chunks:
            budget.left -= len(chunk)
            if budget.left < 0:
                raise RenderLimitExceeded("output", budget.limit_mb)
            pieces.append(chunk)
        return "".join(pieces)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("powers above 100 are not allowed in templates")
            return left**right
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
                raise SecurityError("the template tried to build a text or list that is too long")
        return left * right


#: Jinja's globals that no document needs, taken away so a template cannot use them: ``range`` (loops over
#: numbers: a document loops over its lists), ``lipsum`` (megabytes of Latin), ``cycler``, ``joiner`` and
#: ``namespace`` (objects whose insides lead to Python's). The upload check names them as unknown.
REMOVED_GLOBALS = ("range", "lipsum", "cycler", "joiner", "namespace")
#: Filters that turn text into markup, so that it is written into the document's XML unescaped: a person's
#: text could then become Word fields or broken XML. Text in a document is always printed as typed.
REMOVED_FILTERS = ("safe", "urlize", "xmlattr")


def jinja_env() -> ImmutableSandboxedEnvironment:
    """The environment every template is rendered and checked with."""
    env = _Environment(autoescape=True, undefined=MissingField, keep_trailing_newline=True)
    for name in REMOVED_GLOBALS:
        env.globals.pop(name, None)
    for name in REMOVED_FILTERS:
        env.filters.pop(name, None)
    env.filters.update(FILTERS)
    return env


_PARSER = jinja_env()  # for parsing single tags; parsing never touches a context
_RENDERER = jinja_env()  # shared by every render, so its compiled templates are reused (thread-safe)


# -- cleaning the context ----------------------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n|\r|\u2028|\x0b|\x85")
_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n(?:[ \t\u00a0]*\n)*")
# Characters XML 1.0 cannot contain (and \a, which docxtpl uses as its paragraph marker).
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """A string as docxtpl should see it: ``\\n`` a line break, ``\\a`` a paragraph break, nothing XML forbids."""
    text = _NEWLINES.sub("\n", text)
    text = text.replace("\u2029", "\n\n").replace("\x0c", "\n\n")
    text = _NOT_XML.sub("", text)
    if "\n" not in text:
        return text
    return _BLANK_LINES.sub("\a", text.strip("\n"))


#: A field whose name ends so holds a PNG as base64 (``fields.Kind.IMAGE``): it is printed as the picture.
IMAGE_SUFFIX = "_image"
IMAGE_HEIGHT = Mm(15)
#: A chart (a field ending so) is printed across the page, its height following from the picture's shape.
CHART_SUFFIX = "chart_image"
CHART_WIDTH = Mm(150)


def _prepare(value: Any, path: str, doc: DocxTemplate | None = None) -> Any:
    if isinstance(value, str) and not hasattr(value, "__html__"):
        if doc is not None and value and path.rpartition(".")[2].endswith(IMAGE_SUFFIX):
            return _image(doc, value, path)
        return clean_text(value)
    if isinstance(value, Mapping):
        return _Record(
            {str(k): _prepare(v, f"{path}.{k}" if path else str(k), doc) for k, v in value.items()},
            path,
        )
    if isinstance(value, list | tuple):
        return [_prepare(v, f"{path}[{i}]", doc) for i, v in enumerate(value)]
    return value


def _image(doc: DocxTemplate, value: str, path: str) -> InlineImage:
    try:
        png = base64.b64decode(value, validate=True)
    except ValueError:
        raise RenderError(f"The picture in {path} could not be read") from None
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise RenderError(f"The picture in {path} is not a PNG")
    if path.rpartition(".")[2].endswith(CHART_SUFFIX):
        return InlineImage(doc, io.BytesIO(png), width=CHART_WIDTH)
    return InlineImage(doc, io.BytesIO(png), height=IMAGE_HEIGHT)


# -- rendering ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=COMPILED_TEMPLATES_KEPT)
def _patched_xml(src_xml: str) -> str:
    """docxtpl's clean-up of a part's XML (merging Word's split runs inside tags): pure, so cached."""
    return DocxTemplate.patch_xml(None, src_xml)  # type: ignore[arg-type]


class _Docx(DocxTemplate):
    """docxtpl, telling us which paragraph of which part a failure happened in."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched_xml(src_xml)

    def render_xml_part(self, src_xml: str, part: Any, context: dict, jinja_env: Any = None) -> str:
        try:
            return super().render_xml_part(src_xml, part, context, jinja_env)
        except Exception as error:
            line = getattr(error, "lineno", None) or _template_line(error.__traceback__)
            text = _line_text(src_xml, line) if line else ""
            raise _PartFailure(error, _part_label(part), text) from error


class _PartFailure(Exception):
    def __init__(self, error: Exception, part: str, text: str) -> None:
        super().__init__(str(error))
        self.error, self.part, self.text = error, part, text


def _template_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _line_text(src_xml: str, line: int) -> str:
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml).split("\n")
    if not 0 < line <= len(lines):
        return ""
    return _excerpt(html.unescape(re.sub(r"<[^>]+>", "", lines[line - 1])))


def _excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _part_label(part: Any) -> str:
    name = str(getattr(part, "partname", "")).lower()
    for key, label in (("header", "the page header"), ("footer", "the page footer"), ("footnote", "the footnotes")):
        if key in name:
            return label
    return "the main text"


def render_docx(template: Path | bytes, context: Mapping[str, Any], *, max_output_bytes: int | None = None) -> bytes:
    """Fill in ``template`` (a path or the DOCX's bytes) with ``context``; return the DOCX's bytes.

    Raises :class:`RenderError` with a readable reason for any failure: an unreadable template, a broken tag,
    a field the context does not have (named), or anything the sandbox refuses. With ``max_output_bytes``, the
    text the template produces and the finished .docx are each held to it (:class:`RenderLimitExceeded`).
    ``MemoryError`` is raised as it is, for the render worker to report as the memory limit.

    This runs the template in the calling process: the service calls it only inside the render worker
    (``render_pool``), which holds every render to its limits of processor time, memory and time.
    """
    try:
        data = template.read_bytes() if isinstance(template, Path) else bytes(template)
    except OSError as error:
        raise RenderError(f"The template could not be read ({type(error).__name__})") from error
    if not _looks_like_docx(data):
        raise RenderError(f"The template is not usable: {NOT_DOCX}")
    budget = _OUTPUT_BUDGET.set(_OutputBudget(max_output_bytes) if max_output_bytes else None)
    try:
        doc = _Docx(io.BytesIO(data))
        doc.render(_prepare(dict(context), "", doc), _RENDERER, autoescape=True)
        out = io.BytesIO()
        doc.save(out)
    except _PartFailure as failure:
        if isinstance(failure.error, RenderLimitExceeded):
            raise failure.error from None
        if out_of_memory(failure.error):
            raise MemoryError from None
        raise RenderError(_failure_message(failure.error, failure.part, failure.text)) from failure.error
    except (RenderError, MemoryError):
        raise
    except Exception as error:  # docxtpl and python-docx raise many kinds: every one becomes a readable reason
        if out_of_memory(error):
            raise MemoryError from None
        raise RenderError(_failure_message(error, "the document properties", "")) from error
    finally:
        _OUTPUT_BUDGET.reset(budget)
    result = out.getvalue()
    if max_output_bytes and len(result) > max_output_bytes:
        raise RenderLimitExceeded("output", max_output_bytes / (1024 * 1024))
    return result


def out_of_memory(error: BaseException | None) -> bool:
    """Did ``error`` (or what caused it) come from running out of memory? lxml reports a failed allocation as
    an XMLSyntaxError whose log says ``ERR_NO_MEMORY``, not as a MemoryError."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, MemoryError):
            return True
        if isinstance(error, etree.XMLSyntaxError):
            log = getattr(error, "error_log", None) or []
            if any(getattr(entry, "type_name", "") == "ERR_NO_MEMORY" for entry in log):
                return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _failure_message(error: Exception, part: str, text: str) -> str:
    where = f" in {part}" + (f", in “{text}”" if text else "")
    if isinstance(error, UndefinedError):
        return f"The template uses a field that does not exist: {error.message}{where}"
    if isinstance(error, TemplateSyntaxError):
        return f"The template has a broken tag ({error.message}){where}"
    if isinstance(error, SecurityError):
        return f"The template tried something that is not allowed ({error}){where}"
    if isinstance(error, TemplateError):
        return f"The template could not be filled in ({error.message}){where}"
    # Other errors can quote the data (e.g. int('Jay')): name only the kind of error, never the value.
    return f"The template could not be filled in ({type(error).__name__}){where}"


def _looks_like_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


# -- checking an uploaded template -------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with an uploaded template: what, the exact tag (when there is one), and where."""

    message: str
    tag: str = ""
    location: str = ""

    def __str__(self) -> str:
        text = f"{self.tag}: {self.message}" if self.tag else self.message
        return f"{text} ({self.location})" if self.location else text


@dataclass
class _Tag:
    text: str  # as seen in Word, e.g. "{%tr for s in sessions %}"
    kind: str  # "{{", "{%" or "{#"
    body: str  # between the delimiters, docxtpl prefix and whitespace control removed
    paragraph: str
    part: str

    @property
    def location(self) -> str:
        return f"{self.part}, in “{_excerpt(self.paragraph)}”"


_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_TAG_START = re.compile(r"\{[{%#]")
_STRAY_CLOSER = re.compile(r"[}%#]\}")
_DOCXTPL_PREFIX = re.compile(r"^(?:tr|tc|p|r)(?=\s)")
_DOCXTPL_ONLY = {"colspan", "cellbg", "vm", "hm"}
_SMART = {"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"}
_BLOCKS = {"if", "for", "with", "macro", "call", "filter", "block", "raw", "autoescape", "set"}
_MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}
_NOT_ALLOWED = {"include", "import", "from", "extends", "autoescape"}
# Names a template may use besides its fields: what is left of Jinja's globals, and its constants.
_JINJA_GLOBALS = set(_PARSER.globals) | {"true", "false", "none", "True", "False", "None"}


def check_template(data: bytes, doc_type: DocumentType, *, renderer: Renderer | None = None) -> list[TemplateProblem]:
    """Every problem with an uploaded template for ``doc_type``; an empty list means it is good to use.

    The whole check (:func:`check_template_here`) runs in a render worker (``renderer``, the process's render
    pool by default), under the limits of processor time, memory, time and size that hold every render: reading
    an uploaded file is already running someone else's content, and the web process never does it.
    """
    if renderer is None:
        from service.documents.render_pool import shared_pool

        renderer = shared_pool()
    return renderer.check(data, doc_type)


def check_template_here(
    data: bytes, doc_type: DocumentType, render: Callable[[bytes, Mapping[str, Any]], bytes]
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
    schema = schema_for(doc_type)
    if schema is None:
        return [TemplateProblem(f"apdocs cannot produce a {doc_type.label} yet, so it has no template fields")]
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
        problems += _FieldChecker(schema, env, tags, source.split("\n"), label).check(tree)
    if problems:
        return _unique(problems)
    return _trial_render_problems(data, schema, render)


def _trial_render_problems(
    data: bytes, schema: Schema, render: Callable[[bytes, Mapping[str, Any]], bytes]
) -> list[TemplateProblem]:
    """Fill the template in with example data in every field; say why if it fails. (Going over the limits of
    processor time or memory stops the whole check: the render pool reports it with :func:`trial_limit_problem`.)"""
    from service.documents.sample_context import sample_context

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


def _scan(paragraphs: list[str], part: str) -> tuple[list[_Tag], list[TemplateProblem]]:
    """Find the tags in each paragraph as Word shows it; report unclosed tags, stray closers, smart quotes."""
    tags: list[_Tag] = []
    problems: list[TemplateProblem] = []
    for paragraph in paragraphs:
        where = f"{part}, in “{_excerpt(paragraph)}”"
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
                        _excerpt(text, 80),
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
                        _excerpt(around, 80),
                        where,
                    )
                )
    flagged = {p.tag for p in problems}
    for tag in tags:
        error = _tag_error(tag)
        if error and tag.text not in flagged:
            problems.append(TemplateProblem(f"this tag cannot be read: {error}", tag.text, tag.location))
    return tags, problems


def _tag_error(tag: _Tag) -> str | None:
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


def _make_tag(text: str, opener: str, paragraph: str, part: str) -> _Tag:
    body = text[2:-2]
    body = _DOCXTPL_PREFIX.sub("", body)
    body = body.removeprefix("-").removesuffix("-")
    return _Tag(text, opener, body, paragraph, part)


def _keyword(tag: _Tag) -> str:
    words = tag.body.split()
    return words[0] if words else ""


def _structure_problems(tags: list[_Tag], part: str) -> list[TemplateProblem]:
    """Every {% if %} / {% for %} closed by its own end tag, in order; nothing Jinja may not do here."""
    problems: list[TemplateProblem] = []
    stack: list[tuple[str, _Tag]] = []
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


def _parse_problem(error: TemplateSyntaxError, source: str, tags: list[_Tag], part: str) -> TemplateProblem:
    """Jinja's own complaint about the part as docxtpl prepared it, pinned to the paragraph and its tags."""
    lines = source.split("\n")
    line = lines[error.lineno - 1] if error.lineno and error.lineno <= len(lines) else ""
    text = html.unescape(re.sub(r"<[^>]+>", "", line))
    here = [t for t in tags if _normal(t.text) in _normal(text)]
    culprits = [t for t in here if _tag_error(t)] or here
    tag = culprits[0].text if len(culprits) == 1 else " ".join(t.text for t in culprits)
    hint = " Word may have split or changed this tag: delete it and type it again in one go."
    return TemplateProblem(f"this cannot be read: {error.message}.{hint}", tag, f"{part}, in “{_excerpt(text)}”")


def _normal(text: str) -> str:
    return re.sub(r"\s+|^\{[{%#](?:tr|tc|p|r)?", "", text)


def _unique(problems: list[TemplateProblem]) -> list[TemplateProblem]:
    return list(dict.fromkeys(problems))


# -- fields used against the schema ------------------------------------------------------------------

_ANY = Field("any", "anything a template made itself", kind=Kind.TEXT)
# What an expression reaching for a name that starts with _ stands for: reported once, at its first such name.
_INTERNAL = Field("internal", "the workings of Python", kind=Kind.TEXT)


class _FieldChecker:
    """Walks the parsed template with its scopes (loop variables, ``set``) and checks every field it reads."""

    def __init__(self, schema: Schema, env: Any, tags: list[_Tag], lines: list[str], part: str) -> None:
        self.schema, self.env, self.tags, self.lines, self.part = schema, env, tags, lines, part
        self.problems: list[TemplateProblem] = []

    def check(self, tree: nodes.Template) -> list[TemplateProblem]:
        self._body(tree.body, {})
        return self.problems

    # scopes map a name to the Field it stands for (a loop variable over a list stands for the list's item)
    def _body(self, body: list[nodes.Node], scope: dict[str, Field]) -> None:
        for node in body:
            self._node(node, scope)

    def _node(self, node: nodes.Node, scope: dict[str, Field]) -> None:
        if isinstance(node, nodes.For):
            item = self._expr(node.iter, scope)
            inner = dict(scope)
            element = _ANY
            if item is not None and item.kind is Kind.LIST:
                element = Field("item", item.description, kind=Kind.GROUP, fields=item.fields)
            elif item is not None and item is not _ANY:
                self._problem(f"{_path(node.iter)} is not a list, so it cannot be looped over", node)
            self._bind(node.target, element, inner)
            inner["loop"] = _ANY
            if node.test is not None:
                self._expr(node.test, inner)
            self._body(node.body, inner)
            self._body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self._expr(node.node, scope)
            self._bind(node.target, _ANY, scope)
        elif isinstance(node, nodes.AssignBlock):
            self._body(node.body, scope)
            self._bind(node.target, _ANY, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self._expr(value, scope)
                self._bind(target, _ANY, inner)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for arg in node.args:
                self._bind(arg, _ANY, inner)
            for default in node.defaults:
                self._expr(default, scope)
            inner.update({"caller": _ANY, "varargs": _ANY, "kwargs": _ANY})
            if isinstance(node, nodes.Macro):
                scope[node.name] = _ANY
            else:
                self._expr(node.call, scope)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Expr):
            self._expr(node, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self._expr(child, scope)
                else:
                    self._node(child, scope)

    def _bind(self, target: nodes.Node, field: Field, scope: dict[str, Field]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = field
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = _ANY

    def _expr(self, node: nodes.Node, scope: dict[str, Field]) -> Field | None:
        """The field an expression reads (or _ANY, or None for a value that is not a field); reports unknowns."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            found = self.schema.lookup(node.name)
            if found is None and node.name not in _JINJA_GLOBALS:
                message = f"there is no field called “{node.name}” in the {self.schema.doc_type.label}"
                if len(node.name) <= 2:
                    message += " (a loop's variable works only between its for and endfor tags)"
                self._problem(message, node)
            return found or _ANY
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = self._expr(node.node, scope)
            key = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
            if base is _INTERNAL:
                return _INTERNAL
            if isinstance(key, str) and key.startswith("_"):
                self._internal(key, node)
                return _INTERNAL
            if isinstance(node, nodes.Getitem) and key is None:
                self._expr(node.arg, scope)
                return _ANY
            return self._member(base, key, node)
        if isinstance(node, nodes.Filter | nodes.Test):
            known = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in known:
                what = "filter" if isinstance(node, nodes.Filter) else "test"
                self._problem(f"there is no {what} called “{node.name}”", node)
            if node.name == "attr" and node.args and str(_constant(node.args[0]) or "").startswith("_"):
                self._internal(str(_constant(node.args[0])), node)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            # a method call such as pupil.display_name.upper(): check the object, allow the method
            base = self._expr(node.node.node, scope)
            if base is not _INTERNAL and node.node.attr.startswith("_"):
                self._internal(node.node.attr, node.node)
            for child in [*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]:
                if child is not None:
                    self._expr(child, scope)
            return _ANY
        for child in node.iter_child_nodes():
            self._expr(child, scope)
        return None

    def _member(self, base: Field | None, key: Any, node: nodes.Node) -> Field:
        if base is None or base is _ANY:
            return _ANY
        if base.kind is Kind.GROUP:
            found = base.child(str(key)) if isinstance(key, str) else None
            if found is None:
                self._problem(f"there is no field called “{_path(node)}”: {_path(node.node)} has no “{key}”", node)
                return _ANY
            return found
        if base.kind is Kind.LIST and isinstance(key, int):
            return Field("item", base.description, kind=Kind.GROUP, fields=base.fields)
        if base.kind is not Kind.LIST and isinstance(key, str) and hasattr(str, key):
            return _ANY  # a string method, e.g. .upper
        self._problem(f"there is no field called “{_path(node)}”: {_path(node.node)} is {base.kind.value}", node)
        return _ANY

    def _internal(self, name: str, node: nodes.Node) -> None:
        self._problem(
            f"“{name}” is not a field: a name starting with _ reaches into the workings of Python, "
            "which templates cannot touch",
            node,
        )

    def _problem(self, message: str, node: nodes.Node) -> None:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        text = html.unescape(re.sub(r"<[^>]+>", "", line))
        name = _path(node)
        here = [t for t in self.tags if _normal(t.text) in _normal(text)] or self.tags
        matching = [t for t in here if name and name in t.text] or [t for t in here if name.split(".")[-1] in t.text]
        tag = matching[0] if matching else None
        location = tag.location if tag else f"{self.part}, in “{_excerpt(text)}”"
        self.problems.append(TemplateProblem(message, tag.text if tag else "", location))


def _constant(node: nodes.Node) -> Any:
    return node.value if isinstance(node, nodes.Const) else None


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = _constant(node.arg)
        return f"{_path(node.node)}.{key}" if isinstance(key, str) else f"{_path(node.node)}[{key}]"
    if isinstance(node, nodes.Filter | nodes.Test):
        return node.name
    return ""
