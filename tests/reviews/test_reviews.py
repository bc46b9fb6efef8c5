"""Recording review meetings through the real form: progress against every objective, the review record, a new
plan version when the plan changed, an extension moving the end date, and every error kept next to its field."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from service.db import utcnow
from service.documents.models import Document
from service.documents.types import DocumentType
from service.placements.models import Placement
from service.reviews.models import Review
from service.rules.attendance_codes import attendance_percent
from service.rules.outcomes import ProgressRating
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import date_fields, form_data, text


@pytest.fixture
def agreed(school, provider, commissioner, db_session) -> Placement:  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE, planned_start=date(2026, 1, 5)
    )
    plan = factories.SupportPlanFactory(placement=placement, agreed_at=utcnow(), agreed_by_id=commissioner.id)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
    factories.PlanObjectiveFactory(support_plan=plan, objective="Read a chapter a week", area=None)
    factories.PlanInterventionFactory(support_plan=plan)
    db_session.commit()
    return placement


def _review_fields(placement: Placement, **overrides: Any) -> dict[str, Any]:
    objectives = placement.support_plan.objectives
    fields: dict[str, Any] = {
        **date_fields("meeting_date", 9, 2, 2026),
        "present": "Ms K Owen (SENCO), Alex Jones (provider), Pat Parent",
        **date_fields("attendance_from", 5, 1, 2026),
        **date_fields("attendance_to", 6, 2, 2026),
        "sessions_possible": "50",
        "sessions_attended": "44",
        "pupil_views": "I like the workshop & the staff.",
        "parent_views": "Much happier in the mornings.",
        "notes": "A good start.",
        "extension_agreed": "no",
    }
    for index, objective in enumerate(objectives):
        fields[f"progress-{index}-objective_id"] = str(objective.id)
        fields[f"progress-{index}-rating"] = "some"
        fields[f"progress-{index}-evidence"] = f"Evidence {index}"
    fields.update(overrides)
    return fields


def _post(client, placement: Placement, fields: dict[str, Any]):  # type: ignore[no-untyped-def]
    page = client.get(f"/placements/{placement.id}/reviews/new")
    assert page.status_code == 200
    return client.post(f"/placements/{placement.id}/reviews/new", data=form_data(page, fields))


def test_a_review_is_saved_with_progress_and_produces_its_record(
    as_commissioner, agreed, db_session, default_templates
):
    response = _post(as_commissioner, agreed, _review_fields(agreed))
    assert response.status_code == 302, text(response)[:3000]
    assert response.headers["Location"].endswith(f"/placements/{agreed.id}/reviews/1")
    review = db_session.scalar(sa.select(Review).where(Review.placement_id == agreed.id))
    assert review.number == 1
    assert review.attendance_percent == 88.0
    assert [(p.objective_text, p.rating) for p in review.progress] == [
        ("Attend every session", ProgressRating.SOME),
        ("Read a chapter a week", ProgressRating.SOME),
    ]
    documents = db_session.scalars(sa.select(Document).where(Document.placement_id == agreed.id)).all()
    assert [(d.doc_type, d.review_id) for d in documents] == [(DocumentType.REVIEW_RECORD, review.id)]
    page = text(as_commissioner.get(f"/placements/{agreed.id}/reviews/1"))
    assert "44 of 50 sessions (88.0%)" in page
    assert "I like the workshop &amp; the staff." in page


def test_a_review_that_changes_the_plan_and_extends_it_makes_a_new_plan_version(
    as_commissioner, agreed, db_session, default_templates
):
    fields = _review_fields(
        agreed,
        changes_to_plan="Add a morning in school each week.",
        extension_agreed="yes",
        **date_fields("new_end_date", 17, 7, 2026),
    )
    assert _post(as_commissioner, agreed, fields).status_code == 302
    db_session.expire_all()
    placement = db_session.get(Placement, agreed.id)
    assert placement.planned_end == date(2026, 7, 17)
    types = sorted(d.doc_type.value for d in db_session.scalars(sa.select(Document)))
    assert types == ["review-record", "support-plan"]


def test_two_reviews_are_numbered_in_order(as_commissioner, agreed, db_session, default_templates):
    assert _post(as_commissioner, agreed, _review_fields(agreed)).status_code == 302
    second = _review_fields(agreed, **date_fields("meeting_date", 16, 3, 2026))
    assert _post(as_commissioner, agreed, second).status_code == 302
    numbers = db_session.scalars(sa.select(Review.number).where(Review.placement_id == agreed.id)).all()
    assert sorted(numbers) == [1, 2]
    earlier = _post(as_commissioner, agreed, _review_fields(agreed, **date_fields("meeting_date", 2, 3, 2026)))
    assert earlier.status_code == 400
    assert "this one must be on or after review 2 (16 March 2026)" in text(earlier)
    page = text(as_commissioner.get(f"/placements/{agreed.id}"))
    assert "Review 1, 9 February 2026" in page and "Review 2, 16 March 2026" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sessions_attended": "60"}, "Sessions attended cannot be more than the sessions possible"),
        ({"sessions_possible": "lots"}, "Enter sessions possible as a whole number, like 40"),
        ({"extension_agreed": "yes"}, "Enter the new finish date, as an extension was agreed"),
        ({"progress-1-rating": ""}, "Select the progress made against this objective"),
        ({"progress-0-evidence": ""}, "Enter the evidence of progress"),
        ({"pupil_views": ""}, "Enter the pupil's views on the placement"),
        ({"parent_views": ""}, "Enter the parents' or carers' views"),
        ({**date_fields("meeting_date", 30, 2, 2026)}, "must be a real date"),
        ({**date_fields("meeting_date", 1, 12, 2025)}, "on or after the planning meeting"),
        ({**date_fields("next_review_date", 1, 9, 2026)}, "Reviews are at least half-termly"),
        ({"extension_agreed": ""}, "Select yes if an extension to the placement was agreed"),
        ({**date_fields("meeting_date", 1, 1, 2099)}, "Record a review after it has happened"),
        ({**date_fields("attendance_to", 1, 1, 2026)}, "The end of the attendance period must be on or after"),
        (
            {"extension_agreed": "yes", **date_fields("new_end_date", 1, 2, 2026)},
            "The new finish date must be after the review meeting",
        ),
        ({"present": ""}, "Enter who was at the review"),
    ],
)
def test_each_error_is_shown_next_to_its_field_and_nothing_typed_is_lost(
    as_commissioner, agreed, db_session, overrides, message
):
    response = _post(as_commissioner, agreed, _review_fields(agreed, **overrides))
    assert response.status_code == 400
    page = html.unescape(text(response))
    assert message in page
    assert "Much happier in the mornings." in page or overrides.get("parent_views") == ""
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_a_stale_page_with_other_objectives_is_refused(as_commissioner, agreed, db_session):
    fields = _review_fields(agreed)
    fields["progress-1-objective_id"] = "999999"
    response = _post(as_commissioner, agreed, fields)
    assert response.status_code == 400
    assert "objectives have changed" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_no_review_before_the_plan_is_agreed(as_commissioner, school, provider, db_session):
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    response = as_commissioner.get(f"/placements/{placement.id}/reviews/new", follow_redirects=True)
    assert "agree the support plan first" in text(response)


def test_another_organisation_cannot_record_a_review(client, other_commissioner, agreed, db_session):
    from tests.conftest import sign_in

    sign_in(client, other_commissioner)
    assert client.get(f"/placements/{agreed.id}/reviews/new").status_code == 404
    assert client.get(f"/placements/{agreed.id}/reviews/1").status_code == 404


def test_provider_staff_cannot_record_a_review(as_provider, agreed, db_session):
    assert as_provider.get(f"/placements/{agreed.id}/reviews/new").status_code == 403


def test_provider_staff_can_read_a_review_of_their_placement(as_provider, agreed, db_session):
    review = factories.ReviewFactory(placement=agreed, number=1)
    factories.ObjectiveProgressFactory(review=review)
    page = as_provider.get(f"/placements/{agreed.id}/reviews/1")
    assert page.status_code == 200
    assert "88% attendance this half-term." in text(page)
    assert as_provider.get(f"/placements/{agreed.id}/reviews/2").status_code == 404


def _value(page: str, name: str) -> str | None:
    import re

    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag is not None, f"no {name} box"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def test_the_form_is_filled_in_from_the_register_since_the_last_review(as_commissioner, agreed, db_session):
    from datetime import timedelta

    from service.attendance.models import AttendanceMark
    from service.rules.attendance_codes import Session

    for offset in range(12):  # Monday 5 to Friday 16 January 2026, absent without a reason on the Wednesdays
        day = date(2026, 1, 5) + timedelta(days=offset)
        if day.weekday() < 5:
            code = "N" if day.weekday() == 2 else "/"
            db_session.add(AttendanceMark(placement_id=agreed.id, on=day, session=Session.AM, code=code))
            db_session.add(
                AttendanceMark(placement_id=agreed.id, on=day, session=Session.PM, code="N" if code == "N" else "\\")
            )
    db_session.commit()

    page = text(as_commissioner.get(f"/placements/{agreed.id}/reviews/new"))
    assert "Filled in from the register since the placement started" in page
    assert (_value(page, "attendance_from-day"), _value(page, "attendance_from-month")) == ("5", "1")
    assert (_value(page, "sessions_possible"), _value(page, "sessions_attended")) == ("20", "16")

    factories.ReviewFactory(placement=agreed, number=1, meeting_date=date(2026, 1, 9))  # Friday of the first week
    page = text(as_commissioner.get(f"/placements/{agreed.id}/reviews/new"))
    assert "Filled in from the register since the last review" in page
    assert (_value(page, "attendance_from-day"), _value(page, "attendance_from-month")) == ("10", "1")
    assert (_value(page, "sessions_possible"), _value(page, "sessions_attended")) == ("10", "8")


def test_with_nothing_in_the_register_the_attendance_boxes_are_empty(as_commissioner, agreed, db_session):
    page = text(as_commissioner.get(f"/placements/{agreed.id}/reviews/new"))
    assert "Filled in from the register" not in page
    assert _value(page, "sessions_possible") in (None, "")


def test_a_review_rounds_its_attendance_as_the_register_does(as_commissioner, agreed, db_session, default_templates):
    """1 of 16 sessions is 6.25%: the register and the end-of-placement report round it half up to 6.3%, so the
    review's page says 6.3% too (float rounding said 6.2%)."""
    fields = _review_fields(agreed, sessions_possible="16", sessions_attended="1")
    response = _post(as_commissioner, agreed, fields)
    assert response.status_code == 302, text(response)[:3000]
    review = db_session.scalar(sa.select(Review).where(Review.placement_id == agreed.id))
    assert review.attendance_percent == attendance_percent(1, 16) == Decimal("6.3")
    page = as_commissioner.get(response.headers["Location"])
    assert "1 of 16 sessions (6.3%)" in text(page)
