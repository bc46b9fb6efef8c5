"""The seal on a signed PDF, and checking one (docs/signing.md, "The seal").

:func:`seal_pdf` adds a PAdES baseline signature (B-B, or B-T with a trusted timestamp) to a final
PDF/A as an incremental update: the original bytes stay as they are, followed by an invisible
signature field whose SHA-256 digest covers every byte of the file but the signature itself. Any
later change to those bytes, or anything appended, shows in every PDF reader that checks signatures,
and in :func:`verify_pdf` and ``apdocs verify``.

A seal says "this installation's key signed exactly these bytes"; who the people signing the plan
were, and how they were identified, is in the document itself (its certificate-of-completion page).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from flask import current_app, has_app_context
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from service.formatting import uk_datetime
from service.settings import instance_dir_from_env
from service.signing.certificates import (
    SealingError,
    SealingIdentity,
    existing_self_signed_certificate,
    load_identity,
)

__all__ = [
    "SealingError",
    "SealingIdentity",
    "Verification",
    "describe",
    "load_identity",
    "seal_pdf",
    "trusted_certificates",
    "verify_pdf",
]

DEFAULT_FIELD_NAME = "apdocs-seal"
TSA_TIMEOUT_S = 20

NOT_READABLE = "This is not a PDF apdocs can read"
NO_SEAL = "It has no seal"
CHANGED = "The document was changed after it was sealed"
ADDED_TO = "Something was added to the document after it was sealed"
NOT_OURS = "It is not sealed by this apdocs installation"
DAMAGED_SEAL = "Its seal is damaged and cannot be checked"
BAD_TIMESTAMP = "Its timestamp does not match the seal"


@dataclass(frozen=True)
class Verification:
    """What a check of a PDF's seal found. ``ok`` only when it is intact, ours, and nothing else is wrong."""

    signed: bool
    intact: bool
    sealed_by_us: bool
    signer: str
    signed_at: datetime | None
    timestamped: bool
    problems: list[str] = field(default_factory=list)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.sealed_by_us and not self.problems


def seal_pdf(
    pdf: bytes,
    identity: SealingIdentity,
    *,
    reason: str,
    location: str = "",
    tsa_url: str | None = None,
    field_name: str = DEFAULT_FIELD_NAME,
) -> bytes:
    """``pdf`` with a PAdES seal by ``identity`` appended; B-T when ``tsa_url`` (``APDOCS_SIGNING_TSA_URL``).

    Seal only the final PDF/A: nothing may be added afterwards. Raises :class:`SealingError` when the
    PDF cannot be sealed (not a PDF, encrypted, already has a field of that name, the timestamp
    service did not answer).
    """
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    except Exception as error:
        raise SealingError(f"This is not a PDF apdocs can seal ({_reason(error)})") from error
    if writer.security_handler is not None:
        raise SealingError("The PDF is encrypted: apdocs seals only the PDFs it makes")
    _keep_pdfa_metadata_consistent(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    timestamper = HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT_S) if tsa_url else None
    signer = signers.PdfSigner(
        metadata,
        signer=identity.signer,
        timestamper=timestamper,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name),  # no box: invisible, print flag (PDF/A)
    )
    try:
        sealed = signer.sign_pdf(writer).getvalue()
    except Exception as error:
        where = f" (timestamp service {tsa_url})" if tsa_url else ""
        raise SealingError(f"The PDF could not be sealed{where}: {_reason(error)}") from error
    check = verify_pdf(sealed, trusted=[identity.certificate])
    if not check.intact or not check.sealed_by_us:
        raise SealingError(f"The sealed PDF does not check out: {'; '.join(check.problems)}")
    return sealed


def _keep_pdfa_metadata_consistent(writer: IncrementalPdfFileWriter) -> None:
    """Make the Info dictionary's /Producer what pyHanko will write into the XMP metadata.

    On every incremental update pyHanko sets XMP ``pdf:Producer`` to ``pyHanko <version>`` but
    *appends* that to the Info dictionary's /Producer (``LibreOffice 7.4; pyHanko …``). PDF/A requires
    the two to agree, so the Info entry is set to exactly the XMP value first.
    """
    if "/Metadata" not in writer.root or "/Info" not in writer.trailer_view:
        return
    info_ref = writer.trailer_view.raw_get("/Info")
    if not isinstance(info_ref, generic.IndirectObject):
        return
    info = info_ref.get_object()
    if isinstance(info, generic.DictionaryObject) and "/Producer" in info:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def trusted_certificates(instance_dir: Path) -> list[asn1_x509.Certificate]:
    """The certificates this installation seals with: the configured one (or the self-signed one, made if
    need be), and the self-signed one it used before a real certificate was configured, if any."""
    certificates = [load_identity(instance_dir).certificate]
    earlier = existing_self_signed_certificate(instance_dir)
    if earlier is not None and earlier.dump() != certificates[0].dump():
        certificates.append(earlier)
    return certificates


