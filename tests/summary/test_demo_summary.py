"""With the demo data, the summary has something to say: placements by provider, attendance, and the one ended
placement's destination and objectives (Kacper's motor vehicle course, ended with its end recorded)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.end_of_placement.models import EndOfPlacement
from service.summary import periods, services

LOADED_ON = date(2026, 11, 30)


def test_the_demo_summary_counts_an_ended_placement_and_where_the_pupil_went(db_session):
    demo.load(LOADED_ON)
    db_session.commit()
    governor = db_session.scalar(sa.select(User).where(User.email == "governor@northbridge.example"))
    choices = periods.period_choices(governor.organisation_id, LOADED_ON)

    summary = services.summarise(governor, periods.resolve_period(choices, "year-2026"))

    destinations = {row[0]: row[1] for row in summary.table("destinations").rows}
    assert destinations["Further education (college or sixth form)"] == 1
    assert summary.attendance.possible > 0
    end = db_session.scalar(sa.select(EndOfPlacement))
    assert end.placement.pupil.legal_first_name == "Kacper" and end.outcomes
    assert end.ended_on == end.placement.actual_end
