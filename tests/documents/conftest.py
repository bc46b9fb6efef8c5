"""Helpers for tests of the default templates: their source as a module, a fresh build, their text."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import docx

from service.settings import REPO_ROOT

FOLDER = REPO_ROOT / "templates_docx"
SOURCE = FOLDER / "build_templates.py"


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
