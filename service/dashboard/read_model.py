"""The To do lists' placements as plain values: the columns the lists read, and no ORM object per placement.

Why: at an LA's 5,000 placements the dashboard spent most of its Python time in SQLAlchemy's ORM, making some 4,000
placements and their pupils into mapped objects (identity map, instrumentation, an event per attribute set) and
then reading their attributes tens of thousands of times (issue 18). The lists only read a dozen columns of each
placement, the pupil's name and SEN status, and its provider and commissioning organisation (a handful of each,
shared by every placement). So these are read as rows and kept in named tuples, which the rules and helpers the
lists call (``next_visit``, ``package_by_day``, ``owed_among``, ``school_waiting``, the pack statuses) read
exactly as they read a ``Placement``: the same attribute names, so each rule keeps its one source.

Providers (with their contacts) and organisations stay mapped objects: there are a few of them, and the contact
checks and the pack's send rules read them as they always have.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.extensions import db
from service.organisations.models import Organisation
from service.placements.models import Placement
from service.providers.models import Provider
from service.pupils.models import Pupil, SenStatus
from service.rules.decision import Circumstance
from service.rules.placement_status import PlacementStatus
from service.sql import among
from service.support_plans.models import SupportPlan


class PupilRow(NamedTuple):
    """What the lists read of a pupil: the name they go by, and whether they have an EHCP."""

    id: int
    legal_first_name: str
    legal_last_name: str
    preferred_name: str | None
    sen_status: SenStatus

    #: The same rule as the pupil's record: ``Pupil.display_name`` itself, read from these values.
    display_name = property(Pupil.display_name.fget)  # type: ignore[attr-defined]


class PlacementRow(NamedTuple):
    """What the To do lists and the pack board read of a placement, by the names ``Placement`` gives them."""

    id: int
    status: PlacementStatus
    pupil_id: int
    provider_id: int
    commissioning_organisation_id: int
    circumstance: Circumstance
    decided_by: str
    planned_start: date
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    pupil: PupilRow
    provider: Provider
    commissioning_organisation: Organisation


#: The placement's columns a ``PlacementRow`` holds, in its order (the three related records follow).
PLACEMENT_COLUMNS = (
    Placement.id,
    Placement.status,
    Placement.pupil_id,
    Placement.provider_id,
    Placement.commissioning_organisation_id,
    Placement.circumstance,
    Placement.decided_by,
    Placement.planned_start,
    Placement.planned_end,
    Placement.actual_start,
    Placement.actual_end,
)


def placement_rows(stmt: sa.Select[tuple[Placement]]) -> list[PlacementRow]:
    """The placements ``stmt`` selects (a ``visible_placements`` query, refined), as plain values, in its order:
    one query for the placements' columns, then one each for their pupils, providers (with their contacts) and
    commissioning organisations, the ids sent as one array (``sql.among``)."""
    rows = db.session.execute(stmt.with_only_columns(*PLACEMENT_COLUMNS)).all()
    if not rows:
        return []
    pupils = {
        row[0]: PupilRow(*row)
        for row in db.session.execute(
            sa.select(
                Pupil.id, Pupil.legal_first_name, Pupil.legal_last_name, Pupil.preferred_name, Pupil.sen_status
            ).where(among(Pupil.id, {row.pupil_id for row in rows}))
        )
    }
    providers = {
        provider.id: provider
        for provider in db.session.scalars(
            sa.select(Provider)
            .options(selectinload(Provider.contacts))
            .where(among(Provider.id, {row.provider_id for row in rows}))
        )
    }
    organisations = {
        organisation.id: organisation
        for organisation in db.session.scalars(
            sa.select(Organisation).where(among(Organisation.id, {row.commissioning_organisation_id for row in rows}))
        )
    }
    return [
        PlacementRow(
            *row,
            pupils[row.pupil_id],
            providers[row.provider_id],
            organisations[row.commissioning_organisation_id],
        )
        for row in rows
    ]


#: What the lists take: the dashboard's plain rows, or mapped placements (a test's, or a caller's that has them).
AnyPlacement = Placement | PlacementRow


class PlanRow(NamedTuple):
    """What the lists read of a support plan: whether it is agreed, and its reason for a shorter day (what
    ``full_time_checks.package_by_day`` reads of a plan)."""

    placement_id: int
    agreed_at: datetime | None
    part_time_reason: str | None
    part_time_detail: str
    parents_consulted_on: date | None
    parents_consulted_with: str


def plan_rows(placement_ids: list[int]) -> dict[int, PlanRow]:
    """The plans of these placements as plain values, by placement: one query."""
    return {
        row[0]: PlanRow(*row)
        for row in db.session.execute(
            sa.select(
                SupportPlan.placement_id,
                SupportPlan.agreed_at,
                SupportPlan.part_time_reason,
                SupportPlan.part_time_detail,
                SupportPlan.parents_consulted_on,
                SupportPlan.parents_consulted_with,
            ).where(among(SupportPlan.placement_id, placement_ids))
        )
    }
