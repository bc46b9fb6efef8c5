"""A summary of an organisation's use of alternative provision and its outcomes.

Why: the Oxfordshire commissioning guidance recommends that "a summary of use of AP provision, and in particular
analysis of outcomes for children and young people, is regularly considered by the senior leaders in schools, governors
and local authority officers". They need counts, not children: the summary is aggregated and carries no pupil's name or
identifier, so a viewer (a governor) may see it.

``summarise`` composes the parts: the periods (``service.summary.periods``), the queries, scoped to the user's own
organisation and fixed in number however many placements there are (``service.summary.queries``), and the tables
that classify what they read (``service.summary.tables``). The downloads, and the census export, which is not
aggregated, are ``service.summary.downloads``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.auth.models import User
from service.rules.attendance_codes import Summary, attendance_summary_from_counts
from service.rules.outcomes import ProgressRating
from service.summary.periods import Period
from service.summary.queries import (
    COUNTED_STATUSES,
    attendance_counts,
    closure_sessions,
    endings_in,
    objective_ratings,
    placement_ids,
    placement_rows,
)
from service.summary.tables import (
    Table,
    attendance_tables,
    by_provider,
    outcome_tables,
    overview_table,
    placement_tables,
    pooled_counts,
)


@dataclass(frozen=True)
class UseSummary:
    period: Period
    placements: int
    pupils: int
    attendance: Summary
    persistent: int  # placements at 90% or less over the period
    severe: int  # placements at 50% or less over the period
    lost_to_closure: int  # sessions lost to the providers' closures over the period
    ended: int
    objectives: int
    objectives_achieved: int
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def summarise(user: User, period: Period) -> UseSummary:
    """The summary of the organisation's placements that overlapped the period, in six queries.

    Counts are of placements (a pupil with two placements counts twice) except "pupils", which counts each
    child once. Attendance is over the marks recorded inside the period; outcomes are of the placements whose
    end-of-placement record says they ended inside it.

    The database does the counting: the marks come back counted by placement and code, the endings by reason
    and destination, the ratings by rating; Python classifies those few rows. The same result feeds the page,
    the CSV and the workbook (``service.summary.downloads``).
    """
    placements = placement_rows(user, period, COUNTED_STATUSES)
    ids = placement_ids(user, period, COUNTED_STATUSES)
    counts = attendance_counts(ids, period)
    lost = closure_sessions(ids, period)
    endings = endings_in(ids, period)
    ratings = objective_ratings(ids, period)

    per_placement = {p.id: attendance_summary_from_counts(counts.get(p.id, {})) for p in placements}
    overall = attendance_summary_from_counts(pooled_counts(counts.get(p.id, {}) for p in placements))
    providers = by_provider(placements)
    return UseSummary(
        period=period,
        placements=len(placements),
        pupils=len({p.pupil_id for p in placements}),
        attendance=overall,
        persistent=sum(s.persistent for s in per_placement.values()),
        severe=sum(s.severe for s in per_placement.values()),
        lost_to_closure=lost,
        ended=endings.count,
        objectives=sum(ratings.values()),
        objectives_achieved=ratings[ProgressRating.ACHIEVED],
        tables=[
            overview_table(period, placements, endings),
            *placement_tables(placements, period, providers),
            *attendance_tables(overall, per_placement, providers, counts, lost),
            *outcome_tables(endings, ratings),
        ],
    )
