"""Generated files through storage, on the local output folder and on an S3-compatible server on loopback: a
document requested, made (docxtpl, LibreOffice) and downloaded through the app with the bytes that were stored; the
Word template copy it was made from; the provider pack's email as an .eml; and the wrong organisation still gets 404.
With ``APDOCS_STORAGE_URL`` set, nothing of it is left on the machine's disk."""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.files import sha256_of
from service.mail.models import MessageStatus, OutboxMessage
from service.rules.delivery import MailDelivery
from service.settings import Settings
from service.storage import BadKey, LocalStorage, S3Storage, storage_for
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text
from tests.provider_packs.conftest import contact, placement  # noqa: F401 - a placement ready for its pack
from tests.storage.conftest import bucket_keys, files_under

pytestmark = pytest.mark.usefixtures("default_templates")


def _produce_plan(client, placement_id: int):  # type: ignore[no-untyped-def]
    page = client.get(f"/placements/{placement_id}")
    return client.post(
        f"/placements/{placement_id}/documents",
        data=form_data(page, {"doc_type": "support-plan"}),
        follow_redirects=True,
    )


def test_a_document_is_kept_in_storage_and_downloaded_only_through_the_app(  # type: ignore[no-untyped-def]
    app,
    store_kind,
    request,
    as_commissioner,
    placement,  # noqa: F811
    other_commissioner,
    db_session,
):
    page = _produce_plan(as_commissioner, placement.id)
    assert "AP Support Plan, version 1 is being made" in text(page)
    document = db_session.scalars(sa.select(Document)).one()
    assert document.status is DocumentStatus.READY, document.error
    storage = storage_for(app.config)
    assert isinstance(storage, S3Storage if store_kind == "s3" else LocalStorage)
    pdf, docx = storage.get(document.pdf_path), storage.get(document.docx_path)
    assert pdf.startswith(b"%PDF-") and sha256_of(pdf) == document.pdf_sha256
    assert docx.startswith(b"PK") and sha256_of(docx) == document.docx_sha256
    # The Word template copy the document was made from, kept by its SHA-256 in the same store.
    template_key = f"templates/{document.template_sha256}.docx"
    assert sha256_of(storage.get(template_key)) == document.template_sha256

    for kind, stored in (("pdf", pdf), ("docx", docx)):
        response = as_commissioner.get(f"/documents/{document.id}/{kind}")
        assert response.status_code == 200
        assert response.get_data() == stored
        assert "attachment" in response.headers["Content-Disposition"]

    output = Path(app.config["APDOCS_OUTPUT_DIR"])
    made = sorted([document.docx_path, document.pdf_path, template_key])
    if store_kind == "s3":
        assert bucket_keys(request.getfixturevalue("s3_server"), app.config["APDOCS_STORAGE_URL"]) == [
            f"apdocs/{key}" for key in made
        ]
        assert files_under(output) == []  # nothing on this machine's disk: another machine serves the same
    else:
        assert files_under(output) == made

    # Another school's commissioner: the same addresses are not found, whichever store holds the file.
    other = browser(app)
    sign_in(other, other_commissioner)
    for kind in ("pdf", "docx"):
        assert other.get(f"/documents/{document.id}/{kind}").status_code == 404


def test_the_pack_email_is_kept_in_storage_as_an_eml(  # type: ignore[no-untyped-def]
    app,
    store_kind,
    as_commissioner,
    placement,  # noqa: F811
    school,
    db_session,
):
    school.mail_delivery = MailDelivery.ATTACH
    db_session.commit()
    preview = as_commissioner.get(f"/placements/{placement.id}/provider-pack/preview")
    assert (
        as_commissioner.post(f"/placements/{placement.id}/provider-pack/send", data=form_data(preview, {})).status_code
        == 302
    )
    db_session.expire_all()
    message = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == "provider_pack")).one()
    assert message.status is MessageStatus.SENT, message.last_error
    assert message.eml_path.startswith("mail/") and message.eml_path.endswith(".eml")
    pack = db_session.scalars(sa.select(Document).where(Document.doc_type == DocumentType.PROVIDER_PACK)).one()

    storage = storage_for(app.config)
    email = message_from_bytes(storage.get(message.eml_path), policy=policy.default)
    assert email["To"] == "placements@provider.example"
    [attachment] = list(email.iter_attachments())
    assert attachment.get_content() == storage.get(pack.pdf_path)
    if store_kind == "s3":
        assert files_under(Path(app.config["APDOCS_OUTPUT_DIR"])) == []


