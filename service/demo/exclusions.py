"""Demo exclusion: Freya Lindqvist (Northbridge, no placement yet) permanently excluded two school days ago, so the
local authority's duty to educate her from the sixth school day falls due in three school days. She is on the SENCO's
and the Westshire officer's To do today, and on the officer's list of excluded pupils."""

from __future__ import annotations

from datetime import timedelta

from service.demo.term_dates import half_terms
from service.demo.world import World
from service.exclusions.models import Exclusion
from service.extensions import db
from service.rules.calendar import add_working_days
from service.rules.exclusions import ExclusionKind, is_school_day, nth_school_day
from service.rules.review_dates import HalfTerm

#: School days of the exclusion already gone before today (today, if a school day, is the third).
DAYS_GONE = 2


def load(world: World) -> None:
    """Add Freya's permanent exclusion (the caller commits)."""
    terms = [HalfTerm(name, start, end) for name, start, end in half_terms(world.today)]
    first = nth_school_day(world.today, 1, terms)  # today, or the next school day in a holiday
    gone = 0
    while gone < DAYS_GONE:
        first -= timedelta(days=1)
        if is_school_day(first, terms):
            gone += 1
    db.session.add(
        Exclusion(
            pupil=world.pupils["freya"],
            organisation_id=world.school.id,
            kind=ExclusionKind.PERMANENT,
            first_day=first,
            school_days=None,
            decided_on=add_working_days(first, -1),
            notes="Permanent exclusion after a serious incident; parents told in person and by letter. The "
            "governing board meets to consider it within 15 school days.",
            recorded_by_id=world.senco.id,
        )
    )
