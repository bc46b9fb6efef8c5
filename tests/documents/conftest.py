"""Helpers for tests of the default templates: their source as a module, a fresh build, their text."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from service.documents.engine.converter import ConverterPool, PoolSettings, soffice_available, uno_python_available
from service.settings import REPO_ROOT
from tests.helpers import require

FOLDER = REPO_ROOT / "templates_docx"
SOURCE = FOLDER / "build_templates.py"
#: Everything the default templates are built from: the build script, the shared look and one builder per kind.
SOURCES = sorted(FOLDER.glob("*.py"))


def build_module():  # type: ignore[no-untyped-def]
    """``templates_docx/build_templates.py`` as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("build_templates", SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def default_template(name: str, out_dir: Path) -> bytes:
    """The default template ``name`` (``support_plan.docx``, ...), freshly built from source into ``out_dir``."""
    module = build_module()
    return dict(zip(module.TEMPLATES, module.build(out_dir), strict=True))[name].read_bytes()


def all_text(data: bytes) -> list[str]:
    """Every paragraph of a DOCX, body and footers, with line breaks as newlines."""
    document = docx.Document(io.BytesIO(data))
    paragraphs = []
    for part in [document.element.body, *(s.footer._element for s in document.sections)]:
        for p in part.iter(f"{W}p"):
            pieces = [(node.text or "") if node.tag == f"{W}t" else "\n" for node in p.iter(f"{W}t", f"{W}br")]
            paragraphs.append("".join(pieces))
    return paragraphs


@pytest.fixture(scope="module")
def pool():  # type: ignore[no-untyped-def]
    """One warm LibreOffice instance for a module's PDFs. Missing LibreOffice skips, and fails when CI=true."""
    settings = PoolSettings.from_env()
    missing = []
    if not soffice_available(settings):
        missing.append(f"LibreOffice ({settings.soffice!r}) is not installed")
    if not uno_python_available(settings):
        missing.append(f"{settings.uno_python} cannot `import uno` (install python3-uno)")
    require("; ".join(missing))
    with ConverterPool(PoolSettings(**{**settings.__dict__, "size": 1, "timeout_s": 60.0})) as converter:
        yield converter


def pdf_text(pool: ConverterPool, data: bytes, folder: Path, name: str) -> str:
    """Convert a rendered DOCX with the real pool and return the PDF's text; the PDF stays in ``folder``."""
    source = folder / f"{name}.docx"
    source.write_bytes(data)
    pool.convert(source, folder / f"{name}.pdf")
    return "\n".join(page.extract_text() or "" for page in PdfReader(folder / f"{name}.pdf").pages)
