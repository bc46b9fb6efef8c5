"""The seal on a signed plan, as anyone checking it would see it: a real PDF/A from the LibreOffice pool,
sealed with the installation's certificate, is intact and ours for pyHanko and for poppler's ``pdfsig``;
one changed byte, or anything appended, breaks it for both; another installation's seal is intact but not
ours; garbage is reported, never raised. The self-signed certificate is made once (even by two processes
at once) with owner-only permissions, and a configured PKCS#12 is used instead, with a readable error for
a wrong password. ``apdocs verify`` says all of this and exits 0 only for a good seal.

Needs LibreOffice (the ``pool`` fixture) and ``pdfsig`` (poppler-utils): outside CI the tests that need
them skip with the reason when they are missing; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from service.app import create_app
from service.cli import main
from service.documents.engine.rendering import render_docx
from service.documents.kinds.support_plan import build_support_plan_context
from service.rules.placement_status import PlacementStatus
from service.settings import REPO_ROOT, Settings
from service.signing.certificates import SEAL_FILE, SELF_SIGNED_COMMON_NAME, SIGNING_FOLDER
from service.signing.sealing import (
    SealingError,
    SealingIdentity,
    load_identity,
    seal_pdf,
    trusted_certificates,
    verify_pdf,
)
from tests import factories
from tests.helpers import require

CHANGED = "The document was changed after it was sealed"
NOT_OURS = "It is not sealed by this apdocs installation"
SIGNATURE_VALID = "Signature Validation: Signature is Valid."
WHOLE_DOCUMENT = "Total document signed"


@pytest.fixture(autouse=True)
def _no_configured_certificate(monkeypatch):  # type: ignore[no-untyped-def]
    """Each test chooses its certificate: none comes from the machine's environment."""
    for name in ("APDOCS_SIGNING_PKCS12", "APDOCS_SIGNING_PKCS12_PASSWORD", "APDOCS_SIGNING_TSA_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="module")
def identity(instance: Path) -> SealingIdentity:
    return load_identity(instance, "Northbridge Academy")


@pytest.fixture(scope="module")
def plan_pdf(pool, tmp_path_factory) -> bytes:  # type: ignore[no-untyped-def]
    """A small PDF/A-2b made by the real LibreOffice pool, as every apdocs document is."""
    folder = tmp_path_factory.mktemp("pdf")
    word = docx.Document()
    word.add_heading("AP Support Plan", level=1)
    word.add_paragraph("Pupil: Amara Nwosu. Objective: attend every session by 09:15.")
    word.save(str(folder / "plan.docx"))
    pool.convert(folder / "plan.docx", folder / "plan.pdf")
    return (folder / "plan.pdf").read_bytes()


@pytest.fixture(scope="module")
def sealed(plan_pdf: bytes, identity: SealingIdentity) -> bytes:
    return seal_pdf(plan_pdf, identity, reason="Agreed AP Support Plan", location="Northbridge Academy")


def pdfsig(data: bytes, folder: Path) -> str:
    """What poppler's ``pdfsig`` says about ``data`` (as any third party's PDF reader would check it)."""
    program = shutil.which("pdfsig")
    if program is None:
        require("pdfsig is not installed (apt-get install poppler-utils)")
    path = folder / "checked.pdf"
    path.write_bytes(data)
    result = subprocess.run([program, str(path)], capture_output=True, text=True, timeout=60)  # noqa: S603
    return result.stdout + result.stderr


def _flip_a_content_byte(data: bytes) -> bytes:
    """One byte changed inside the first content stream: well inside what the seal covers."""
    start = data.index(b"stream", data.index(b" obj")) + len(b"stream\n") + 20
    signed_until = int(re.search(rb"/ByteRange \[0 (\d+) ", data).group(1))  # type: ignore[union-attr]
    assert start < signed_until
    changed = bytearray(data)
    changed[start] ^= 0x01
    return bytes(changed)


def _xmp(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()


# -- a sealed plan checks out ------------------------------------------------------------------------


def test_the_agreed_support_plan_sealed_is_intact_and_ours_for_pyhanko_and_pdfsig(
    pool, identity, school, provider, default_templates, tmp_path
):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Zoë", legal_last_name="O'Brien-Smith")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.AGREED)
    template = (default_templates / "support_plan.docx").read_bytes()
    (tmp_path / "plan.docx").write_bytes(render_docx(template, build_support_plan_context(placement, on=date.today())))
    pool.convert(tmp_path / "plan.docx", tmp_path / "plan.pdf")
    plan = (tmp_path / "plan.pdf").read_bytes()

    sealed = seal_pdf(plan, identity, reason="Agreed AP Support Plan", location="Northbridge Academy")

    verification = verify_pdf(sealed, trusted=[identity.certificate])
    assert verification.signed and verification.intact and verification.sealed_by_us and verification.ok
    assert verification.problems == []
    assert "apdocs document seal (self-signed)" in verification.signer
    assert "Northbridge Academy" in verification.signer
    assert verification.signed_at is not None and abs(verification.signed_at - datetime.now(UTC)) < timedelta(days=1)
    assert not verification.timestamped  # no TSA configured: PAdES B-B
    report = pdfsig(sealed, tmp_path)
    assert SIGNATURE_VALID in report
    assert WHOLE_DOCUMENT in report
    assert "Signature Type: ETSI.CAdES.detached" in report  # PAdES, not the old adbe.pkcs7 kind
    assert "Signing Hash Algorithm: SHA-256" in report
    assert "Signer Certificate Common Name: apdocs document seal (self-signed)" in report
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(sealed)).pages)
    assert "Zoë O'Brien-Smith" in text  # the same plan, readable as before


