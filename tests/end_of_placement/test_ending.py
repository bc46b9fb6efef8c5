"""Ending a placement through the real form: the outcome against each objective, accreditation and the
destination are recorded, the placement ends on its last day, and a Year 11 pupil cannot leave to nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from service.end_of_placement.models import EndOfPlacement
from service.placements.models import Placement
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import sign_in
from tests.helpers import date_fields, form_data, text

HOSTILE = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 مرحبا"


def _placement(school, provider, born: date):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, date_of_birth=born)
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE, planned_start=date.today() - timedelta(days=90)
    )
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session", baseline="62%", target="95%")
    return placement


def _fields(page, last_day: date, **extra):  # type: ignore[no-untyped-def]
    """What a browser posts: the visible answers and the hidden objective ids the page carries."""
    hidden = dict(re.findall(r'name="(outcomes-\d+-objective_id)"[^>]*value="(\d+)"', text(page)))
    assert hidden, "the page has no objective rows"
    return {
        **hidden,
        **date_fields("ended_on", last_day.day, last_day.month, last_day.year),
        "reason": "completed",
        "outcomes-0-rating": "good",
        "outcomes-0-outcome": "91% over the placement. " + HOSTILE,
        "accreditation_english": "Functional Skills English Entry 3",
        "accreditation_maths": "Functional Skills maths Level 1",
        "pupil_assessment": HOSTILE,
        "destination": "further_education",
        "destination_detail": "Westshire College",
        **extra,
    }


def test_ending_records_the_outcomes_and_ends_the_placement_on_its_last_day(
    as_commissioner, school, provider, db_session
):
    placement = _placement(school, provider, date(2011, 3, 14))
    url = f"/placements/{placement.id}/end"
    page = as_commissioner.get(url)
    assert "Attend every session" in text(page) and "From: 62%" in text(page)
    last_day = date.today() - timedelta(days=1)
    response = as_commissioner.post(url, data=form_data(page, _fields(page, last_day)))
    assert response.status_code == 302, text(response)
    db_session.expire_all()
    ended = db_session.get(Placement, placement.id)
    assert ended.status is PlacementStatus.ENDED and ended.actual_end == last_day
    record = db_session.scalars(sa.select(EndOfPlacement)).one()
    assert record.pupil_assessment == HOSTILE
    [outcome] = record.outcomes
    assert (outcome.objective_text, outcome.baseline, outcome.target) == ("Attend every session", "62%", "95%")
    shown = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "How the placement ended" in shown and "Further education" in shown
    assert as_commissioner.get(url).status_code == 302  # cannot be ended twice


def test_a_year_11_pupil_cannot_leave_without_a_destination_and_nothing_is_saved(
    as_commissioner, school, provider, db_session
):
    placement = _placement(school, provider, date(2011, 3, 14))  # Year 11 in 2026/27
    url = f"/placements/{placement.id}/end"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, _fields(page, date.today(), destination="")))
    assert response.status_code == 400
    assert "a Year 11 pupil must not leave to nothing" in text(response)
    assert "91% over the placement. Tom &amp; Jerry" in text(response)  # what was typed stays
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).status is PlacementStatus.ACTIVE
    assert db_session.scalars(sa.select(EndOfPlacement)).all() == []


def test_a_younger_pupil_may_leave_without_one(as_commissioner, school, provider):
    placement = _placement(school, provider, date(2014, 3, 14))  # Year 8
    page = as_commissioner.get(f"/placements/{placement.id}/end")
    response = as_commissioner.post(
        f"/placements/{placement.id}/end", data=form_data(page, _fields(page, date.today(), destination=""))
    )
    assert response.status_code == 302


def test_the_last_day_cannot_be_in_the_future_or_before_the_start(as_commissioner, school, provider):
    placement = _placement(school, provider, date(2011, 3, 14))
    url = f"/placements/{placement.id}/end"
    page = as_commissioner.get(url)
    future = as_commissioner.post(url, data=form_data(page, _fields(page, date.today() + timedelta(days=1))))
    assert "The last day must be today or in the past" in text(future)
    early = as_commissioner.post(url, data=form_data(page, _fields(page, date.today() - timedelta(days=200))))
    assert "The last day must be on or after the placement started" in text(early)
    missing = as_commissioner.post(url, data=form_data(page, _fields(page, date.today(), **{"outcomes-0-rating": ""})))
    assert "Choose the progress made against this objective" in text(missing)


def test_another_schools_commissioner_gets_404(client, school, provider, other_commissioner):
    placement = _placement(school, provider, date(2011, 3, 14))
    sign_in(client, other_commissioner)
    assert client.get(f"/placements/{placement.id}/end").status_code == 404
