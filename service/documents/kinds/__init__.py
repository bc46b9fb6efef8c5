"""The document kinds apdocs produces, and the one registry of them that everything reads.

Each kind is a module here (``support_plan.py``, ...): its schema (the fields its Word template may use), its
context builder (a placement and its records turned into that plain dict), and when it can be produced. Its
default template is ``templates_docx/<module>.docx``, built by ``templates_docx/<module>.py``: the Makefile
builds one template per module here whose name starts with a letter (``_common`` and ``_fields`` are shared by
the kinds). :data:`KINDS` is the registry: the document services (which kinds the placement page offers, which
placements have the data for ``apdocs render --all``), the command line's ``--type`` choices, the template
builder and the field reference (``python -m service.documents.kinds > docs/template-fields.md``) all read it.

The functions here are the engine's, looked up by document type: the engine itself knows no kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.documents.engine import reference, upload_check
from service.documents.engine import schema as engine_schema
from service.documents.engine.rendering import Renderer, TemplateProblem
from service.documents.engine.schema import Schema
from service.documents.kinds import end_of_placement_report, provider_pack, review_record, support_plan
from service.documents.kinds._kind import DocumentKind, MadeFrom
from service.documents.types import DocumentType

#: Every kind, in the order the placement page and the field reference show them.
KINDS: dict[DocumentType, DocumentKind] = {
    kind.doc_type: kind
    for kind in (support_plan.KIND, review_record.KIND, provider_pack.KIND, end_of_placement_report.KIND)
}

#: The schema of each kind.
SCHEMAS: dict[DocumentType, Schema] = {doc_type: kind.schema for doc_type, kind in KINDS.items()}

#: Each kind's name on the command line and in stored records (``apdocs render support-plan``): the CLI's choices.
NAMES: tuple[str, ...] = tuple(kind.name for kind in KINDS.values())

__all__ = ["KINDS", "NAMES", "SCHEMAS", "DocumentKind", "MadeFrom"]


def schema_for(doc_type: DocumentType) -> Schema | None:
    return SCHEMAS.get(doc_type)


def example_context(doc_type: DocumentType) -> dict[str, Any]:
    """A complete context of ``doc_type`` made of its schema's examples: for previews and tests of templates."""
    return engine_schema.example_context(SCHEMAS[doc_type])


def context_problems(doc_type: DocumentType, context: Mapping[str, Any]) -> list[str]:
    """Every way ``context`` differs from the schema of ``doc_type``: missing, extra or wrongly typed fields."""
    return engine_schema.context_problems(SCHEMAS[doc_type], context)


def check_template(data: bytes, doc_type: DocumentType, *, renderer: Renderer | None = None) -> list[TemplateProblem]:
    """Every problem with an uploaded template for ``doc_type`` (``engine.upload_check``); an empty list means it
    is good to use."""
    schema = SCHEMAS.get(doc_type)
    if schema is None:
        return [TemplateProblem(f"apdocs cannot produce a {doc_type.label} yet, so it has no template fields")]
    return upload_check.check_template(data, schema, renderer=renderer)


def render_markdown() -> str:
    """``docs/template-fields.md``: every field of every kind, the filters, and the rules."""
    return reference.render_markdown(KINDS.values())