def test_the_seal_is_an_incremental_update_that_keeps_the_pdfa_claims_consistent(plan_pdf, sealed):  # type: ignore[no-untyped-def]
    assert sealed.startswith(plan_pdf)  # the plan's own bytes untouched: the seal is appended
    before, after = PdfReader(io.BytesIO(plan_pdf)), PdfReader(io.BytesIO(sealed))
    assert after.trailer["/ID"][0] == before.trailer["/ID"][0]  # the same document
    xmp = _xmp(sealed)
    assert re.search(r'pdfaid:part(="|>)2', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp)  # still PDF/A-2b
    # PDF/A wants the Info dictionary and the XMP metadata to agree: pyHanko alone would leave them apart
    producer = re.search(r'pdf:Producer(?:="|>)([^"<]+)', xmp).group(1)  # type: ignore[union-attr]
    assert after.metadata["/Producer"] == producer
    field = after.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    assert field["/T"] == "apdocs-seal"
    assert [float(n) for n in field["/Rect"]] == [0, 0, 0, 0]  # invisible
    assert int(field["/F"]) & 4  # printable, as PDF/A requires of every annotation


# -- what breaks a seal ------------------------------------------------------------------------------


def test_one_changed_byte_breaks_the_seal_for_pyhanko_and_pdfsig(sealed, identity, tmp_path):  # type: ignore[no-untyped-def]
    tampered = _flip_a_content_byte(sealed)

    verification = verify_pdf(tampered, trusted=[identity.certificate])
    assert verification.signed
    assert not verification.intact and not verification.ok
    assert CHANGED in verification.problems
    assert verification.sealed_by_us  # our seal, on a document someone changed since
    report = pdfsig(tampered, tmp_path)
    assert SIGNATURE_VALID not in report
    assert "Signature Validation: Digest Mismatch." in report


def test_bytes_appended_after_the_seal_break_it(sealed, identity, tmp_path):  # type: ignore[no-untyped-def]
    appended = sealed + b"\n% one more line\n"

    verification = verify_pdf(appended, trusted=[identity.certificate])
    assert not verification.intact and not verification.ok
    assert "Something was added to the document after it was sealed" in verification.problems
    assert "Not total document signed" in pdfsig(appended, tmp_path)


def test_another_installations_seal_is_intact_but_not_ours(plan_pdf, identity, tmp_path):  # type: ignore[no-untyped-def]
    theirs = load_identity(tmp_path / "elsewhere", "Southfield High School")
    sealed_elsewhere = seal_pdf(plan_pdf, theirs, reason="Agreed AP Support Plan")

    verification = verify_pdf(sealed_elsewhere, trusted=[identity.certificate])
    assert verification.intact
    assert not verification.sealed_by_us and not verification.ok
    assert verification.problems == [NOT_OURS]
    assert "Southfield High School" in verification.signer


