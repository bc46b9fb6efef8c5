"""The demo's register: weeks of marks for the running placements, absences to decide, one pupil below 90%."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.attendance import services
from service.placements.models import Placement


def test_the_demo_has_a_register_to_look_at(app, db_session):
    demo.load(date(2026, 3, 4))
    db_session.commit()
    today = date(2026, 3, 4)
    registers = {
        p.pupil.display_name: services.summary_so_far(p, today)
        for p in db_session.scalars(sa.select(Placement))
        if services.summary_so_far(p, today) is not None
    }
    running = {name: r for name, r in registers.items() if r.summary.possible}
    assert len(running) >= 3
    assert sum(len(r.unexplained) for r in running.values()) >= 2
    assert any(r.summary.persistent for r in running.values())
    assert any(not r.summary.persistent for r in running.values())
