"""Signatures on the AP Support Plan: who was asked to sign which version, and what each of them did.

A drawn signature alone proves nothing (docs/signing.md). What makes a signed plan credible is kept
here for each signer: how they were identified (a single-use link to an address and a one-time code sent
to it, or in person with a named member of staff), what they saw (the SHA-256 of that plan version's PDF,
pinned when they were asked), when they viewed and signed it, from which IP address and device. The final
PDF carries all of it on a certificate page and is sealed (``service.signing.sealing``).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, UTCDateTime, enum_column, utcnow
from service.documents.models import Document
from service.placements.models import Placement
from service.rules.signers import signer_role_label


class SignerRole(enum.StrEnum):
    PARENT_CARER = "parent_carer"
    SCHOOL_REPRESENTATIVE = "school_representative"
    PROVIDER_REPRESENTATIVE = "provider_representative"
    PUPIL = "pupil"

    @property
    def label(self) -> str:
        return signer_role_label(self.value, local_authority=False)

    def label_for(self, local_authority: bool) -> str:
        """The role as the plan's commissioner calls it: a plan a local authority commissioned (a pupil without a
        school place) is signed for the LA by its representative, not by a "school representative"."""
        return signer_role_label(self.value, local_authority=local_authority)


class SigningMethod(enum.StrEnum):
    LINK = "link"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"link": "By email link", "in_person": "In person, on this device"}[self.value]


class SignerStatus(enum.StrEnum):
    WAITING = "waiting"
    SIGNED = "signed"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"waiting": "Not signed yet", "signed": "Signed", "declined": "Declined", "cancelled": "Cancelled"}[
            self.value
        ]


class RequestStatus(enum.StrEnum):
    OPEN = "open"  # waiting for signatures
    COMPLETED = "completed"  # everyone signed; the sealed plan is (being) made
    DECLINED = "declined"  # someone declined: the plan needs talking through, then asking again
    CANCELLED = "cancelled"  # by the commissioner, or because the plan changed

    @property
    def label(self) -> str:
        return {
            "open": "Waiting for signatures",
            "completed": "Signed by everyone",
            "declined": "Declined",
            "cancelled": "Cancelled",
        }[self.value]


class SignatureRequest(Base):
    """One round of signing one version of a placement's plan."""

    __tablename__ = "signature_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)  # the version signed
    document_sha256: Mapped[str] = mapped_column(sa.String(64))  # its PDF, pinned when the signers were asked
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus), default=RequestStatus.OPEN, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Cancelled because the plan changed: the same people are asked again once the new version's PDF is ready.
    ask_again: Mapped[bool] = mapped_column(default=False)
    signed_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), nullable=True)

    placement: Mapped[Placement] = relationship()
    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    signed_document: Mapped[Document | None] = relationship(foreign_keys=[signed_document_id])
    created_by: Mapped[User | None] = relationship()
    signers: Mapped[list[Signer]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Signer.position"
    )


class Signer(Base):
    """One person asked to sign, and the evidence of how they were identified and what they did."""

    __tablename__ = "signers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("signature_requests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[SignerRole] = mapped_column(enum_column(SignerRole))
    method: Mapped[SigningMethod] = mapped_column(enum_column(SigningMethod))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    status: Mapped[SignerStatus] = mapped_column(enum_column(SignerStatus), default=SignerStatus.WAITING)

    # By link: only hashes are kept, set when the email is delivered; a link works once, until it expires; the
    # code is tried a few times only.
    token_sha256: Mapped[str | None] = mapped_column(sa.String(64), unique=True, nullable=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    code_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    code_attempts: Mapped[int] = mapped_column(default=0)
    codes_sent: Mapped[int] = mapped_column(default=0)
    #: Codes tried against the current link, across all its codes: too many and the link stops.
    link_code_attempts: Mapped[int] = mapped_column(default=0)
    #: Raised each time a new link (or code) is asked for. The email carrying it is filled in at delivery only
    #: if it is still the newest: an older email delivered late says it was replaced and changes nothing.
    link_generation: Mapped[int] = mapped_column(default=0)
    code_generation: Mapped[int] = mapped_column(default=0)
    code_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    identity_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # In person: the member of staff whose device it was, and who saw them sign.
    witnessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    read_confirmed: Mapped[bool] = mapped_column(default=False)
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)  # drawn
    typed_signature: Mapped[str] = mapped_column(sa.String(200), default="")  # or typed
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    last_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminders_sent: Mapped[int] = mapped_column(default=0)

    request: Mapped[SignatureRequest] = relationship(back_populates="signers")
    witnessed_by: Mapped[User | None] = relationship()

    @property
    def identified_by(self) -> str:
        """How this signer was identified, as the certificate page says it."""
        if self.method is SigningMethod.IN_PERSON:
            who = self.witnessed_by.name if self.witnessed_by is not None else "a member of staff"
            return f"Signed in person, witnessed by {who}"
        return f"Single-use link sent to {self.email}, and a one-time code sent to the same address"

    @property
    def role_label(self) -> str:
        """The role this signer signs as, in the commissioner's words (``SignerRole.label_for``)."""
        return self.role.label_for(self.request.placement.commissioned_by_la)