def test_garbage_and_unsealed_pdfs_are_reported_not_raised(plan_pdf, identity):  # type: ignore[no-untyped-def]
    for garbage in (b"", b"not a pdf at all", b"%PDF-1.7\n" + os.urandom(2000)):
        verification = verify_pdf(garbage, trusted=[identity.certificate])
        assert not verification.signed and not verification.intact and not verification.sealed_by_us
        assert verification.problems == ["This is not a PDF apdocs can read"]

    unsealed = verify_pdf(plan_pdf, trusted=[identity.certificate])
    assert not unsealed.signed and unsealed.problems == ["It has no seal"]
    assert len(unsealed.sha256) == 64

    with pytest.raises(SealingError, match="This is not a PDF apdocs can seal"):
        seal_pdf(b"not a pdf at all", identity, reason="Agreed AP Support Plan")


def test_a_seal_is_judged_at_its_own_time_and_a_later_moment_can_be_asked(sealed, identity):  # type: ignore[no-untyped-def]
    assert verify_pdf(sealed, trusted=[identity.certificate]).ok  # whenever it is checked: the seal's own date

    in_twenty_years = verify_pdf(sealed, trusted=[identity.certificate], now=datetime.now(UTC) + timedelta(days=7300))
    assert in_twenty_years.intact and in_twenty_years.sealed_by_us and not in_twenty_years.ok
    assert any(problem.startswith("Its certificate was not valid on") for problem in in_twenty_years.problems)


# -- the certificate ---------------------------------------------------------------------------------


def test_the_self_signed_certificate_is_made_once_owner_only_and_reused(tmp_path):  # type: ignore[no-untyped-def]
    first = load_identity(tmp_path, "Northbridge Academy")
    again = load_identity(tmp_path, "Another Name Entirely")

    assert again.certificate.dump() == first.certificate.dump()
    assert first.is_self_signed
    assert "Northbridge Academy" in again.subject  # the name it was made with
    folder = tmp_path / SIGNING_FOLDER
    assert [path.name for path in folder.iterdir()] == [SEAL_FILE]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / SEAL_FILE).stat().st_mode) == 0o600
    certificate = x509.load_pem_x509_certificate((folder / SEAL_FILE).read_bytes())
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SELF_SIGNED_COMMON_NAME
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Northbridge Academy"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3660)


def test_the_seal_key_is_never_in_the_repository():  # type: ignore[no-untyped-def]
    ignored = subprocess.run(  # noqa: S603
        ["git", "check-ignore", "-q", "instance/signing/seal.pem"],  # noqa: S607
        cwd=REPO_ROOT,
        check=False,
    )
    assert ignored.returncode == 0


