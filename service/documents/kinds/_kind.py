"""What a document kind is to the rest of apdocs: one entry of the registry (``service.documents.kinds``).

A kind module declares its schema, its context builder and when it can be produced, and ends with its
:class:`DocumentKind`. Everything that needs the list of kinds (the services, the template builder, the field
reference, the command line's choices) reads the registry, so a new kind is one new module.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.documents.engine.schema import Schema
from service.documents.types import DocumentType


class MadeFrom(enum.Enum):
    """What a document of the kind is produced from, which says where its button is."""

    #: the placement page
    PLACEMENT = "placement"
    #: one of the placement's reviews (the review's page); its builder takes ``review=``
    REVIEW = "review"
    #: ending the placement (``service.end_of_placement``): a report of an active placement would say nothing yet
    END = "end"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its type, the fields its template may use, how its context is built, and when it
    can be produced (``statuses``: the placement statuses in which it has something to say)."""

    doc_type: DocumentType
    schema: Schema
    build_context: Callable[..., dict[str, Any]]
    statuses: tuple[str, ...]
    made_from: MadeFrom = MadeFrom.PLACEMENT

    @property
    def label(self) -> str:
        return self.doc_type.label

    @property
    def name(self) -> str:
        """The kind's name on the command line and in stored records, e.g. ``support-plan``."""
        return self.doc_type.value

    @property
    def template(self) -> str:
        """The default template's file name in ``templates_docx/``, e.g. ``support_plan.docx``: the kind's module
        name, which is also what the Makefile builds."""
        return self.doc_type.default_template
