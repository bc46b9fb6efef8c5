"""Organisations' own Word templates: checked on upload, never activated when bad.

An LA or a school may want the plan on its own letterhead and wording. An uploaded template is code
that will run against children's data, so it goes through every check of
:func:`service.documents.kinds.check_template` first, in a render worker process under the render
limits (the web process never opens it): its tags and fields, anything in the file that reaches outside it,
and a trial render with example data in every field. A template with any problem is refused with each
problem named, and is not stored at all. A good one becomes the organisation's active
template for that document type; going back to the default is always possible.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.documents.engine.rendering import TemplateProblem
from service.documents.kinds import check_template
from service.documents.models import DocumentTemplate
from service.documents.types import DocumentType
from service.errors import FieldError
from service.extensions import db
from service.files import sha256_of
from service.rules.roles import Role
from service.settings import REPO_ROOT
from service.storage import current_storage

DEFAULT_TEMPLATES_DIR = REPO_ROOT / "templates_docx"


class TemplateRejected(FieldError):
    """The upload failed its checks; ``problems`` says every reason, each with its tag."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__("template", f"This template cannot be used: {len(problems)} problem(s) found")
        self.problems = problems


def template_key(sha256: str) -> str:
    """Where a template's bytes are kept in storage, named by SHA-256: every document can be made again from its
    own, on any machine, even after the organisation replaced the template."""
    return f"templates/{sha256}.docx"


def stored_template(output_dir: Path, sha256: str) -> bytes:
    """The bytes of the template a document was requested with (``FileNotFoundError`` if they are gone)."""
    return current_storage(output_dir).get(template_key(sha256))


def has_stored_template(output_dir: Path, sha256: str) -> bool:
    return current_storage(output_dir).exists(template_key(sha256))


def store_template_bytes(output_dir: Path, data: bytes) -> str:
    """Keep a template's bytes in storage (once) and return their SHA-256. ``output_dir`` is the local folder of the
    embedded default; with ``APDOCS_STORAGE_URL`` set the bytes go to the object store instead."""
    sha = sha256_of(data)
    storage = current_storage(output_dir)
    if not storage.exists(template_key(sha)):
        storage.put(template_key(sha), data)
    return sha


def _safe_file_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", Path(name or "template.docx").name)[:150]
    return stem or "template.docx"


def upload_template(
    admin: User, doc_type: DocumentType, file_name: str, data: bytes, output_dir: Path
) -> DocumentTemplate:
    """Check an admin's template and, if it is good, make it their organisation's active one for the type."""
    if admin.role is not Role.ADMIN:
        raise FieldError("template", "Only an administrator can upload templates")
    problems = check_template(data, doc_type)
    if problems:
        raise TemplateRejected(problems)
    sha = store_template_bytes(output_dir, data)
    _deactivate(admin.organisation_id, doc_type)
    template = DocumentTemplate(
        organisation_id=admin.organisation_id,
        doc_type=doc_type,
        file_name=_safe_file_name(file_name),
        sha256=sha,
        size=len(data),
        is_active=True,
        uploaded_by_id=admin.id,
    )
    db.session.add(template)
    db.session.flush()
    audit.record("upload", "template", template.id, admin, {"type": doc_type.value, "sha256": sha})
    return template


def templates_of(organisation_id: int) -> list[DocumentTemplate]:
    return list(
        db.session.scalars(
            sa.select(DocumentTemplate)
            .where(DocumentTemplate.organisation_id == organisation_id)
            .order_by(DocumentTemplate.doc_type, DocumentTemplate.uploaded_at.desc(), DocumentTemplate.id.desc())
        )
    )


def activate(admin: User, template_id: int) -> DocumentTemplate | None:
    """Use an earlier upload again. None if it is not the admin's organisation's (the view answers 404)."""
    template = db.session.get(DocumentTemplate, template_id)
    if template is None or template.organisation_id != admin.organisation_id:
        return None
    _deactivate(admin.organisation_id, template.doc_type)
    template.is_active = True
    audit.record("activate", "template", template.id, admin, {"type": template.doc_type.value})
    return template


def use_default(admin: User, doc_type: DocumentType) -> None:
    _deactivate(admin.organisation_id, doc_type)
    audit.record("use_default", "template", None, admin, {"type": doc_type.value})


def _deactivate(organisation_id: int, doc_type: DocumentType) -> None:
    db.session.execute(
        sa.update(DocumentTemplate)
        .where(DocumentTemplate.organisation_id == organisation_id, DocumentTemplate.doc_type == doc_type)
        .values(is_active=False)
    )


def active_template(organisation_id: int, doc_type: DocumentType, output_dir: Path) -> tuple[str, str]:
    """(name, SHA-256) of the template a new document of this type uses, its bytes kept in the store."""
    uploaded = db.session.scalar(
        sa.select(DocumentTemplate).where(
            DocumentTemplate.organisation_id == organisation_id,
            DocumentTemplate.doc_type == doc_type,
            DocumentTemplate.is_active.is_(True),
        )
    )
    if uploaded is not None:
        return uploaded.file_name, uploaded.sha256
    default = DEFAULT_TEMPLATES_DIR / doc_type.default_template
    return default.name, store_template_bytes(output_dir, default.read_bytes())
