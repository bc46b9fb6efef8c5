"""Filling in Word templates with docxtpl, safely (the upload check of a template is ``upload_check``).

An uploaded template is code: it runs in a sandboxed Jinja environment (no access to Python internals,
no mutation of the context, bounded repetition, none of Jinja's globals a document does not need), with
autoescape on (a pupil called ``Tom & Jerry`` must not corrupt the DOCX's XML) and strict undefined (a misspelt
field stops the render with its name instead of printing a blank on a legal record). The sandbox does not stop a
template looping for ever or building gigabytes of text, so the service never calls :func:`render_docx` or
:func:`upload_check.check_template_here` itself: both run in a render worker process under limits of processor
time, memory, time and output size (``render_pool``, ``render_worker``); ``upload_check.check_template`` is the way
in.

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
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing as _MISSING
from lxml import etree

from service.documents.engine.schema import Schema
from service.rules.dates import uk_date as _uk_date

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


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with an uploaded template: what, the exact tag (when there is one), and where."""

    message: str
    tag: str = ""
    location: str = ""

    def __str__(self) -> str:
        text = f"{self.tag}: {self.message}" if self.tag else self.message
        return f"{text} ({self.location})" if self.location else text


class Renderer(Protocol):
    """What fills in and checks templates under limits: the render worker pool (``render_pool.RenderPool``)."""

    def render(self, template: bytes, context: Mapping[str, Any]) -> bytes: ...

    def check(self, template: bytes, schema: Schema) -> list[TemplateProblem]: ...


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
    return excerpt(html.unescape(re.sub(r"<[^>]+>", "", lines[line - 1])))


def excerpt(text: str, limit: int = 120) -> str:
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