def verify_pdf(
    pdf: bytes,
    *,
    trusted: Sequence[asn1_x509.Certificate] | None = None,
    now: datetime | None = None,
) -> Verification:
    """Check the seal of ``pdf``: the last signature in it, which must cover the whole file.

    ``trusted``: the certificates counted as "sealed by us"; by default :func:`trusted_certificates` of
    the current instance. ``now``: when to judge the certificate's validity period; by default the
    time of sealing (the timestamp's, or the time the seal states), so a seal stays good after its
    certificate expires. Never raises for a bad PDF.
    """
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:
        return _unsigned(digest, NOT_READABLE)
    if not embedded:
        return _unsigned(digest, NO_SEAL)
    if trusted is None:
        trusted = trusted_certificates(_current_instance_dir())
    trusted_der = {certificate.dump() for certificate in trusted}
    signature = embedded[-1]
    try:
        status = validate_pdf_signature(
            signature,
            signer_validation_context=ValidationContext(trust_roots=list(trusted), allow_fetching=False),
            ts_validation_context=ValidationContext(trust_roots=[], allow_fetching=False),
            key_usage_settings=KeyUsageConstraints(),  # a seal is a seal, whatever else the certificate may do
            skip_diff=True,  # nothing may follow our seal, so there is no update to analyse
        )
    except Exception:
        signer = _signer_of(signature)
        return Verification(True, False, False, signer, None, False, [DAMAGED_SEAL], digest)

    problems = []
    digest_matches = bool(status.intact and status.valid)
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not digest_matches:
        problems.append(CHANGED)
    elif not whole_file:
        problems.append(ADDED_TO)
    certificate = status.signing_cert
    sealed_by_us = bool(status.valid) and certificate.dump() in trusted_der
    if not sealed_by_us:
        problems.append(NOT_OURS)
    timestamp = status.timestamp_validity
    timestamped = timestamp is not None and bool(timestamp.intact and timestamp.valid)
    if timestamp is not None and not timestamped:
        problems.append(BAD_TIMESTAMP)
    signed_at = timestamp.timestamp if timestamped and timestamp is not None else status.signer_reported_dt
    moment = now or signed_at or datetime.now(UTC)
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if not not_before <= moment <= not_after:
        problems.append(
            f"Its certificate was not valid on {uk_datetime(moment)}: "
            f"it is valid from {uk_datetime(not_before)} to {uk_datetime(not_after)}"
        )
    return Verification(
        signed=True,
        intact=digest_matches and whole_file,
        sealed_by_us=sealed_by_us,
        signer=readable_name(certificate.subject),
        signed_at=signed_at,
        timestamped=timestamped,
        problems=problems,
        sha256=digest,
    )


def describe(verification: Verification) -> list[str]:
    """The verdict in plain English, one line each: first the bottom line, then the details."""
    if not verification.signed:
        return [*(f"{problem}." for problem in verification.problems), f"SHA-256: {verification.sha256}"]
    lines = ["The seal is good." if verification.ok else "The seal is NOT good."]
    if verification.intact:
        lines.append("Intact: the document is exactly as it was when it was sealed.")
    else:
        lines.append("Not intact: the document is not as it was when it was sealed.")
    if verification.sealed_by_us:
        lines.append("Sealed by this apdocs installation.")
    lines.append(f"Signer: {verification.signer or 'unknown'}")
    if verification.signed_at is not None:
        source = "a trusted timestamp" if verification.timestamped else "the seal's own clock, not a trusted timestamp"
        lines.append(f"Sealed: {uk_datetime(verification.signed_at)} ({source})")
    lines.extend(f"{problem}." for problem in verification.problems)
    lines.append(f"SHA-256: {verification.sha256}")
    return lines


def _unsigned(digest: str, problem: str) -> Verification:
    return Verification(False, False, False, "", None, False, [problem], digest)


def readable_name(subject: asn1_x509.Name) -> str:
    """A certificate's subject as people read a name: the name, then the organisation ("apdocs document seal
    (self-signed), Northbridge Academy"). Why: parents read the verify page, and "Common Name: …, Organization: …"
    is the certificate's jargon. A subject with neither keeps its own wording."""
    try:
        native = subject.native
    except Exception:
        return ""
    parts: list[str] = []
    for key in ("common_name", "organization_name"):
        value = native.get(key) if isinstance(native, dict) else None
        for item in value if isinstance(value, list) else [value]:
            if item and str(item) not in parts:
                parts.append(str(item))
    if parts:
        return ", ".join(parts)
    return str(getattr(subject, "human_friendly", ""))


def _signer_of(signature: object) -> str:
    try:
        return readable_name(signature.signer_cert.subject)  # type: ignore[attr-defined]
    except Exception:
        return ""


def _current_instance_dir() -> Path:
    if has_app_context():
        return Path(current_app.instance_path)
    return instance_dir_from_env()


def _reason(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
