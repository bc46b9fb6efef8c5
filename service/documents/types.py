"""The kinds of document apdocs produces (docs/user-guide.md and docs/template-fields.md).

The value is the name used on the command line (``apdocs render --type support-plan``) and in stored
records; ``label`` is what people read; ``default_template`` is the file in ``templates_docx/`` that
``templates_docx/<kind>.py`` builds for it. What each kind is (its fields, context and when it can be produced)
is in ``service.documents.kinds``, the registry; this enum is only the names, so models can import it lightly.
"""

from __future__ import annotations

import enum


class DocumentType(enum.StrEnum):
    SUPPORT_PLAN = "support-plan"
    REVIEW_RECORD = "review-record"
    PROVIDER_PACK = "provider-pack"
    END_OF_PLACEMENT_REPORT = "end-of-placement-report"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def default_template(self) -> str:
        """File name of the default template in ``templates_docx/``, e.g. ``support_plan.docx``."""
        return self.value.replace("-", "_") + ".docx"


_LABELS: dict[DocumentType, str] = {
    DocumentType.SUPPORT_PLAN: "AP Support Plan",
    DocumentType.REVIEW_RECORD: "Review record",
    DocumentType.PROVIDER_PACK: "Provider information pack",
    DocumentType.END_OF_PLACEMENT_REPORT: "End-of-placement report",
}
