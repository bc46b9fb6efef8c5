"""The certificate and key that seal signed PDFs (docs/signing.md, "The seal").

Production configures a PKCS#12 file (``APDOCS_SIGNING_PKCS12``, ``APDOCS_SIGNING_PKCS12_PASSWORD``, read into
``Settings``),
usually a document-signing certificate from a certificate authority. A fresh installation without one
generates a self-signed certificate and key ONCE into ``<instance>/signing/seal.pem`` (owner-only
permissions; ``instance/`` is git-ignored) and reuses them ever after, so that every document it
seals can be checked against the same certificate.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app, has_app_context
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

SELF_SIGNED_COMMON_NAME = "apdocs document seal (self-signed)"
SELF_SIGNED_VALIDITY = timedelta(days=3653)  # ten years
SIGNING_FOLDER = "signing"
SEAL_FILE = "seal.pem"  # the private key and the certificate, in one file so it appears whole or not at all
RSA_KEY_SIZE = 3072  # RSA rather than EC: every PDF reader, old ones too, checks RSA signatures


class SealingError(Exception):
    """A document cannot be sealed, or the seal's certificate cannot be loaded; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SealingIdentity:
    """Who seals: pyHanko's signer (key and certificate chain), the certificate, and how to describe it."""

    signer: SimpleSigner
    certificate: asn1_x509.Certificate
    is_self_signed: bool
    subject: str


def load_identity(
    instance_dir: Path,
    organisation_name: str | None = None,
    *,
    pkcs12_path: str | None = None,
    pkcs12_password: str | None = None,
) -> SealingIdentity:
    """The installation's sealing identity.

    The PKCS#12 file at ``pkcs12_path`` opened with ``pkcs12_password`` (both by default the app's settings,
    ``Settings.signing_pkcs12`` and ``Settings.signing_pkcs12_password``) when one is configured; otherwise
    the self-signed certificate of ``instance_dir``, generated on first use (its organisation is
    ``organisation_name`` then; later calls reuse it whatever name they pass). Raises
    :class:`SealingError` with a readable reason, never the password.
    """
    configured_path, configured_password = configured_pkcs12()
    if pkcs12_path is None:
        pkcs12_path = configured_path
    if pkcs12_password is None:
        pkcs12_password = configured_password
    if pkcs12_path:
        return _load_pkcs12(Path(pkcs12_path), pkcs12_password)
    return _load_pem(seal_file(instance_dir), _self_signed_pem(instance_dir, organisation_name))


def configured_pkcs12() -> tuple[str, str]:
    """The PKCS#12 file and its password from the running app's settings, read when a seal is made or checked.

    Outside an app there are no settings, so none is configured: the self-signed certificate is used, or the
    caller passes the file itself.
    """
    if not has_app_context():
        return "", ""
    config = current_app.config
    return str(config.get("APDOCS_SIGNING_PKCS12") or ""), str(config.get("APDOCS_SIGNING_PKCS12_PASSWORD") or "")


def seal_file(instance_dir: Path) -> Path:
    """Where the self-signed certificate and its key are kept."""
    return instance_dir / SIGNING_FOLDER / SEAL_FILE


def existing_self_signed_certificate(instance_dir: Path) -> asn1_x509.Certificate | None:
    """The installation's self-signed certificate if it was ever generated (never generates one).

    Documents sealed before a real certificate was configured still carry it.
    """
    try:
        data = seal_file(instance_dir).read_bytes()
    except OSError:
        return None
    try:
        return _asn1_certificate(x509.load_pem_x509_certificate(data))
    except ValueError:
        return None


def _load_pkcs12(path: Path, password: str) -> SealingIdentity:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SealingError(f"The signing certificate file {path} cannot be read: {error.strerror}") from None
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError:
        raise SealingError(
            f"The signing certificate file {path} cannot be opened: the password "
            "(APDOCS_SIGNING_PKCS12_PASSWORD) is wrong, or it is not a PKCS#12 (.p12/.pfx) file"
        ) from None
    if key is None or certificate is None:
        raise SealingError(f"The signing certificate file {path} must hold both a private key and its certificate")
    return _identity(key, certificate, chain)


def _load_pem(path: Path, data: bytes) -> SealingIdentity:
    try:
        key = serialization.load_pem_private_key(data, password=None)
        certificate = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise SealingError(
            f"The seal's key file {path} is damaged. Restore it from a backup: removing it would give this "
            "installation a new certificate, and documents sealed before could no longer be told apart "
            "from anyone else's"
        ) from None
    return _identity(key, certificate, [])  # type: ignore[arg-type]


def _identity(key: object, certificate: x509.Certificate, chain: list[x509.Certificate]) -> SealingIdentity:
    signing_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signing_cert = _asn1_certificate(certificate)
    others = [_asn1_certificate(other) for other in chain]
    signer = SimpleSigner(
        signing_cert=signing_cert,
        signing_key=signing_key,
        cert_registry=SimpleCertificateStore.from_certs([signing_cert, *others]),
    )
    return SealingIdentity(
        signer=signer,
        certificate=signing_cert,
        is_self_signed=_is_self_signed(certificate),
        subject=signing_cert.subject.human_friendly,
    )


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _is_self_signed(certificate: x509.Certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (ValueError, TypeError, x509.InvalidSignature):
        return False
    return True


def _self_signed_pem(instance_dir: Path, organisation_name: str | None) -> bytes:
    """The PEM of the self-signed key and certificate, generated the first time.

    Two processes starting at once may both generate one; each writes its own to a temporary file and
    hard-links it into place, which succeeds for one only. The other discards its own and reads the
    winner's, so the installation never has two certificates.
    """
    folder = instance_dir / SIGNING_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    target = folder / SEAL_FILE
    try:
        return target.read_bytes()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise SealingError(f"The seal's key file {target} cannot be read: {error.strerror}") from None
    pem = _generate_self_signed(organisation_name)
    handle, temporary = tempfile.mkstemp(prefix=".seal-", suffix=".tmp", dir=folder)  # created 0600
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            return target.read_bytes()
    finally:
        os.unlink(temporary)
    return pem


def _generate_self_signed(organisation_name: str | None) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)
    attributes = []
    if organisation_name and organisation_name.strip():
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name.strip()[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, SELF_SIGNED_COMMON_NAME))
    name = x509.Name(attributes)
    now = datetime.now(UTC).replace(microsecond=0)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))  # a reader whose clock is a little behind still accepts it
        .not_valid_after(now + SELF_SIGNED_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) + certificate.public_bytes(serialization.Encoding.PEM)
