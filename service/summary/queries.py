"""The summary's queries: the organisation's placements in a period, their attendance marks, endings and outcomes.

Every query is scoped to the user's own organisation (``Placement.commissioning_organisation_id``), and each
reads all the placements at once: the whole summary takes a fixed number of queries however many placements
there are (an LA officer has 400).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from service.attendance.models import AttendanceMark
from service.auth.models import User
from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome
from service.extensions import db
from service.placements.models import Placement
from service.rules.outcomes import ProgressRating
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role
from service.summary.periods import Period, within

#: Roles that may see the summary: it is aggregated, so governors (viewers) may.
SUMMARY_ROLES = (Role.COMMISSIONER, Role.VIEWER)
#: Drafts are unfinished paperwork and cancelled placements never ran: neither is a use of AP.
COUNTED_STATUSES = tuple(s for s in PlacementStatus if s not in (PlacementStatus.DRAFT, PlacementStatus.CANCELLED))


def placement_conditions(
    user: User, period: Period, statuses: Sequence[PlacementStatus]
) -> list[sa.ColumnElement[bool]]:
    """The user's organisation's placements in these statuses that overlapped the period, as SQL."""
    if user.role not in SUMMARY_ROLES:  # deny by default: no other role has an organisation's placements here
        return [sa.false()]
    first = sa.func.coalesce(Placement.actual_start, Placement.planned_start)
    last = sa.func.coalesce(Placement.actual_end, Placement.planned_end)
    conditions = [Placement.commissioning_organisation_id == user.organisation_id, Placement.status.in_(statuses)]
    if period.end is not None:
        conditions.append(first <= period.end)
    if period.start is not None:
        conditions.append(sa.or_(last.is_(None), last >= period.start))
    return conditions


def placements_in(user: User, period: Period, statuses: Sequence[PlacementStatus]) -> list[Placement]:
    """One query for the placements with their pupil and provider, one for all their timetables."""
    stmt = (
        sa.select(Placement)
        .where(*placement_conditions(user, period, statuses))
        .options(joinedload(Placement.pupil), joinedload(Placement.provider), selectinload(Placement.sessions))
        .order_by(Placement.id)
    )
    return list(db.session.scalars(stmt).unique())


def placement_ids(user: User, period: Period, statuses: Sequence[PlacementStatus]) -> sa.ScalarSelect[int]:
    """The same placements' ids as a subquery, for the queries that read their records."""
    return sa.select(Placement.id).where(*placement_conditions(user, period, statuses)).scalar_subquery()


def attendance_codes(ids: sa.ScalarSelect[int], period: Period) -> dict[int, list[str]]:
    """Each placement's attendance codes recorded inside the period, by placement id (one query)."""
    stmt = sa.select(AttendanceMark.placement_id, AttendanceMark.code).where(AttendanceMark.placement_id.in_(ids))
    if period.start is not None:
        stmt = stmt.where(AttendanceMark.on >= period.start)
    if period.end is not None:
        stmt = stmt.where(AttendanceMark.on <= period.end)
    codes: dict[int, list[str]] = defaultdict(list)
    for placement_id, code in db.session.execute(stmt):
        codes[placement_id].append(code)
    return codes


def closure_sessions(ids: sa.ScalarSelect[int], period: Period) -> int:
    """How many of the placements' sessions inside the period their providers' closures lost (one count in SQL).

    A lost session is a mark linked to the provider's reported closure, however the commissioner then coded it
    (``service.attendance.closures``): it is counted here even when coded not possible, since the pupil still lost
    it."""
    stmt = sa.select(sa.func.count(AttendanceMark.id)).where(
        AttendanceMark.placement_id.in_(ids), AttendanceMark.closure_id.is_not(None)
    )
    if period.start is not None:
        stmt = stmt.where(AttendanceMark.on >= period.start)
    if period.end is not None:
        stmt = stmt.where(AttendanceMark.on <= period.end)
    return db.session.scalar(stmt) or 0


def endings_in(ids: sa.ScalarSelect[int], period: Period) -> list[EndOfPlacement]:
    """The placements' end-of-placement records that say they ended inside the period (one query)."""
    return [
        e
        for e in db.session.scalars(sa.select(EndOfPlacement).where(EndOfPlacement.placement_id.in_(ids)))
        if within(e.ended_on, period)
    ]


def objective_ratings(ids: sa.ScalarSelect[int], endings: Sequence[EndOfPlacement]) -> Counter[ProgressRating]:
    """How many objectives ended at each rating, over the endings given (one query)."""
    ended_ids = {e.id for e in endings}
    return Counter(
        rating
        for eop_id, rating in db.session.execute(
            sa.select(ObjectiveOutcome.end_of_placement_id, ObjectiveOutcome.rating).where(
                ObjectiveOutcome.end_of_placement_id.in_(
                    sa.select(EndOfPlacement.id).where(EndOfPlacement.placement_id.in_(ids))
                )
            )
        )
        if eop_id in ended_ids
    )
