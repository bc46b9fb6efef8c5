"""The outbox: every email is a row before it is sent, and stays one after.

A message that exists only in memory can be lost by a crash, and one sent straight from a request
can be sent twice by a retry. Writing the row first (in the same transaction as whatever caused it)
and sending it afterwards from a background job, claimed by a conditional update, gives the
guarantees the issue asks for: never lost, never sent twice, and an honest "may have been sent"
when a worker died in the middle of an SMTP conversation.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from service.documents.models import Document


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    MAY_HAVE_BEEN_SENT = "may_have_been_sent"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "queued": "Waiting to send",
            "sending": "Sending",
            "sent": "Sent",
            "failed": "Not sent",
            "may_have_been_sent": "May have been sent — check",
            "cancelled": "Cancelled",
        }[self.value]

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag modifier for this status: the ones a person must act on stand out."""
        return {
            "queued": "grey",
            "sending": "blue",
            "sent": "green",
            "failed": "red",
            "may_have_been_sent": "orange",
            "cancelled": "grey",
        }[self.value]

    @property
    def needs_attention(self) -> bool:
        """A person has to decide what happens next: send it again, or confirm it arrived."""
        return self in (MessageStatus.FAILED, MessageStatus.MAY_HAVE_BEEN_SENT)


class Delivery(enum.StrEnum):
    """How a document travels with a message: the PDF attached, or a secure link to it."""

    ATTACH = "attach"
    LINK = "link"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placements.id"), nullable=True, index=True)
    #: What the message is for, e.g. ``provider_pack`` or ``parent_plan`` (a code, not personal data).
    purpose: Mapped[str] = mapped_column(sa.String(40))
    to_addresses: Mapped[list[str]] = mapped_column(sa.JSON)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus), default=MessageStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Why the last attempt did not send, for a person to read; never an address, a subject or a body.
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    #: The RFC 5322 Message-ID, fixed when the row is made, so every attempt sends the same message.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    #: ``smtp`` or ``file``: how it was sent (empty until it is).
    transport: Mapped[str] = mapped_column(sa.String(10), default="")
    #: For the file transport: the .eml file, relative to the output folder.
    eml_path: Mapped[str] = mapped_column(sa.String(500), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The worker sending it (host:pid:thread) and until when its lease holds, renewed by its heartbeat.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: When the content of the current attempt started to go to the server (the point of no return): a worker
    #: that stops before it leaves a message that is safe to send again; after it, one that may have been sent.
    content_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )
    secrets: Mapped[list[OutboxSecret]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxSecret.position"
    )
    created_by: Mapped[User | None] = relationship()

    @property
    def trying_again(self) -> bool:
        """Waiting out a back-off after an attempt that did not send: "waiting to send" alone would hide why."""
        return self.status is MessageStatus.QUEUED and self.attempts > 0

    @property
    def state_label(self) -> str:
        """What the outbox calls the message now: the status, or that an attempt failed and another is coming."""
        return "Not sent yet, trying again" if self.trying_again else self.status.label


class OutboxAttachment(Base):
    """A document a message carries: attached as its PDF, or shared by a secure link (which version it was)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery), default=Delivery.ATTACH)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
    document: Mapped[Document] = relationship()


class SecureLink(Base):
    """A link that lets one recipient download one document version until it expires.

    Only the SHA-256 of the token is kept: someone who reads the database cannot use the links.
    """

    __tablename__ = "secure_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Empty until the message carrying the link is handed over for delivery: no link works before then.
    token_sha256: Mapped[str | None] = mapped_column(sa.String(64), unique=True, nullable=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"), nullable=True, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    open_count: Mapped[int] = mapped_column(default=0)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    document: Mapped[Document] = relationship()
    message: Mapped[OutboxMessage | None] = relationship()


class SecretKind(enum.StrEnum):
    """A secret a message carries: made only when the message is handed over for delivery, never stored readable."""

    SIGNING_LINK = "signing_link"
    SIGNING_CODE = "signing_code"
    DOCUMENT_LINK = "document_link"

    @property
    def label(self) -> str:
        return {
            "signing_link": "signing link",
            "signing_code": "one-time code",
            "document_link": "link to the document",
        }[self.value]


class SecretState(enum.StrEnum):
    """What became of a message's secret. Only ``sent`` means a working value went out."""

    WAITING = "waiting"  # the message has not been handed over yet
    SENT = "sent"  # a fresh value went in the message that was handed over
    REPLACED = "replaced"  # the signer was sent a newer link or code first: a sentence went instead
    NOT_NEEDED = "not_needed"  # the signer signed, declined or was cancelled first: a sentence went instead
    STOPPED = "stopped"  # a commissioner stopped the link

    @property
    def label(self) -> str:
        return {
            "waiting": "Not yet sent",
            "sent": "Sent",
            "replaced": "Replaced by a newer one before it was sent",
            "not_needed": "No longer needed when it was sent",
            "stopped": "Stopped",
        }[self.value]


class OutboxSecret(Base):
    """A link or code a message carries, put into the email only when it is handed to the transport.

    The body keeps a placeholder (``[[secret:<position>]]``) where it goes; this row says what it is for:
    a signer (``generation`` is the signer's link or code generation it was asked for, so an older message
    delivered late never overwrites a newer link) or a secure link. The value itself is never stored:
    only its hash, on the signer or the secure link, and only from the moment of delivery.
    """

    __tablename__ = "outbox_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[SecretKind] = mapped_column(enum_column(SecretKind))
    signer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("signers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    secure_link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("secure_links.id"), nullable=True, index=True)
    generation: Mapped[int] = mapped_column(default=0)
    state: Mapped[SecretState] = mapped_column(enum_column(SecretState), default=SecretState.WAITING)
    #: When the value last sent was made, and when it stops working (for people to read; not secret).
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    stopped_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    message: Mapped[OutboxMessage] = relationship(back_populates="secrets")
    secure_link: Mapped[SecureLink | None] = relationship()
    stopped_by: Mapped[User | None] = relationship()