def test_two_processes_starting_at_once_make_one_certificate(tmp_path):  # type: ignore[no-untyped-def]
    script = (
        "import hashlib, sys; from pathlib import Path; from service.signing.certificates import load_identity; "
        "print(hashlib.sha256(load_identity(Path(sys.argv[1]), 'Northbridge Academy').certificate.dump()).hexdigest())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("APDOCS_SIGNING_")}
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", script, str(tmp_path)], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    fingerprints = {process.communicate(timeout=120)[0].strip() for process in processes}

    assert all(process.returncode == 0 for process in processes)
    assert len(fingerprints) == 1
    assert fingerprints == {_sha256(load_identity(tmp_path).certificate.dump())}
    assert [path.name for path in (tmp_path / SIGNING_FOLDER).iterdir()] == [SEAL_FILE]  # no temporary left


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _pkcs12(tmp_path: Path, password: bytes) -> tuple[Path, x509.Certificate]:
    """A document-signing certificate issued by a (test) certificate authority, as production would have."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Schools CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Westshire Council"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Westshire Council document seal"),
        ]
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(ca_key, hashes.SHA256())
    )
    path = tmp_path / "seal.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"seal", key, leaf, [ca], serialization.BestAvailableEncryption(password))
    )
    return path, leaf


def test_a_configured_pkcs12_seals_instead_and_counts_as_ours(plan_pdf, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    path, leaf = _pkcs12(tmp_path, b"correct horse battery staple")
    monkeypatch.setenv("APDOCS_SIGNING_PKCS12", str(path))
    monkeypatch.setenv("APDOCS_SIGNING_PKCS12_PASSWORD", "correct horse battery staple")
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(tmp_path / "instance"))

    with create_app(Settings.from_env()).app_context():  # the seal's settings are read from the app
        configured = load_identity(tmp_path / "instance")
        sealed = seal_pdf(plan_pdf, configured, reason="Agreed AP Support Plan")

        assert configured.certificate.dump() == leaf.public_bytes(serialization.Encoding.DER)
        assert not configured.is_self_signed
        assert "Westshire Council document seal" in configured.subject
        assert not (tmp_path / "instance" / SIGNING_FOLDER).exists()  # no self-signed certificate made
        verification = verify_pdf(sealed)  # trusted by default: this installation's certificate
        assert verification.ok and "Westshire Council" in verification.signer


def test_a_wrong_password_or_a_missing_file_is_a_readable_error(tmp_path):  # type: ignore[no-untyped-def]
    path, _ = _pkcs12(tmp_path, b"correct horse battery staple")

    with pytest.raises(SealingError) as wrong:
        load_identity(tmp_path, pkcs12_path=str(path), pkcs12_password="Tr0ub4dor&3")
    assert "password" in wrong.value.message and "is wrong" in wrong.value.message
    assert "Tr0ub4dor" not in wrong.value.message
    with pytest.raises(SealingError, match="cannot be read"):
        load_identity(tmp_path, pkcs12_path=str(tmp_path / "missing.p12"), pkcs12_password="x")


def test_documents_sealed_before_a_real_certificate_was_configured_still_count_as_ours(plan_pdf, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    instance = tmp_path / "instance"
    sealed_early = seal_pdf(plan_pdf, load_identity(instance), reason="Agreed AP Support Plan")
    path, _ = _pkcs12(tmp_path, b"pw")
    monkeypatch.setenv("APDOCS_SIGNING_PKCS12", str(path))
    monkeypatch.setenv("APDOCS_SIGNING_PKCS12_PASSWORD", "pw")
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(instance))

    with create_app(Settings.from_env()).app_context():  # the seal's settings are read from the app
        assert len(trusted_certificates(instance)) == 2
        assert verify_pdf(sealed_early, trusted=trusted_certificates(instance)).ok


def test_the_signing_settings_come_from_the_environment(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("APDOCS_SIGNING_PKCS12", "/etc/apdocs/seal.p12")
    monkeypatch.setenv("APDOCS_SIGNING_PKCS12_PASSWORD", "secret")
    monkeypatch.setenv("APDOCS_SIGNING_TSA_URL", "http://timestamp.example/tsa")
    config = Settings.from_env().flask_config()

    assert config["APDOCS_SIGNING_PKCS12"] == "/etc/apdocs/seal.p12"
    assert config["APDOCS_SIGNING_PKCS12_PASSWORD"] == "secret"
    assert config["APDOCS_SIGNING_TSA_URL"] == "http://timestamp.example/tsa"


# -- apdocs verify -----------------------------------------------------------------------------------


def _verify(path: Path, instance: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["verify", str(path)], env={"APDOCS_INSTANCE_DIR": str(instance)})


def test_apdocs_verify_says_good_and_exits_0_for_our_intact_seal(sealed, instance, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "plan.pdf").write_bytes(sealed)

    result = _verify(tmp_path / "plan.pdf", instance)

    assert result.exit_code == 0, result.output
    assert "The seal is good." in result.output
    assert "Intact: the document is exactly as it was when it was sealed." in result.output
    assert "Sealed by this apdocs installation." in result.output
    assert "Signer: apdocs document seal (self-signed), Northbridge Academy" in result.output
    assert "Sealed: " in result.output and "not a trusted timestamp" in result.output


def test_apdocs_verify_exits_1_and_says_why(sealed, plan_pdf, instance, tmp_path):  # type: ignore[no-untyped-def]
    cases = {
        "changed.pdf": (_flip_a_content_byte(sealed), "The document was changed after it was sealed."),
        "unsealed.pdf": (plan_pdf, "It has no seal."),
        "garbage.pdf": (b"hello", "This is not a PDF apdocs can read."),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = _verify(tmp_path / name, instance)
        assert result.exit_code == 1, (name, result.output)
        assert reason in result.output

    other_instance = tmp_path / "other-instance"
    result = _verify(tmp_path / "changed.pdf", other_instance)  # checked by another installation
    assert result.exit_code == 1
    assert "It is not sealed by this apdocs installation." in result.output


def test_a_timestamp_service_that_does_not_answer_stops_sealing_with_a_reason(plan_pdf, identity):  # type: ignore[no-untyped-def]
    nobody_listens = "http://127.0.0.1:9/tsa"  # the discard port on this machine: refused at once, no network

    with pytest.raises(SealingError) as error:
        seal_pdf(plan_pdf, identity, reason="Agreed AP Support Plan", tsa_url=nobody_listens)
    assert f"timestamp service {nobody_listens}" in error.value.message
