"""An active placement at Horizon, every weekday morning and afternoon, started three weeks before last Monday."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest

from service.placements.models import Placement, PlacementSession
from service.rules.attendance_codes import monday_of
from service.rules.placement_status import PlacementStatus
from tests import factories


@pytest.fixture
def last_monday() -> date:
    """The Monday of last week: every day of it is in the past, whatever day the tests run."""
    return monday_of(date.today()) - timedelta(weeks=1)


def full_time_placement(pupil, provider, start: date, **kwargs) -> Placement:  # type: ignore[no-untyped-def]
    placement = factories.PlacementFactory(
        pupil=pupil,
        provider=provider,
        status=kwargs.pop("status", PlacementStatus.ACTIVE),
        planned_start=start,
        actual_start=start,
        with_sessions=False,
        **kwargs,
    )
    placement.sessions = [PlacementSession(weekday=d, starts_at=time(9, 0), ends_at=time(15, 0)) for d in range(5)]
    from service.extensions import db

    db.session.commit()
    return placement


@pytest.fixture
def placement(school, provider, last_monday) -> Placement:  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    return full_time_placement(pupil, provider, last_monday - timedelta(weeks=3))


def cell(day: date, session: str) -> str:
    return f"mark-{day.isoformat()}-{session}"


def week_url(placement: Placement, monday: date) -> str:
    return f"/placements/{placement.id}/attendance/week/{monday.isoformat()}"


def upload_marks(client, content: str):  # type: ignore[no-untyped-def]
    """Post ``content`` as a CSV file through the import page, as a browser does."""
    from tests.helpers import form_data

    page = client.get("/attendance/import")
    assert page.status_code == 200
    return client.post(
        "/attendance/import",
        data=form_data(page, {"file": (io.BytesIO(content.encode()), "marks.csv")}),
        content_type="multipart/form-data",
    )
