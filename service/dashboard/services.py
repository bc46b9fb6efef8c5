"""The dashboard's lists: counts, the first rows of each, and one page at a time of any of them.

Why: a local authority holds thousands of placements. Issue 18 measured the dashboard rendering every one (5.8 MB of
HTML, 5 to 7 seconds). So the dashboard shows how many there are in each status and each To do list with the first
few rows, and a "See all" link opens one list a page at a time, sorted and filtered. Counting is done in SQL; the rows
on the dashboard come in one query whatever the caseload (tests/dashboard/test_dashboard_queries.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from service.auth.models import User
from service.dashboard.attention import Item
from service.dashboard.read_model import PlacementRow, placement_rows
from service.extensions import db
from service.pagination import PER_PAGE, Page, page_number
from service.placements.access import visible_placements
from service.placements.models import Placement
from service.providers.models import Provider
from service.pupils.models import Pupil
from service.rules.placement_status import PlacementStatus

#: Rows of each list shown on the dashboard itself; the rest are a "See all" link away.
FIRST_ROWS = 5

# What needs attention first: running placements, then those about to start, then the rest.
DASHBOARD_ORDER = [
    PlacementStatus.ACTIVE,
    PlacementStatus.UNDER_REVIEW,
    PlacementStatus.AGREED,
    PlacementStatus.REFERRED,
    PlacementStatus.DRAFT,
    PlacementStatus.ENDED,
    PlacementStatus.CANCELLED,
]

#: How a list may be sorted: by the pupil's name, the provider's, or the list's date (the placement's start, or the
#: date a To do item is about). "" keeps the list's own order (a To do list's most urgent first).
SORTS = {"": "Most urgent first", "pupil": "Pupil", "provider": "Provider", "date": "Date"}

#: Ended placements older than this are left out of the To do lists: none can still owe anything the dashboard
#: lists (a progress report is listed for six months after its term ends, and a term ends within five months of
#: any day in it).
ENDED_LOOK_BACK_DAYS = 400


@dataclass(frozen=True)
class Filters:
    """What one see-all page is narrowed to and sorted by."""

    provider_id: int | None = None
    status: PlacementStatus | None = None
    sort: str = ""


def status_counts(user: User) -> dict[PlacementStatus, int]:
    """How many of the user's placements are in each status: one ``GROUP BY`` query."""
    rows = db.session.execute(
        visible_placements(user).with_only_columns(Placement.status, sa.func.count()).group_by(Placement.status)
    ).all()
    counts = dict.fromkeys(PlacementStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def first_rows(user: User, n: int = FIRST_ROWS) -> dict[PlacementStatus, list[Placement]]:
    """The first ``n`` placements of each status (earliest start first), in one query: a window function numbers
    each status's placements and only the first ``n`` of each are loaded (then their sessions, for the hours)."""
    ranked = (
        visible_placements(user)
        .with_only_columns(
            Placement.id,
            sa.func.row_number()
            .over(partition_by=Placement.status, order_by=(Placement.planned_start, Placement.id))
            .label("rank"),
        )
        .subquery()
    )
    stmt = (
        sa.select(Placement)
        .where(Placement.id.in_(sa.select(ranked.c.id).where(ranked.c.rank <= n)))
        .options(joinedload(Placement.pupil), joinedload(Placement.provider), selectinload(Placement.sessions))
        .order_by(Placement.planned_start, Placement.id)
    )
    grouped: dict[PlacementStatus, list[Placement]] = {status: [] for status in PlacementStatus}
    for placement in db.session.scalars(stmt):
        grouped[placement.status].append(placement)
    return grouped


def provider_choices(user: User) -> list[tuple[int, str]]:
    """The providers of the user's placements, by name, for the provider filter (one query)."""
    ids = visible_placements(user).with_only_columns(Placement.provider_id).distinct()
    return [
        (provider_id, name)
        for provider_id, name in db.session.execute(
            sa.select(Provider.id, Provider.name).where(Provider.id.in_(ids)).order_by(Provider.name, Provider.id)
        )
    ]


def _pupil_name() -> sa.ScalarSelect[str]:
    return (
        sa.select(sa.func.lower(Pupil.legal_last_name + " " + Pupil.legal_first_name))
        .where(Pupil.id == Placement.pupil_id)
        .scalar_subquery()
    )


def _provider_name() -> sa.ScalarSelect[str]:
    return sa.select(sa.func.lower(Provider.name)).where(Provider.id == Placement.provider_id).scalar_subquery()


def placements_page(user: User, filters: Filters, requested: int) -> Page[Placement]:
    """One page of the user's placements, filtered and sorted in SQL: a count and the page's rows (with their
    pupils, providers and sessions), whatever the caseload. Sorted by start unless asked otherwise."""
    stmt = visible_placements(user)
    if filters.status is not None:
        stmt = stmt.where(Placement.status == filters.status)
    if filters.provider_id is not None:
        stmt = stmt.where(Placement.provider_id == filters.provider_id)
    total = db.session.scalar(stmt.with_only_columns(sa.func.count(Placement.id))) or 0
    number = page_number(requested, total)
    order: tuple[sa.ColumnElement[object], ...] | tuple[object, ...]
    if filters.sort == "pupil":
        order = (_pupil_name(), Placement.id)
    elif filters.sort == "provider":
        order = (_provider_name(), Placement.planned_start, Placement.id)
    else:
        order = (Placement.planned_start, Placement.id)
    rows = db.session.scalars(
        stmt.options(joinedload(Placement.pupil), joinedload(Placement.provider), selectinload(Placement.sessions))
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((number - 1) * PER_PAGE)
    ).all()
    return Page(rows=list(rows), number=number, total=total)


def to_do_placements(user: User, today: date) -> list[PlacementRow]:
    """The placements the To do lists are about, read once with what every list reads: none cancelled, and no
    placement ended long ago (``ENDED_LOOK_BACK_DAYS``), so an LA's years of ended placements are not read.

    As plain values (``read_model.placement_rows``: the placement's columns the lists use, its pupil's name and SEN
    status, its provider and organisation), not ORM objects: at an LA's 5,000 placements, making and reading
    thousands of mapped placements and pupils was most of the dashboard's time. The lists that need the timetable
    read it as plain values too (``attention.timetables``)."""
    since = today - timedelta(days=ENDED_LOOK_BACK_DAYS)
    ended_long_ago = sa.and_(
        Placement.status == PlacementStatus.ENDED,
        sa.func.coalesce(Placement.actual_end, Placement.planned_end, Placement.planned_start) < since,
    )
    return placement_rows(
        visible_placements(user)
        .where(Placement.status != PlacementStatus.CANCELLED, sa.not_(ended_long_ago))
        .order_by(Placement.planned_start, Placement.id)
    )


def _sort_key(sort: str) -> Callable[[Item], tuple[object, ...]]:
    """Names compare without case; an item with no date (a pupil with no placement) goes last."""
    if sort == "pupil":
        return lambda item: (item.title.casefold(),)
    if sort == "provider":
        return lambda item: ((item.provider or "").casefold(), item.title.casefold())
    return lambda item: (item.on or date.max, item.title.casefold())


def to_do_page(items: Sequence[Item], filters: Filters, requested: int) -> Page[Item]:
    """One page of one To do list, filtered by the placement's provider and status and sorted as asked.

    Why in Python: what makes a placement need action (a deadline in the organisation's school days, a timetable's
    unmarked sessions) is worked out by the rules, not stored; the list is built in a fixed number of queries and
    only one page of it is rendered."""
    chosen = [
        item
        for item in items
        if (filters.provider_id is None or item.provider_id == filters.provider_id)
        and (filters.status is None or item.status is filters.status)
    ]
    if filters.sort:
        chosen.sort(key=_sort_key(filters.sort))
    number = page_number(requested, len(chosen))
    start = (number - 1) * PER_PAGE
    return Page(rows=chosen[start : start + PER_PAGE], number=number, total=len(chosen))
