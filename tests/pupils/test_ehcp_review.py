"""The EHCP annual review: recorded on the pupil record, its due date shown on the pupil and placement pages, and
flagged on To do today when overdue or due within four weeks (Children and Families Act 2014 s44)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.dashboard.attention import needs_action
from service.pupils.models import Pupil, SenStatus
from service.pupils.services import PupilDetails, apply_details
from service.rules.dates import uk_date
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import date_fields, form_data, text


def _one_year_on(day: date) -> date:
    return day.replace(year=day.year + 1) if (day.month, day.day) != (2, 29) else date(day.year + 1, 2, 28)


def test_the_last_review_is_recorded_and_the_next_one_shown_as_due(
    as_commissioner, commissioner, pupil, pupil_fields, db_session
):
    last = date.today() - timedelta(days=350)  # due in about two weeks
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    assert "Date of the last EHCP annual review" in text(page)
    fields = pupil_fields(sen_status="ehcp", **date_fields("ehcp_last_annual_review", last.day, last.month, last.year))
    response = as_commissioner.post(f"/pupils/{pupil.id}/edit", data=form_data(page, fields))
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Pupil, pupil.id).ehcp_last_annual_review == last
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "pupil")).all()[-1]
    assert "ehcp_last_annual_review" in event.detail["fields"]

    shown = text(as_commissioner.get(f"/pupils/{pupil.id}"))
    assert "EHCP annual review" in shown
    assert uk_date(_one_year_on(last)) in shown and "Due soon" in shown


def test_a_review_date_in_the_future_is_refused_next_to_the_field(as_commissioner, pupil, pupil_fields, db_session):
    soon = date.today() + timedelta(days=3)
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    fields = pupil_fields(sen_status="ehcp", **date_fields("ehcp_last_annual_review", soon.day, soon.month, soon.year))
    response = as_commissioner.post(f"/pupils/{pupil.id}/edit", data=form_data(page, fields))
    assert response.status_code == 200
    assert "Date of the last EHCP annual review (optional) must be today or in the past" in text(response)
    db_session.expire_all()
    assert db_session.get(Pupil, pupil.id).ehcp_last_annual_review is None


def test_without_an_ehcp_no_review_date_is_kept_or_shown(as_commissioner, pupil, pupil_fields, db_session):
    last = date.today() - timedelta(days=100)
    page = as_commissioner.get(f"/pupils/{pupil.id}/edit")
    fields = pupil_fields(
        sen_status="sen_support", **date_fields("ehcp_last_annual_review", last.day, last.month, last.year)
    )
    assert as_commissioner.post(f"/pupils/{pupil.id}/edit", data=form_data(page, fields)).status_code == 302
    db_session.expire_all()
    assert db_session.get(Pupil, pupil.id).ehcp_last_annual_review is None
    assert "EHCP annual review" not in text(as_commissioner.get(f"/pupils/{pupil.id}"))


def test_the_import_leaves_a_recorded_review_date_alone(pupil, db_session):
    pupil.sen_status = SenStatus.EHCP
    pupil.ehcp_last_annual_review = date(2026, 3, 2)
    db_session.commit()
    details = PupilDetails(
        legal_first_name=pupil.legal_first_name,
        legal_last_name=pupil.legal_last_name,
        preferred_name=None,
        date_of_birth=pupil.date_of_birth,
        upn=pupil.upn,
        school_id=pupil.school_id,
        sen_status=SenStatus.EHCP,
        parents=None,
    )  # as the MIS import builds it: no EHCP review date
    assert "ehcp_last_annual_review" not in apply_details(pupil, details)
    assert pupil.ehcp_last_annual_review == date(2026, 3, 2)


def _ehcp_placement(school, provider, name: str, last_review: date | None, status=PlacementStatus.ACTIVE):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(
        organisation=school, legal_first_name=name, sen_status=SenStatus.EHCP, ehcp_last_annual_review=last_review
    )
    return factories.PlacementFactory(pupil=pupil, provider=provider, status=status)


def test_to_do_today_flags_reviews_overdue_or_due_within_four_weeks(
    as_commissioner, commissioner, school, other_school, provider
):
    today = date(2026, 12, 5)
    placements = [
        _ehcp_placement(school, provider, "Overdue", date(2025, 11, 1)),
        _ehcp_placement(school, provider, "Soon", date(2026, 1, 2)),  # due 2 January 2027: exactly four weeks
        _ehcp_placement(school, provider, "Later", date(2026, 1, 3)),  # due in 29 days
        _ehcp_placement(school, provider, "Unknown", None),
        _ehcp_placement(school, provider, "Ended", date(2025, 1, 1), PlacementStatus.ENDED),
    ]
    items = next(g for g in needs_action(commissioner, placements, today) if g.key == "ehcp_reviews").items
    assert [item.title.split()[0] for item in items] == ["Overdue", "Soon"]
    assert items[0].reason == "The EHCP annual review was due by 1 November 2026: 34 days overdue."
    assert items[1].reason == "The EHCP annual review is due by 2 January 2027."
    assert (items[0].endpoint, items[0].values, items[0].anchor) == (
        "pupils.show_pupil",
        {"pupil_id": placements[0].pupil_id},
        "ehcp-review",
    )
    # Another school's pupil is never on this school's list, even if handed in.
    theirs = _ehcp_placement(other_school, provider, "Theirs", date(2025, 1, 1))
    items = next(g for g in needs_action(commissioner, [theirs], today) if g.key == "ehcp_reviews").items
    assert items == []


def test_the_dashboard_and_the_placement_page_show_the_review_due(as_commissioner, school, provider):
    placement = _ehcp_placement(school, provider, "Robin", date.today() - timedelta(days=400))
    dashboard = text(as_commissioner.get("/"))
    assert "EHCP annual reviews due (1)" in dashboard
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "EHCP annual review due" in page and "Overdue" in page
