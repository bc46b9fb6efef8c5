"""``templates_docx/build_templates.py`` as a module, for tests that read the default templates' source."""

from __future__ import annotations

import importlib.util

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
