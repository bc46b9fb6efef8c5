"""The document kinds are listed once: the registry (``service.documents.kinds``), the Makefile's templates (one per
kind module) and the template builder (one builder module per kind) must agree, and every kind must be complete:
a schema, a context builder, the statuses in which it can be produced, and a default template that builds."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from pathlib import Path

import pytest

from service.documents.engine.schema import Schema
from service.documents.kinds import KINDS, NAMES, DocumentKind
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from service.settings import REPO_ROOT
from tests.documents.conftest import build_module
from tests.helpers import require

KINDS_FOLDER = REPO_ROOT / "service" / "documents" / "kinds"


def makefile_templates() -> list[str]:
    """The Makefile's ``TEMPLATES``, as make itself computes it."""
    make = shutil.which("make")
    require("" if make else "make is not installed")
    assert make is not None
    printed = subprocess.run(  # noqa: S603 - the Makefile of this repository, no input from outside
        [make, "--no-print-directory", "-s", "--eval=print-templates: ; @echo $(TEMPLATES)", "print-templates"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return printed.stdout.split()


def test_the_registry_has_every_document_type_once() -> None:
    assert list(KINDS) == list(DocumentType)
    assert tuple(doc_type.value for doc_type in DocumentType) == NAMES


def test_the_makefile_builds_one_template_per_kind_module_and_the_registry_names_the_same() -> None:
    kind_modules = sorted(path.stem for path in KINDS_FOLDER.glob("[a-z]*.py"))
    assert sorted(makefile_templates()) == sorted(f"templates_docx/{name}.docx" for name in kind_modules)
    assert sorted(kind.template for kind in KINDS.values()) == sorted(f"{name}.docx" for name in kind_modules)


def test_the_template_builder_builds_exactly_the_registrys_templates() -> None:
    assert list(build_module().TEMPLATES) == [kind.template for kind in KINDS.values()]


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=lambda kind: kind.name)
def test_every_kind_is_complete(kind: DocumentKind, default_templates: Path) -> None:
    module = importlib.import_module(f"service.documents.kinds.{Path(kind.template).stem}")
    assert module.KIND is kind  # the kind is declared in the module its template is named after
    assert kind.template == kind.doc_type.default_template
    assert isinstance(kind.schema, Schema) and kind.schema.fields and kind.schema.intro
    assert kind.schema.label == kind.label
    assert callable(kind.build_context)
    assert kind.statuses and set(kind.statuses) <= {status.value for status in PlacementStatus}
    assert callable(importlib.import_module(f"templates_docx.{Path(kind.template).stem}").build)
    assert (default_templates / kind.template).read_bytes()[:2] == b"PK"
