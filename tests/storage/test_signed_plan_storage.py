"""The signed plan through storage: the plan version put to signature is read back from the store (and its hash
checked) for the in-person signing page; the certificate and the seal are added and the sealed PDF is put into the
store, where it verifies; the parent's copy is emailed as an .eml in the store. On the local folder and on S3."""

from __future__ import annotations

from pathlib import Path

from service.documents.models import Document
from service.files import sha256_of
from service.signing.sealing import verify_pdf
from service.storage import storage_for
from tests.signing.conftest import messages_to, placement, pool  # noqa: F401 - an agreed plan, made for real
from tests.signing.test_signed_plan import _sign_everyone
from tests.signing.test_signing_flow import _round
from tests.storage.conftest import bucket_keys, files_under


def test_the_sealed_plan_is_made_from_and_kept_in_storage(  # type: ignore[no-untyped-def]
    app,
    store_kind,
    request,
    as_commissioner,
    placement,  # noqa: F811
    db_session,
):
    sealed = _sign_everyone(app, as_commissioner, placement, db_session)
    storage = storage_for(app.config)
    data = storage.get(sealed.pdf_path)
    assert sha256_of(data) == sealed.pdf_sha256
    verification = verify_pdf(data)
    assert verification.ok, verification.problems

    # The version the round pinned, served by the app from the store after its hash check.
    round_ = _round(db_session)
    signed_version = db_session.get(Document, round_.document_id)
    response = as_commissioner.get(f"/placements/{placement.id}/signatures/{round_.id}/plan.pdf")
    assert response.status_code == 200 and response.get_data() == storage.get(signed_version.pdf_path)
    assert as_commissioner.get(f"/documents/{sealed.id}/pdf").get_data() == data

    [copy] = [m for m in messages_to(db_session, "pat@example.com") if m.purpose == "signed_plan"]
    assert copy.eml_path and storage.exists(copy.eml_path)
    if store_kind == "s3":
        keys = bucket_keys(request.getfixturevalue("s3_server"), app.config["APDOCS_STORAGE_URL"])
        assert f"apdocs/{sealed.pdf_path}" in keys and f"apdocs/{copy.eml_path}" in keys
        assert files_under(Path(app.config["APDOCS_OUTPUT_DIR"])) == []
