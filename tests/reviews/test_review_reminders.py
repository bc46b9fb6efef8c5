"""An overdue review is emailed to the commissioner who started the placement, once a week, never with the
pupil's name in the subject; a review in time, or a placement not running, sends nothing."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from service.mail.models import MessageStatus, OutboxMessage
from service.reviews.jobs import send_review_reminders_now
from service.rules.placement_status import PlacementStatus
from tests import factories


def _placement(school, provider, commissioner, days_ago: int, status=PlacementStatus.ACTIVE):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Ellie")
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=status, planned_start=date.today() - timedelta(days=days_ago)
    )
    placement.created_by_id = commissioner.id
    return placement


def _reminders(db_session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == "review_overdue")).all()


def test_an_overdue_review_is_emailed_once_a_week(app, school, provider, commissioner, db_session):
    late = _placement(school, provider, commissioner, 120)
    _placement(school, provider, commissioner, 3)  # in time
    _placement(school, provider, commissioner, 120, status=PlacementStatus.ENDED)  # over
    db_session.commit()
    with app.app_context():
        assert send_review_reminders_now() == 1
        assert send_review_reminders_now() == 0  # not again the same week
        assert send_review_reminders_now(date.today() + timedelta(days=7)) == 1  # a week on, again
    first = _reminders(db_session)[0]
    assert first.placement_id == late.id and first.to_addresses == [commissioner.email]
    assert "Ellie" not in first.subject and first.subject == f"Review overdue (ref AP-{late.id})"
    assert first.status is MessageStatus.SENT  # the embedded default: an .eml file


def test_without_an_active_creator_every_commissioner_of_the_organisation_is_told(
    app, school, provider, commissioner, db_session
):
    colleague = factories.UserFactory(
        organisation=school, role=factories.Role.COMMISSIONER, email="colleague@school.example"
    )
    _placement(school, provider, commissioner, 120)
    commissioner.is_active = False
    db_session.commit()
    with app.app_context():
        assert send_review_reminders_now() == 1
    assert _reminders(db_session)[0].to_addresses == [colleague.email]
