"""Same-day alerts: a pupil marked N today, a session over with no mark; one email each, never twice, naming
no pupil."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from service.attendance import alerts, closures
from service.attendance.jobs import send_attendance_alerts_now
from service.attendance.models import AttendanceMark, MarkSource
from service.mail.models import OutboxMessage
from service.rules.attendance_codes import Session
from service.rules.dates import UK
from tests import factories
from tests.attendance.conftest import full_time_placement

WEDNESDAY = date(2026, 3, 4)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(WEDNESDAY, time(hour, minute), tzinfo=UK).astimezone(UTC)


def _setup(school, provider):  # type: ignore[no-untyped-def]
    school.attendance_contact_email = "attendance@northbridge.example"
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    return full_time_placement(pupil, provider, date(2026, 2, 2))


def _mark(placement, session, code):  # type: ignore[no-untyped-def]
    from service.extensions import db

    db.session.add(
        AttendanceMark(placement_id=placement.id, on=WEDNESDAY, session=session, code=code, source=MarkSource.GRID)
    )
    db.session.commit()


def _alerts(db_session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return list(
        db_session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "attendance_alert").order_by(OutboxMessage.id)
        )
    )


def test_a_pupil_marked_absent_without_a_reason_today_alerts_the_commissioner_once(app, school, provider, db_session):
    placement = _setup(school, provider)
    _mark(placement, Session.AM, "N")
    [alert] = alerts.unexplained_today(school.id, WEDNESDAY)
    assert (alert.placement.id, alert.session) == (placement.id, Session.AM)
    assert alerts.unexplained_today(provider.organisation_id, WEDNESDAY)[0].placement.id == placement.id
    assert alerts.unexplained_today(school.id, WEDNESDAY + timedelta(days=1)) == []

    assert send_attendance_alerts_now(_at(11, 0)) == 1
    [message] = _alerts(db_session)
    assert message.to_addresses == ["attendance@northbridge.example"]
    assert message.placement_id == placement.id
    assert message.subject == (
        f"Attendance: a pupil at {provider.name} was marked absent without a reason this morning "
        f"(ref AP-{placement.id})"
    )
    assert "Ellie" not in message.subject + message.body_text and "Eleanor" not in message.body_text
    assert f"/placements/{placement.id}/attendance" in message.body_text

    assert send_attendance_alerts_now(_at(11, 10)) == 0  # never twice
    assert send_attendance_alerts_now(_at(13, 0)) == 0
    assert len(_alerts(db_session)) == 1


def test_a_session_with_no_mark_after_it_ended_alerts_but_not_before(app, school, provider, db_session):
    placement = _setup(school, provider)
    assert alerts.unmarked_sessions(school.id, _at(12, 29)) == []
    assert send_attendance_alerts_now(_at(12, 29)) == 0

    [alert] = alerts.unmarked_sessions(school.id, _at(12, 30))
    assert (alert.kind, alert.placement.id, alert.session) == ("unmarked", placement.id, Session.AM)
    assert send_attendance_alerts_now(_at(12, 40)) == 1
    assert send_attendance_alerts_now(_at(12, 50)) == 0

    _mark(placement, Session.PM, "\\")
    assert [a.session for a in alerts.unmarked_sessions(school.id, _at(16, 30))] == [Session.AM]
    [message] = _alerts(db_session)
    assert "was not marked this morning" in message.subject
    assert "Ellie" not in message.subject


def test_no_alert_at_the_weekend_before_the_start_or_without_a_contact(app, school, provider, db_session):
    placement = _setup(school, provider)
    saturday = datetime(2026, 3, 7, 17, 0, tzinfo=UK)
    assert alerts.unmarked_sessions(school.id, saturday) == []
    placement.actual_start = WEDNESDAY + timedelta(days=1)
    db_session.commit()
    assert alerts.unmarked_sessions(school.id, _at(17, 0)) == []
    placement.actual_start = date(2026, 2, 2)
    school.attendance_contact_email = ""
    db_session.commit()
    assert len(alerts.unmarked_sessions(school.id, _at(17, 0))) == 2  # still listed for the dashboard
    assert send_attendance_alerts_now(_at(17, 0)) == 0  # but nobody to email


def test_an_unscheduled_session_is_not_chased(app, school, provider, db_session):
    placement = _setup(school, provider)
    placement.sessions[2].ends_at = time(12, 0)  # Wednesday mornings only
    db_session.commit()
    assert [a.session for a in alerts.unmarked_sessions(school.id, _at(17, 0))] == [Session.AM]


def test_a_closure_reported_today_says_the_provider_was_closed_not_that_the_pupil_was_absent(
    app, school, provider, provider_user, db_session
):
    """The same-day alert for a session lost to the provider's closure tells the commissioner what happened."""
    placement = _setup(school, provider)
    details = closures.ClosureDetails(None, WEDNESDAY, "morning", "Boiler failed")
    closures.report_closure(provider_user, details, WEDNESDAY)
    db_session.commit()

    assert send_attendance_alerts_now(_at(11, 0)) == 1
    [message] = _alerts(db_session)
    assert message.subject == (
        f"Attendance: a pupil at {provider.name} was unable to attend this morning: the provider reported it was "
        f"closed (ref AP-{placement.id})"
    )
    assert "stays a possible session, marked N, until you record its code" in message.body_text
    assert "Boiler failed" not in message.subject
