"""A destination is never left vague for a pupil who must stay in education or training until 18.

"Something else" needs its detail; "not in education, employment or training" needs the SENCO's explicit
confirmation and what is being done about it (who was told, when), and the end-of-placement report says so.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.audit.models import AuditEvent
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.end_of_placement.models import EndOfPlacement
from service.placements.models import Placement
from service.rules.placement_status import PlacementStatus
from tests.end_of_placement.test_ending import _fields, _placement
from tests.helpers import date_fields, form_data, text

FOLLOW_UP = "Referred to Westshire's post-16 participation team; careers adviser meeting booked."
YEAR_11 = date(2011, 3, 14)  # Year 11 in 2026/27


def _end(client, placement_id: int, **extra):  # type: ignore[no-untyped-def]
    url = f"/placements/{placement_id}/end"
    page = client.get(url)
    return client.post(url, data=form_data(page, _fields(page, date.today(), **extra)))


def _still_active(db_session, placement_id: int) -> bool:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    placement = db_session.get(Placement, placement_id)
    return placement.status is PlacementStatus.ACTIVE and placement.end_of_placement is None


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"destination": "other", "destination_detail": ""},
            "destination_detail",
            "Say what the pupil is going on to",
        ),
        (
            {"destination": "neet", "destination_detail": ""},
            "neet_confirmed",
            "Confirm that the pupil has no education, employment or training to go to",
        ),
        (
            {"destination": "neet", "neet_confirmed": "y", "destination_detail": ""},
            "neet_follow_up",
            "Say what is being done so the pupil takes part in education or training",
        ),
        (
            {"destination": "neet", "neet_confirmed": "y", "neet_follow_up": FOLLOW_UP, "destination_detail": ""},
            "neet_follow_up_on",
            "Enter the date",
        ),
    ],
)
def test_a_vague_destination_is_refused_next_to_the_field_and_nothing_is_lost(
    as_commissioner, school, provider, db_session, extra, field, message
):
    placement = _placement(school, provider, YEAR_11)
    response = _end(as_commissioner, placement.id, **extra)
    assert response.status_code == 400
    body = html.unescape(text(response))
    assert message in body
    assert f'href="#{field}' in body  # the error summary links to the field the message sits next to
    assert "91% over the placement. Tom & Jerry" in body  # what was typed stays
    assert _still_active(db_session, placement.id)


def test_neet_with_the_confirmation_and_the_follow_up_is_accepted_and_reported(
    as_commissioner, school, provider, db_session, default_templates
):
    placement = _placement(school, provider, YEAR_11)
    referred_on = date.today() - timedelta(days=1)
    response = _end(
        as_commissioner,
        placement.id,
        destination="neet",
        destination_detail="Offered a college place; turned it down for now.",
        neet_confirmed="y",
        neet_follow_up=FOLLOW_UP,
        **date_fields("neet_follow_up_on", referred_on.day, referred_on.month, referred_on.year),
    )
    assert response.status_code == 302, text(response)
    db_session.expire_all()
    record = db_session.scalars(sa.select(EndOfPlacement)).one()
    assert (record.neet_confirmed, record.neet_follow_up, record.neet_follow_up_on) == (True, FOLLOW_UP, referred_on)
    [event] = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "end")).all()
    assert (event.entity_id, event.detail) == (placement.id, {"reason": "completed", "destination": "neet"})
    page = html.unescape(text(as_commissioner.get(f"/placements/{placement.id}")))
    assert "Not in education, employment or training" in page and FOLLOW_UP in page
    [report] = db_session.scalars(
        sa.select(Document).where(Document.doc_type == DocumentType.END_OF_PLACEMENT_REPORT)
    ).all()
    assert report.status is DocumentStatus.READY, report.error
    pdf = as_commissioner.get(f"/documents/{report.id}/pdf").data
    words = re.sub(r"\s+", " ", "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Not in education, employment or training" in words
    assert FOLLOW_UP in words


def test_something_else_with_its_detail_is_accepted(as_commissioner, school, provider, db_session):
    placement = _placement(school, provider, YEAR_11)
    response = _end(
        as_commissioner, placement.id, destination="other", destination_detail="Full-time carer for a parent."
    )
    assert response.status_code == 302, text(response)


def test_a_year_8_pupil_going_nowhere_is_not_accepted_silently_either(as_commissioner, school, provider, db_session):
    """Under 18, whatever the year group: the duty to participate, and before 16 the duty to educate."""
    placement = _placement(school, provider, date(2014, 3, 14))
    response = _end(as_commissioner, placement.id, destination="neet", destination_detail="")
    assert response.status_code == 400
    assert "Confirm that the pupil has no education, employment or training to go to" in html.unescape(text(response))
    assert _still_active(db_session, placement.id)
