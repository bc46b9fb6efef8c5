""" "Attendance not marked" asks the database which expected sessions have no mark (issue 18: fetching an LA's
80,000 marks of four weeks took most of a second). These tests hold the query to the rule it stands for: the
sessions ``rules.attendance_expected.expected_sessions`` expects for the placement's week at the provider
(``attendance.scheduled_sessions``), less those marked, counted and dated as the rule counts them.

Each placement has a week built to catch a query that drifts from the rule: a school-delivered day (the provider
does not mark it), two morning sessions on one day (one morning to mark, not two), a session ending at 12:30 exactly
(a morning only) and one starting at 12:30 (an afternoon only), and a placement that ended inside the four weeks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from service.attendance import services as attendance
from service.attendance.models import AttendanceMark
from service.dashboard.attention import needs_action
from service.extensions import db
from service.placements.models import PlacementSession
from service.rules.attendance_codes import Session
from service.rules.attendance_expected import expected_sessions, missing_marks
from service.rules.dates import UK
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from tests import factories

WEDNESDAY = date(2026, 11, 25)
AFTER_LUNCH = datetime.combine(WEDNESDAY, time(13, 0), tzinfo=UK)

WEEKS = {
    # name: (weekday, starts, ends, setting)
    "School": [
        (0, time(9, 0), time(15, 0), DeliveredBy.PROVIDER),
        (1, time(9, 0), time(15, 0), DeliveredBy.SCHOOL),  # Tuesdays at school: never expected
    ],
    "Twice": [
        (2, time(9, 0), time(10, 30), DeliveredBy.PROVIDER),
        (2, time(10, 45), time(12, 0), DeliveredBy.PROVIDER),  # the same morning again
    ],
    "Edges": [
        (3, time(9, 0), time(12, 30), DeliveredBy.PROVIDER),  # ends at 12:30: a morning only
        (4, time(12, 30), time(15, 0), DeliveredBy.PROVIDER),  # starts at 12:30: an afternoon only
    ],
    "Ended": [(d, time(9, 0), time(15, 0), DeliveredBy.PROVIDER) for d in range(5)],
}


def _placement(school, provider, name: str):  # type: ignore[no-untyped-def]
    start = WEDNESDAY - timedelta(days=40)
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school, legal_first_name=name),
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=start,
        actual_start=start,
        actual_end=WEDNESDAY - timedelta(days=9) if name == "Ended" else None,
        with_sessions=False,
    )
    placement.sessions = [
        PlacementSession(weekday=d, starts_at=s, ends_at=e, setting=where) for d, s, e, where in WEEKS[name]
    ]
    db.session.commit()
    return placement


def _by_the_rule(placement) -> list[tuple[date, Session]]:  # type: ignore[no-untyped-def]
    marked = {
        (mark.on, mark.session)
        for mark in db.session.query(AttendanceMark).filter(AttendanceMark.placement_id == placement.id)
    }
    expected = expected_sessions(
        timetable=attendance.scheduled_sessions(placement),
        first_day=attendance.first_day(placement),
        last_day=attendance.last_day(placement),
        today=WEDNESDAY,
        ended_today={Session.AM},
    )
    return missing_marks(expected, marked)


@pytest.mark.parametrize("name", sorted(WEEKS))
def test_the_dashboard_counts_the_unmarked_sessions_the_rule_expects(db_session, commissioner, school, provider, name):
    placement = _placement(school, provider, name)
    # Mark a few of the sessions, some expected and one the rule does not expect (a school Tuesday).
    for back in (2, 7, 8, 14):
        day = WEDNESDAY - timedelta(days=back)
        db.session.add(AttendanceMark(placement_id=placement.id, on=day, session=Session.AM, code="/"))
    db.session.commit()
    missing = _by_the_rule(placement)
    assert missing, "the week should leave something unmarked, or the test proves nothing"

    items = next(g for g in needs_action(commissioner, [placement], WEDNESDAY, AFTER_LUNCH) if g.key == "unmarked")

    assert len(items.items) == 1
    sessions = "1 session" if len(missing) == 1 else f"{len(missing)} sessions"
    first = missing[0][0]
    assert items.items[0].reason == f"{sessions} not marked, the first on {first.day} {first:%B %Y}"
    assert items.items[0].on == first