def test_the_store_keeps_bytes_whole_and_refuses_keys_that_reach_outside_it(app, store_kind):  # type: ignore[no-untyped-def]
    storage = storage_for(app.config)
    storage.put("documents/1/a.pdf", b"first")
    storage.put("documents/1/a.pdf", b"second")
    assert storage.get("documents/1/a.pdf") == b"second" and storage.exists("documents/1/a.pdf")
    storage.delete("documents/1/a.pdf")
    storage.delete("documents/1/a.pdf")  # twice: nothing to do
    assert not storage.exists("documents/1/a.pdf")
    with pytest.raises(FileNotFoundError):
        storage.get("documents/1/a.pdf")
    for key in ("../secret_key", "/etc/passwd", "documents//a.pdf", "documents/./a.pdf", "a\\b", ""):
        assert not storage.exists(key)
        with pytest.raises(BadKey):
            storage.get(key)
        with pytest.raises(BadKey):
            storage.put(key, b"x")


def test_a_document_row_naming_a_path_outside_the_store_is_not_found(  # type: ignore[no-untyped-def]
    app,
    as_commissioner,
    placement,  # noqa: F811
    db_session,
):
    _produce_plan(as_commissioner, placement.id)
    document = db_session.scalars(sa.select(Document)).one()
    document.pdf_path = "../../../../etc/passwd"
    db_session.commit()
    assert as_commissioner.get(f"/documents/{document.id}/pdf").status_code == 404


@pytest.mark.parametrize("url", ["http://bucket/prefix", "s3://", "s3:///prefix", "s3://bucket/../up"])
def test_a_storage_url_that_is_not_s3_stops_the_service_starting(monkeypatch, url):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APDOCS_STORAGE_URL", url)
    with pytest.raises(ValueError, match="APDOCS_STORAGE_URL"):
        Settings.from_env()


@pytest.mark.parametrize("store_kind", ["s3"])  # about the object store only
def test_a_store_that_cannot_be_reached_fails_the_document_with_a_plain_reason(  # type: ignore[no-untyped-def]
    app,
    request,
    placement,  # noqa: F811
    db_session,
    caplog,
):
    """The bucket is gone between the request and the work (as when the store is down or refuses us): the job may
    try again later; without retries left the document fails with a reason a person can read, and the log names
    the document and the store's error code, never the pupil."""
    from service.documents import services
    from service.documents.engine.converter import ConverterPool, PoolSettings

    document = services.request_document(
        None, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    db_session.commit()
    server = request.getfixturevalue("s3_server")
    bucket = app.config["APDOCS_STORAGE_URL"].removeprefix("s3://").partition("/")[0]
    client = server.client()
    for key in bucket_keys(server, app.config["APDOCS_STORAGE_URL"]):
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)

    output = Path(app.config["APDOCS_OUTPUT_DIR"])
    with ConverterPool(PoolSettings.from_env()) as pool:
        with pytest.raises(services.TryAgainLater):
            services.produce(document.id, pool, output, retry_later=True)
        db_session.expire_all()
        assert db_session.get(Document, document.id).status is DocumentStatus.QUEUED
        made = services.produce(document.id, pool, output)
    assert made.status is DocumentStatus.FAILED
    assert made.error == "The store that keeps documents could not be reached. Try again in a few minutes"
    logged = [record.getMessage() for record in caplog.records]
    assert any(f"storing document {document.id} (support-plan) failed: " in line for line in logged), logged
    for line in logged:
        assert placement.pupil.legal_last_name not in line and bucket not in line


@pytest.mark.parametrize("store_kind", ["s3"])  # the local folder converts in place, with no scratch folder
def test_conversion_folders_go_and_those_dead_workers_left_are_swept(  # type: ignore[no-untyped-def]
    app,
    as_commissioner,
    placement,  # noqa: F811
    db_session,
    tmp_path,
    monkeypatch,
):
    """With an object store, LibreOffice converts in a temporary folder: it goes when the document is made, and one
    that a worker killed mid-document left (its DOCX holds the pupil's details) goes at the next conversion. A live
    process's folder stays."""
    import subprocess
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ended = subprocess.Popen(["true"])  # noqa: S607 - a process that has ended: its pid is free
    ended.wait()
    left = scratch / f"apdocs-convert-{ended.pid}-abc123"
    left.mkdir()
    (left / "support-plan-placement-1-v1.docx").write_bytes(b"a pupil's plan")
    live = scratch / f"apdocs-convert-{os.getpid()}-def456"  # this process: alive
    live.mkdir()

    _produce_plan(as_commissioner, placement.id)
    document = db_session.scalars(sa.select(Document)).one()
    assert document.status is DocumentStatus.READY, document.error
    # (LibreOffice's and the render workers' own folders, of the live pools, are theirs to clean up.)
    assert sorted(p.name for p in scratch.glob("apdocs-convert-*")) == [live.name]
