"""The summary's queries: the organisation's placements in a period, their attendance marks, endings and outcomes.

Every query is scoped to the user's own organisation (``Placement.commissioning_organisation_id``), and each
reads all the placements at once: the whole summary takes a fixed number of queries however many placements
there are (an LA has 5,000, with a million attendance marks).

Why columns and counts, not ORM objects and rows: at that size, loading every placement with its pupil and
provider, and a row for every mark, took seconds and hundreds of megabytes. So each query selects only the
columns the tables show (``PlacementRow``, ``Timetable``), the database counts the marks by placement and code
(``attendance_counts``: a few rows a placement) and the endings and ratings by what the tables classify them by,
and the period's dates are filtered in SQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa

from service.attendance.models import AttendanceMark
from service.auth.models import User
from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome
from service.extensions import db
from service.placements.models import Placement, PlacementSession
from service.providers.models import Provider
from service.pupils.models import Pupil, SenStatus
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.full_time import DeliveredBy
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role
from service.summary.periods import Period

#: Roles that may see the summary: it is aggregated, so governors (viewers) may.
SUMMARY_ROLES = (Role.COMMISSIONER, Role.VIEWER)
#: Drafts are unfinished paperwork and cancelled placements never ran: neither is a use of AP.
COUNTED_STATUSES = tuple(s for s in PlacementStatus if s not in (PlacementStatus.DRAFT, PlacementStatus.CANCELLED))


def placement_conditions(
    user: User, period: Period, statuses: Sequence[PlacementStatus]
) -> list[sa.ColumnElement[bool]]:
    """The user's organisation's placements in these statuses that overlapped the period, as SQL.

    A placement overlapped the period if it started (actual date, else planned) by the period's end and had not
    ended (actual, else planned) before its start: the same test as ``periods.overlaps``, done in the database."""
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


def placement_ids(user: User, period: Period, statuses: Sequence[PlacementStatus]) -> sa.ScalarSelect[int]:
    """The same placements' ids as a subquery, for the queries that read their records."""
    return sa.select(Placement.id).where(*placement_conditions(user, period, statuses)).scalar_subquery()


def _in_period(column: sa.ColumnElement[date], period: Period) -> list[sa.ColumnElement[bool]]:
    """The day in ``column`` falls inside the period (an open end takes every day on its side), as SQL."""
    conditions = []
    if period.start is not None:
        conditions.append(column >= period.start)
    if period.end is not None:
        conditions.append(column <= period.end)
    return conditions


@dataclass(frozen=True)
class ProviderSession:
    """One weekly session at the provider, as three columns. ``minutes`` is the model's own arithmetic."""

    weekday: int
    starts_at: time
    ends_at: time

    minutes = PlacementSession.minutes


@dataclass(frozen=True)
class Timetable:
    """A placement's weekly sessions at the provider, read as columns instead of loading the placement.

    It answers what the summary and the census ask of a ``Placement``, by the model's and the rules' own code:
    ``hours_per_week`` is ``Placement.hours_per_week``, and ``attendance.services.scheduled_sessions`` reads
    ``provider_sessions`` from it as it does from a placement."""

    provider_sessions: tuple[ProviderSession, ...] = ()

    hours_per_week = Placement.hours_per_week


NO_SESSIONS = Timetable()


def timetables(ids: sa.ScalarSelect[int]) -> dict[int, Timetable]:
    """Each placement's sessions at the provider, by placement id (one query; a placement with none is absent:
    use ``NO_SESSIONS``). The school's own sessions are not the provider's: its register and hours leave them out,
    as ``Placement.provider_sessions`` does."""
    stmt = (
        sa.select(
            PlacementSession.placement_id,
            PlacementSession.weekday,
            PlacementSession.starts_at,
            PlacementSession.ends_at,
        )
        .where(PlacementSession.placement_id.in_(ids), PlacementSession.setting == DeliveredBy.PROVIDER)
        .order_by(PlacementSession.placement_id, PlacementSession.weekday, PlacementSession.starts_at)
    )
    sessions: dict[int, list[ProviderSession]] = defaultdict(list)
    for placement_id, weekday, starts_at, ends_at in db.session.execute(stmt):
        sessions[placement_id].append(ProviderSession(int(weekday), starts_at, ends_at))
    return {placement_id: Timetable(tuple(rows)) for placement_id, rows in sessions.items()}


