"""Is this PDF an unchanged signed plan of this service? The seal says whether the bytes are as sealed and
by whom; the database says which placement and version they are (to those allowed to see it) and who
signed. Both the verify page and ``apdocs verify`` use this."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from service.auth.models import User
from service.documents.models import Document
from service.extensions import db
from service.formatting import uk_datetime
from service.placements import access as placements
from service.signing.models import SignatureRequest, Signer, SignerStatus
from service.signing.sealing import Verification, verify_pdf
from service.signing.sealing import describe as describe_seal


@dataclass(frozen=True)
class Result:
    verification: Verification
    document: Document | None  # the sealed document with exactly these bytes, when there is one
    signers: list[Signer]
    placement_visible: bool  # whether the person asking may know which placement it is

    @property
    def genuine(self) -> bool:
        return self.verification.ok and self.document is not None


def check(pdf: bytes, user: User | None = None, *, everything: bool = False) -> Result:
    """Check ``pdf``. ``everything``: the command line, run by the operator, may see the placement."""
    verification = verify_pdf(pdf)
    document = None
    signers: list[Signer] = []
    if verification.intact and verification.sealed_by_us:
        try:
            document, signers = _record_of(verification.sha256)
        except SQLAlchemyError:  # the seal can be checked without the database: say only what it says
            db.session.rollback()
    visible = document is not None and (
        everything or (user is not None and placements.can_see_placement(user, document.placement_id))
    )
    return Result(verification, document, signers, visible)


def _record_of(sha256: str) -> tuple[Document | None, list[Signer]]:
    document = db.session.scalars(
        sa.select(Document).where(Document.pdf_sha256 == sha256, Document.sealed.is_(True))
    ).first()
    if document is None:
        return None, []
    request = db.session.scalars(
        sa.select(SignatureRequest).where(SignatureRequest.signed_document_id == document.id)
    ).first()
    signers = [s for s in request.signers if s.status is SignerStatus.SIGNED] if request is not None else []
    return document, signers


def describe(result: Result) -> list[str]:
    """The verdict in plain English for the command line."""
    lines = describe_seal(result.verification)
    if result.verification.ok and result.document is None:
        lines.insert(1, "apdocs has no record of this document: it may come from another copy of the database.")
    if result.document is not None:
        if result.placement_visible:
            lines.insert(1, f"It is the {result.document.title} of placement AP-{result.document.placement_id}.")
        for signer in result.signers:
            lines.append(f"Signed by {signer.name} ({signer.role_label}) on {uk_datetime(signer.signed_at)}")
    return lines
