"""The signals features subscribe to: sent by the real code paths, with what their docstrings promise.

A commissioner asks for the AP Support Plan through the web client; the real engine (docxtpl, LibreOffice) makes
it in the job the commit enqueued. Missing LibreOffice skips (fails when CI=true), as the documents tests do.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from service.signals import document_ready, document_requested
from tests import factories
from tests.documents.conftest import pool  # noqa: F401 - skips without LibreOffice, as the documents tests do
from tests.helpers import csrf_token

pytestmark = pytest.mark.usefixtures("default_templates")


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school)
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.AGREED)


def _ask_for_the_plan(client, placement_id: int) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/placements/{placement_id}")
    client.post(
        f"/placements/{placement_id}/documents",
        data={"csrf_token": csrf_token(page), "doc_type": "support-plan"},
        follow_redirects=True,
    )


@pytest.mark.usefixtures("pool")
def test_a_receiver_of_document_ready_gets_the_document_once_it_is_made(as_commissioner, placement, db_session):
    made: list[tuple[int, DocumentStatus, bool]] = []

    def receiver(document: Document) -> None:
        made.append((document.id, document.status, bool(document.pdf_path)))

    with document_ready.connected_to(receiver):
        _ask_for_the_plan(as_commissioner, placement.id)

    document = db_session.scalar(sa.select(Document))
    assert document.status is DocumentStatus.READY, document.error
    assert made == [(document.id, DocumentStatus.READY, True)]


def test_a_receiver_of_document_requested_hears_who_asked_for_what(as_commissioner, commissioner, placement):
    asked: list[tuple[int, int | None, DocumentType]] = []

    def receiver(sender, *, user, doc_type) -> None:  # type: ignore[no-untyped-def]
        asked.append((sender.id, user.id if user else None, doc_type))

    with document_requested.connected_to(receiver):
        _ask_for_the_plan(as_commissioner, placement.id)

    assert asked == [(placement.id, commissioner.id, DocumentType.SUPPORT_PLAN)]