class PlacementRow(NamedTuple):
    """The columns of a placement, its pupil and its provider that the summary's tables classify by.

    ``actual_start`` and ``planned_start`` are named as on ``Placement``, so ``attendance.services.first_day``
    reads a row as it reads a placement."""

    id: int
    pupil_id: int
    provider_name: str
    status: PlacementStatus
    circumstance: Circumstance
    decision_maker: DecisionMaker
    planned_start: date
    actual_start: date | None
    sen_status: SenStatus
    date_of_birth: date
    year_group_override: int | None
    hours_per_week: Decimal

    def year_group_on(self, on: date) -> int:
        """The pupil's year group on the day, by the model's own rule (the override when taught out of year)."""
        return Pupil.year_group_on(self, on)  # type: ignore[arg-type]


def placement_rows(user: User, period: Period, statuses: Sequence[PlacementStatus]) -> list[PlacementRow]:
    """The placements that overlapped the period, as the columns the tables show, oldest first (two queries:
    the placements with their pupils' and providers' columns, and their timetables)."""
    stmt = (
        sa.select(
            Placement.id,
            Placement.pupil_id,
            Provider.name,
            Placement.status,
            Placement.circumstance,
            Placement.decision_maker,
            Placement.planned_start,
            Placement.actual_start,
            Pupil.sen_status,
            Pupil.date_of_birth,
            Pupil.year_group_override,
        )
        .join(Pupil, Pupil.id == Placement.pupil_id)
        .join(Provider, Provider.id == Placement.provider_id)
        .where(*placement_conditions(user, period, statuses))
        .order_by(Placement.id)
    )
    rows = db.session.execute(stmt).all()
    hours = timetables(placement_ids(user, period, statuses))
    return [PlacementRow(*row, hours.get(row[0], NO_SESSIONS).hours_per_week) for row in rows]


def attendance_counts(ids: sa.ScalarSelect[int], period: Period) -> dict[int, dict[str, int]]:
    """How many marks of each code each placement has inside the period, by placement id (one query).

    The database counts them (``GROUP BY placement_id, code``): a few rows a placement, however many marks,
    classified afterwards by ``attendance_codes.attendance_summary_from_counts``."""
    stmt = (
        sa.select(AttendanceMark.placement_id, AttendanceMark.code, sa.func.count())
        .where(AttendanceMark.placement_id.in_(ids), *_in_period(AttendanceMark.on, period))
        .group_by(AttendanceMark.placement_id, AttendanceMark.code)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for placement_id, code, count in db.session.execute(stmt):
        counts[placement_id][code] = count
    return dict(counts)


def closure_sessions(ids: sa.ScalarSelect[int], period: Period) -> int:
    """How many of the placements' sessions inside the period their providers' closures lost (one count in SQL).

    A lost session is a mark linked to the provider's reported closure, however the commissioner then coded it
    (``service.attendance.closures``): it is counted here even when coded not possible, since the pupil still lost
    it."""
    stmt = sa.select(sa.func.count(AttendanceMark.id)).where(
        AttendanceMark.placement_id.in_(ids),
        AttendanceMark.closure_id.is_not(None),
        *_in_period(AttendanceMark.on, period),
    )
    return db.session.scalar(stmt) or 0


@dataclass(frozen=True)
class Endings:
    """The placements that ended inside the period, counted by why they ended and where the pupil went next."""

    reasons: Counter[EndReason]
    destinations: Counter[Destination | None]

    @property
    def count(self) -> int:
        return sum(self.reasons.values())


def endings_in(ids: sa.ScalarSelect[int], period: Period) -> Endings:
    """The placements' end-of-placement records that say they ended inside the period, counted in SQL by reason
    and destination (one query)."""
    stmt = (
        sa.select(EndOfPlacement.reason, EndOfPlacement.destination, sa.func.count())
        .where(EndOfPlacement.placement_id.in_(ids), *_in_period(EndOfPlacement.ended_on, period))
        .group_by(EndOfPlacement.reason, EndOfPlacement.destination)
    )
    reasons: Counter[EndReason] = Counter()
    destinations: Counter[Destination | None] = Counter()
    for reason, destination, count in db.session.execute(stmt):
        reasons[reason] += count
        destinations[destination] += count
    return Endings(reasons, destinations)


def objective_ratings(ids: sa.ScalarSelect[int], period: Period) -> Counter[ProgressRating]:
    """How many objectives ended at each rating, over the placements that ended inside the period (one query)."""
    stmt = (
        sa.select(ObjectiveOutcome.rating, sa.func.count())
        .join(EndOfPlacement, EndOfPlacement.id == ObjectiveOutcome.end_of_placement_id)
        .where(EndOfPlacement.placement_id.in_(ids), *_in_period(EndOfPlacement.ended_on, period))
        .group_by(ObjectiveOutcome.rating)
    )
    return Counter({rating: count for rating, count in db.session.execute(stmt)})
