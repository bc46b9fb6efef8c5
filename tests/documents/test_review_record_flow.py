"""A commissioner produces the record of one of a placement's reviews, through the real engine; a review
record is never made without a review of that placement, and the placement page never offers one."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.documents import services
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import csrf_token, text

pytestmark = pytest.mark.usefixtures("default_templates")


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Amara", legal_last_name="Nwosu")
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.UNDER_REVIEW)


def _ask(client, placement_id: int, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/placements/{placement_id}")
    return client.post(
        f"/placements/{placement_id}/documents",
        data={"csrf_token": csrf_token(page), "doc_type": "review-record", **fields},
        follow_redirects=True,
    )


def _pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def test_a_commissioner_gets_the_record_of_the_review_they_chose(as_commissioner, placement, db_session) -> None:  # type: ignore[no-untyped-def]
    first = factories.ReviewFactory(placement=placement, number=1, notes="First review notes.")
    factories.ReviewFactory(placement=placement, number=2, meeting_date=date(2026, 3, 23), notes="Second notes.")

    page = _ask(as_commissioner, placement.id, review_id=str(first.id))

    assert "Review record of review 1 is being made" in text(page)
    document = db_session.scalar(sa.select(Document))
    assert document.status is DocumentStatus.READY, document.error
    assert (document.doc_type, document.review_id) == (DocumentType.REVIEW_RECORD, first.id)
    words = _pdf_text(as_commissioner.get(f"/documents/{document.id}/pdf").data)
    assert "Amara Nwosu" in words and "First review notes." in words and "Second notes." not in words
    assert "OFFICIAL-SENSITIVE" in words


@pytest.mark.parametrize("review_id", [None, "", "abc", "²", "999999"])
def test_no_review_record_without_a_review_of_the_placement(as_commissioner, placement, db_session, review_id) -> None:  # type: ignore[no-untyped-def]
    factories.ReviewFactory(placement=placement, number=1)
    fields = {} if review_id is None else {"review_id": review_id}

    assert _ask(as_commissioner, placement.id, **fields).status_code == 404
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_another_placements_review_cannot_be_recorded_on_this_one(
    as_commissioner, placement, school, provider, db_session
) -> None:  # type: ignore[no-untyped-def]
    other = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    theirs = factories.ReviewFactory(placement=other, number=1)

    assert _ask(as_commissioner, placement.id, review_id=str(theirs.id)).status_code == 404
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_the_placement_page_cannot_produce_a_review_record() -> None:
    # Nor the end-of-placement report: that is made by ending the placement.
    assert services.placement_document_types() == [DocumentType.SUPPORT_PLAN, DocumentType.PROVIDER_PACK]
    assert DocumentType.REVIEW_RECORD in services.context_builders()
    assert DocumentType.END_OF_PLACEMENT_REPORT in services.context_builders()


def test_a_review_record_is_never_queued_without_a_review(app, placement, db_session) -> None:  # type: ignore[no-untyped-def]
    output = Path(app.config["APDOCS_OUTPUT_DIR"])
    with pytest.raises(ValueError, match="one of the placement's reviews"):
        services.request_document(None, placement, DocumentType.REVIEW_RECORD, output)


def test_render_all_finds_only_placements_with_a_review(app, placement, school, provider, db_session) -> None:  # type: ignore[no-untyped-def]
    factories.ReviewFactory(placement=placement, number=1)
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.ACTIVE
    )

    assert services.placements_with_data_for(DocumentType.REVIEW_RECORD) == [placement.id]


def test_the_latest_review_is_the_highest_number(app, placement, db_session) -> None:  # type: ignore[no-untyped-def]
    assert services.latest_review(placement) is None
    factories.ReviewFactory(placement=placement, number=2)
    first = factories.ReviewFactory(placement=placement, number=1)
    db_session.expire_all()

    assert services.latest_review(placement).number == 2
    assert services.review_of(placement, first.id) == first
    assert services.review_of(placement, None) is None
