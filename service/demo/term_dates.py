"""Demo term dates: the organisations get this school year's and next year's half-terms (typical England
dates, moved to weekdays), so review deadlines count term time."""

from __future__ import annotations

from datetime import date, timedelta

from service.demo.world import World
from service.extensions import db
from service.rules.school_age import school_year_start
from service.term_dates.models import TermDate

#: Typical England half-terms as (name, start month, start day, end month, end day, years after September).
HALF_TERMS = (
    ("Autumn 1", 9, 3, 10, 23, 0),
    ("Autumn 2", 11, 2, 12, 18, 0),
    ("Spring 1", 1, 5, 2, 12, 1),
    ("Spring 2", 2, 22, 3, 26, 1),
    ("Summer 1", 4, 12, 5, 21, 1),
    ("Summer 2", 6, 1, 7, 21, 1),
)


def half_terms(today: date) -> list[tuple[str, date, date]]:
    """This school year's and next school year's half-terms, starting on a weekday and ending on one."""
    terms = []
    for year in (school_year_start(today).year, school_year_start(today).year + 1):
        for name, sm, sd, em, ed, offset in HALF_TERMS:
            start, end = date(year + offset, sm, sd), date(year + offset, em, ed)
            while start.weekday() > 4:
                start += timedelta(days=1)
            while end.weekday() > 4:
                end -= timedelta(days=1)
            label = f"{name} {year}/{str(year + 1)[2:]}"
            terms.append((label, start, end))
    return terms


def load(world: World) -> None:
    """The half-terms of the school and of the LA team (the caller commits)."""
    for organisation_id in {world.senco.organisation_id, world.officer.organisation_id}:
        for name, start, end in half_terms(world.today):
            db.session.add(TermDate(organisation_id=organisation_id, name=name, starts_on=start, ends_on=end))
