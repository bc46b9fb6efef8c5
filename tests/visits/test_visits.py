"""Visits through the real form: recorded with what was seen and what the pupil said, refused in the future
or before the placement, and the placement page says when the next one is due and flags it overdue."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from service.rules.placement_status import PlacementStatus
from service.visits.models import Visit
from tests import factories
from tests.conftest import sign_in
from tests.helpers import date_fields, form_data, text

HOSTILE = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 مرحبا"


def _placement(school, provider, starts_on):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school)
    return factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE, planned_start=starts_on
    )


def _post(client, placement, day: date, **fields):  # type: ignore[no-untyped-def]
    url = f"/placements/{placement.id}/visits/new"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        **date_fields("visited_on", day.day, day.month, day.year),
        "visitors": "Ms K Owen, SENCO",
        "what_was_seen": "A construction session. " + HOSTILE,
        "pupil_views": "I like it here.",
        "concerns": "",
        **fields,
    }
    return client.post(url, data=form_data(page, data))


def test_a_visit_is_recorded_and_shown_as_typed(as_commissioner, school, provider, db_session):
    placement = _placement(school, provider, date.today() - timedelta(days=30))
    response = _post(as_commissioner, placement, date.today())
    assert response.status_code == 302
    visit = db_session.scalars(sa.select(Visit)).one()
    assert visit.what_was_seen.endswith(HOSTILE)
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "Tom &amp; Jerry &lt;script&gt;" in page
    section = page.split('id="visits"')[1].split("Record a visit")[0]
    assert "Next visit due by" in section and "Overdue" not in section


def test_a_future_visit_or_one_before_the_start_is_refused_next_to_the_date(
    as_commissioner, school, provider, db_session
):
    placement = _placement(school, provider, date.today() - timedelta(days=10))
    future = _post(as_commissioner, placement, date.today() + timedelta(days=1))
    assert future.status_code == 400
    assert "The date of the visit must be today or in the past" in text(future)
    assert "A construction session. Tom &amp; Jerry" in text(future)  # what was typed stays
    before = _post(as_commissioner, placement, date.today() - timedelta(days=11))
    assert "The visit must be on or after the placement started" in text(before)
    missing = _post(as_commissioner, placement, date.today(), what_was_seen="")
    assert "Enter what you saw" in text(missing)
    assert db_session.scalars(sa.select(Visit)).all() == []


def test_no_visit_for_too_long_is_flagged_overdue(as_commissioner, school, provider):
    placement = _placement(school, provider, date.today() - timedelta(days=120))
    section = (
        text(as_commissioner.get(f"/placements/{placement.id}")).split('id="visits"')[1].split("Record a visit")[0]
    )
    assert "Next visit due by" in section and "Overdue" in section


def test_the_period_can_be_set_in_working_days(as_commissioner, school, provider, app):
    app.config["APDOCS_VISIT_WORKING_DAYS"] = 400
    placement = _placement(school, provider, date.today() - timedelta(days=120))
    section = (
        text(as_commissioner.get(f"/placements/{placement.id}")).split('id="visits"')[1].split("Record a visit")[0]
    )
    assert "Next visit due by" in section and "Overdue" not in section


def test_another_schools_commissioner_gets_404(client, school, provider, other_commissioner):
    placement = _placement(school, provider, date.today() - timedelta(days=30))
    sign_in(client, other_commissioner)
    assert client.get(f"/placements/{placement.id}/visits/new").status_code == 404
