"""What signing adds when the documents engine makes a signed copy, and which plans provider staff may open.

The documents engine sits below signing and does not import it: it asks through ``service.signals``. For a sealed
document (``Document.sealed``) it asks ``sealing_document`` for a sealer, and signing answers with
:class:`SignedPlanSealer`, which appends the certificate of completion to the filled-in DOCX and seals the PDF/A
with the organisation's certificate. To list or open documents for provider staff it asks ``provider_documents``,
and signing answers :func:`plans_asked_to_sign`. The receivers are connected in ``service.signing.jobs``, imported
by the web app and the worker alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from service.documents.engine.rendering import RenderError
from service.documents.models import Document
from service.documents.types import DocumentType
from service.signing.certificate import append_certificate
from service.signing.models import SignatureRequest
from service.signing.sealing import SealingError, load_identity, seal_pdf


@dataclass(frozen=True)
class SignedPlanSealer:
    """Seals one signed copy of the AP Support Plan (``service.documents.services.Sealer``)."""

    document: Document

    def certify(self, docx: bytes) -> bytes:
        """The DOCX with the certificate of completion (the signers' facts, in the document's context) appended."""
        try:
            return append_certificate(docx, self.document.context["certificate"])
        except (KeyError, ValueError) as error:
            raise RenderError("The certificate of completion could not be added to the signed plan") from error

    def seal(self, pdf: bytes) -> bytes:
        """The finished PDF/A sealed with the organisation's certificate: the last change ever made to it."""
        document = self.document
        organisation = document.placement.commissioning_organisation.name
        try:
            identity = load_identity(Path(current_app.instance_path), organisation)
            return seal_pdf(
                pdf,
                identity,
                reason=f"Signed AP Support Plan, placement AP-{document.placement_id}, version {document.version}",
                location=organisation,
                tsa_url=current_app.config.get("APDOCS_SIGNING_TSA_URL") or None,
            )
        except SealingError as error:
            raise RenderError(f"The signed plan could not be sealed: {error}") from error


def plans_asked_to_sign() -> sa.ColumnElement[bool]:
    """The AP Support Plan versions provider staff were asked to sign, with their signed copies (docs/access.md):
    both leave out the sections the commissioner keeps from the provider."""
    in_a_round = sa.exists().where(
        SignatureRequest.placement_id == Document.placement_id,
        sa.or_(SignatureRequest.document_id == Document.id, SignatureRequest.signed_document_id == Document.id),
    )
    return sa.and_(Document.doc_type == DocumentType.SUPPORT_PLAN, in_a_round)
