"""The signed plan end to end: everyone signs (by link and in person), apdocs makes the plan with their
signatures and a certificate of completion, seals it, emails the parent their copy, and keeps it locked.
The sealed PDF validates with pyHanko and with poppler's pdfsig; one changed byte breaks both, and the
verify page and ``apdocs verify`` say so."""

from __future__ import annotations

import io
import os
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from pypdf import PdfReader

from service.documents.models import Document, DocumentStatus
from service.signals import sealing_document
from service.signing.models import RequestStatus, SignatureRequest
from service.signing.sealing import verify_pdf
from tests.conftest import browser
from tests.helpers import form_data, text
from tests.signing.conftest import drawn_signature, link_token, messages_to
from tests.signing.test_sealing import _flip_a_content_byte, pdfsig
from tests.signing.test_signing_flow import _ask, _confirm, _round, _sign


def _sign_everyone(app, as_commissioner, placement, db_session) -> Document:  # type: ignore[no-untyped-def]
    document = _everyone_signs(app, as_commissioner, placement, db_session)
    assert document.status is DocumentStatus.READY, document.error
    return document


def _everyone_signs(app, as_commissioner, placement, db_session) -> Document:  # type: ignore[no-untyped-def]
    """The round is completed and the signed copy made, ready or failed."""
    _ask(as_commissioner, placement)
    for address in ("pat@example.com", "alex@provider.example"):
        signer = browser(app)
        token = link_token(messages_to(db_session, address)[0])
        _confirm(signer, db_session, token, address)
        extra = {"drawn": drawn_signature()} if address.startswith("pat") else {"typed": "Alex Jones"}
        assert _sign(signer, token, **extra).status_code == 200
    round_ = _round(db_session)
    school = next(s for s in round_.signers if s.role.value == "school_representative")
    url = f"/placements/{placement.id}/signatures/{round_.id}/signers/{school.id}/in-person"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, {"read_confirmed": "y", "drawn": drawn_signature()}))
    assert response.status_code == 302
    round_ = _round(db_session)
    assert round_.status is RequestStatus.COMPLETED
    document = round_.signed_document
    assert document is not None and document.sealed
    return document


def _pdf(app, document: Document) -> bytes:
    return (Path(app.config["APDOCS_OUTPUT_DIR"]) / document.pdf_path).read_bytes()


def test_everyone_signs_and_the_sealed_plan_carries_their_signatures_and_the_certificate(
    app, as_commissioner, placement, db_session, tmp_path
):
    document = _sign_everyone(app, as_commissioner, placement, db_session)
    data = _pdf(app, document)
    reader = PdfReader(io.BytesIO(data))
    words = " ".join((page.extract_text() or "") for page in reader.pages)
    assert "Certificate of completion" in words
    assert "Pat Parent" in words and "Alex Jones" in words
    assert "witnessed by" in words  # the school representative signed in person
    assert "one-time code sent to the same address" in words
    assert _round(db_session).document_sha256 in words.replace(" ", "").replace("\n", "")
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 2  # two drawn signatures, in the blocks and on the certificate
    verification = verify_pdf(data)
    assert verification.ok, verification.problems
    report = pdfsig(data, tmp_path)
    assert "Signature is Valid" in report and "Total document signed" in report


def test_without_a_sealer_the_signed_copy_fails_with_a_reason_and_is_never_made_unsealed(
    app, as_commissioner, placement, db_session
):
    # Nothing answers ``sealing_document`` (as if signing's receivers were not connected in this process).
    with sealing_document.muted():
        document = _everyone_signs(app, as_commissioner, placement, db_session)
    assert document.status is DocumentStatus.FAILED
    assert document.error == "This signed document cannot be made: nothing in apdocs can seal it"
    assert document.pdf_path == "" and document.docx_path == ""
    folder = Path(app.config["APDOCS_OUTPUT_DIR"]) / "documents" / str(placement.id)
    assert not (folder / f"{document.file_stem}.pdf").exists()
    assert not [m for m in messages_to(db_session, "pat@example.com") if m.purpose == "signed_plan"]


def test_the_parent_is_emailed_the_signed_copy(app, as_commissioner, placement, db_session):
    document = _sign_everyone(app, as_commissioner, placement, db_session)
    [copy] = [m for m in messages_to(db_session, "pat@example.com") if m.purpose == "signed_plan"]
    assert "Ellie" not in copy.subject
    assert [a.document_id for a in copy.attachments] == [document.id]


def test_one_changed_byte_breaks_the_seal_for_pyhanko_pdfsig_the_verify_page_and_the_cli(
    app, as_commissioner, placement, db_session, tmp_path
):
    document = _sign_everyone(app, as_commissioner, placement, db_session)
    changed = _flip_a_content_byte(_pdf(app, document))
    assert not verify_pdf(changed).intact
    assert "Digest Mismatch" in pdfsig(changed, tmp_path)
    path = tmp_path / "changed.pdf"
    path.write_bytes(changed)

    client = browser(app)
    page = client.get("/verify")
    good = client.post(
        "/verify",
        data=form_data(page, {"pdf": (io.BytesIO(_pdf(app, document)), "plan.pdf")}),
        content_type="multipart/form-data",
    )
    assert "This signed plan is genuine and unchanged" in text(good)
    assert "Pat Parent" in text(good)
    assert f"placement AP-{placement.id}" not in text(good)  # not signed in: not told which placement
    bad = client.post(
        "/verify", data=form_data(page, {"pdf": (io.BytesIO(changed), "plan.pdf")}), content_type="multipart/form-data"
    )
    assert "Do not rely on this document" in text(bad)
    assert "The document was changed after it was sealed" in text(bad)
    shown = text(
        as_commissioner.post(
            "/verify",
            data=form_data(as_commissioner.get("/verify"), {"pdf": (io.BytesIO(_pdf(app, document)), "plan.pdf")}),
            content_type="multipart/form-data",
        )
    )
    assert f"placement AP-{placement.id}" in shown  # the school may know which it is

    from service.cli import main

    runner = CliRunner()
    good_path = tmp_path / "good.pdf"
    good_path.write_bytes(_pdf(app, document))
    os.environ["APDOCS_INSTANCE_DIR"] = app.instance_path
    os.environ["APDOCS_DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        ok = runner.invoke(main, ["verify", str(good_path)])
        broken = runner.invoke(main, ["verify", str(path)])
    finally:
        del os.environ["APDOCS_INSTANCE_DIR"], os.environ["APDOCS_DATABASE_URL"]
    assert ok.exit_code == 0, ok.output
    assert f"placement AP-{placement.id}" in ok.output and "Pat Parent" in ok.output
    assert broken.exit_code == 1
    assert "The document was changed after it was sealed" in broken.output


def test_the_signed_plan_is_never_offered_for_signing_again(app, as_commissioner, placement, db_session):
    _sign_everyone(app, as_commissioner, placement, db_session)
    page = text(as_commissioner.get(f"/placements/{placement.id}/signatures"))
    assert "Signed by everyone" in page and "Download the sealed PDF" in page
    rounds = db_session.scalars(sa.select(SignatureRequest)).all()
    assert len(rounds) == 1
