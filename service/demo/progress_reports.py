"""Demo progress reports: Horizon has started Ellie's report for this term, so a provider signing in sees a
report to finish, and the commissioner sees any report overdue for a placement that ran last term."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.auth.models import User
from service.demo.world import World
from service.extensions import db
from service.progress_reports import services
from service.progress_reports.schedule import due_for
from service.rules.outcomes import ProgressRating


def load(world: World) -> None:
    """A draft of Ellie's report for the term running today (the caller commits)."""
    today, ellie = world.today, world.placements["ellie"]
    db.session.flush()
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@horizon.example"))
    owed = [due for due in due_for(ellie, today) if not due.overdue]
    objectives = services.plan_objectives(ellie)
    if staff is None or not owed or not objectives:
        return
    details = services.ReportDetails(
        meeting_date=today - timedelta(days=1),
        consulted_pupil=True,
        consulted_parents=True,
        consulted="Ellie, her mum (by phone) and the school's SENCO.",
        attendance_engagement="Attends every timetabled session; late twice after the bus timetable changed.",
        pupil_view="I like the workshop. Maths is still hard but I ask for help now.",
        # the first objective rated, the others still to do: a draft with gaps, as a busy provider leaves it
        objectives=[services.ObjectiveAnswer(objectives[0].id, ProgressRating.GOOD, "Working on it with her mentor.")]
        + [services.ObjectiveAnswer(objective.id, None) for objective in objectives[1:]],
    )
    services.save_draft(staff, ellie, owed[-1], details, today)
