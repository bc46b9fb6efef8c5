"""Generated documents: immutable, versioned rows, one per document produced.

A support plan that a parent signed must be the same bytes years later, so a document is never
changed once ready: re-generating makes a new version and the old ones stay downloadable. The row
keeps the template's name and SHA-256 and a snapshot of the context it was rendered from, so anyone
can tell exactly what went into it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow
from service.documents.types import DocumentType
from service.placements.models import Placement

if TYPE_CHECKING:
    from service.reviews.models import Review


class DocumentStatus(enum.StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    CONVERTING = "converting"
    READY = "ready"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            "queued": "In the queue to be made",  # not "Waiting to start": read as the placement's start
            "rendering": "Filling in the template",
            "converting": "Making the PDF",
            "ready": "Ready",
            "failed": "Failed",
        }[self.value]

    @property
    def is_finished(self) -> bool:
        return self in (DocumentStatus.READY, DocumentStatus.FAILED)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        sa.UniqueConstraint("placement_id", "doc_type", "version", name="uq_documents_placement_type_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id"), index=True)
    doc_type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType))
    version: Mapped[int]
    template_name: Mapped[str] = mapped_column(sa.String(200))
    template_sha256: Mapped[str] = mapped_column(sa.String(64))
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    pdf_a: Mapped[bool] = mapped_column(default=True)
    status: Mapped[DocumentStatus] = mapped_column(enum_column(DocumentStatus), default=DocumentStatus.QUEUED)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    docx_path: Mapped[str] = mapped_column(sa.String(500), default="")
    docx_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    pdf_path: Mapped[str] = mapped_column(sa.String(500), default="")
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: The review a review record records (empty for the other document types).
    review_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placement_reviews.id"), nullable=True, index=True)
    #: The signed plan: its certificate of completion appended and the PDF sealed. Locked: never replaced.
    sealed: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The worker making it (host:pid:thread) and until when its lease holds; its heartbeat renews it while it
    #: works. The stalled-work sweep takes back only a document whose lease ran out (``service.documents.jobs``).
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    placement: Mapped[Placement] = relationship()
    requested_by: Mapped[User | None] = relationship()
    review: Mapped[Review | None] = relationship()

    @property
    def title(self) -> str:
        """What people read in a list. A review record is named by its review: "version 2" would read as
        replacing version 1, when it is the record of another meeting."""
        if self.review is not None:
            return f"{self.doc_type.label} of review {self.review.number}"
        if self.sealed:  # the version that was signed, as its pages say
            signed = (self.context or {}).get("document", {}).get("version") or self.version
            return f"Signed {self.doc_type.label}, version {signed}"
        return f"{self.doc_type.label}, version {self.version}"

    @property
    def is_ready(self) -> bool:
        """Made, its PDF in the output folder: it can be attached or shared (mail asks this, not the status)."""
        return self.status is DocumentStatus.READY

    @property
    def has_failed(self) -> bool:
        """Could not be made: a message carrying it cannot go until someone makes it again."""
        return self.status is DocumentStatus.FAILED

    @property
    def file_stem(self) -> str:
        """A file name with no personal data in it: type, placement number and version."""
        return f"{self.doc_type.value}-placement-{self.placement_id}-v{self.version}"


class DocumentTemplate(Base):
    """A Word template an organisation's admin uploaded for one document type.

    The bytes live in the output folder's content-addressed template store, named by their SHA-256.
    Only a template that passed every check is kept, and at most one per organisation and type is
    active; with none active, the default template from ``templates_docx/`` is used.
    """

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    doc_type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class RequestToken(Base):
    """One submission of a form that makes something numbered (a document version, a pack sent, a signing round):
    the form's hidden request token, kept so that the same form sent twice (a double click, a browser resending,
    two web processes taking one request each) is answered with what the first made instead of making it again.

    The token is unique per placement and action in the database, not in a process's memory, so it holds across web
    processes; the requests of one placement take their turn (``service.documents.services.hold_placement``), and
    the second finds the first's row (``service.documents.services.earlier_request``).
    """

    __tablename__ = "request_tokens"
    __table_args__ = (
        sa.UniqueConstraint("placement_id", "action", "token", name="uq_request_tokens_placement_action_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64))
    #: What the form asked for ("produce", "send_pack", "ask_signatures", ...): a token is answered only for it.
    action: Mapped[str] = mapped_column(sa.String(40))
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: The document the first submission made (none for a signing round).
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[Document | None] = relationship()
