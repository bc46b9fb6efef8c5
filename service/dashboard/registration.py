"""Providers at risk of having to register as an independent school, across every commissioner, in one query.

Why: a provider that is not a registered school must register once it educates enough pupils full time
(service/rules/registration.py: Education and Skills Act 2008 s92, from its configured commencement the
Children's Wellbeing and Schools Act 2026 s43). No single commissioner sees all of a provider's pupils, so the
count spans every commissioner's current placements, and it is flagged on two dashboards:

- a school's (and an LA's own) commissioners see the providers of their running placements that are at risk;
- every commissioner of a local authority sees the providers used by the LA itself or by any school that chose
  it, until the provider registers with the DfE or its placements no longer cross the line, so the LA can act
  on a provider in its area however many commissioners share it.

Both lists name providers and give counts, never a pupil: the count includes other commissioners' pupils.
The facts come from one aggregated query (each current placement's hours summed in SQL from its sessions and its
plan's provider interventions, with the pupil's date of birth, care and SEN status), whatever the number of
placements or providers; the pure rule then counts them per provider.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from service.extensions import db
from service.organisations.services import schools_of
from service.placements.models import Placement, PlacementSession
from service.providers.models import Provider
from service.pupils.models import Pupil, SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.registration import PlacedPupil, RegistrationRisk, RegistrationRule, registration_risk
from service.rules.school_age import is_compulsory_school_age
from service.support_plans.agreement import CURRENT_STATUSES
from service.support_plans.models import PlanIntervention, SupportPlan


@dataclass(frozen=True)
class ProviderAtRisk:
    """A provider over the line, by name, with the rule's counts and its summary (no pupil)."""

    provider_id: int
    name: str
    risk: RegistrationRisk


def providers_at_risk(provider_ids: Collection[int], rule: RegistrationRule, on: date) -> list[ProviderAtRisk]:
    """Of these providers, those not registered with the DfE whose current placements cross the line on ``on``."""
    if not provider_ids:
        return []
    return _at_risk(Placement.provider_id.in_(list(provider_ids)), rule, on)


def area_providers_at_risk(local_authority_id: int, rule: RegistrationRule, on: date) -> list[ProviderAtRisk]:
    """The providers the LA or its schools use (a current placement) that must register and have not.

    Why the LA: it is the body that knows its area's providers and can act (DfE's *Arranging alternative
    provision* expects it to know where its pupils and its schools' pupils are educated), and a school sees
    only its own pupils, never the provider's whole roll.
    """
    used = sa.select(Placement.provider_id).where(
        Placement.status.in_(CURRENT_STATUSES),
        sa.or_(
            Placement.commissioning_organisation_id == local_authority_id,
            Placement.commissioning_organisation_id.in_(schools_of(local_authority_id)),
        ),
    )
    return _at_risk(Placement.provider_id.in_(used), rule, on)


def _minutes_of_day(column: Any) -> Any:
    """The time of day in whole minutes (hours and minutes, no seconds). PostgreSQL's ``EXTRACT`` answers a
    ``numeric``, whose arithmetic over an LA's 50,000 weekly sessions took most of this query's time: its
    ``date_part`` gives the same whole numbers as floating point, several times faster. SQLite keeps a time as the
    text ``HH:MM:SS.ffffff`` (SQLAlchemy's ``TIME`` storage format): reading the hours and minutes from their places
    costs half of ``EXTRACT``'s ``strftime``, which parses each value as a date and time first."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date_part("hour", column) * 60 + sa.func.date_part("minute", column)
    hours = sa.cast(sa.func.substr(column, 1, 2), sa.Integer)
    minutes = sa.cast(sa.func.substr(column, 4, 2), sa.Integer)
    return hours * 60 + minutes


def _facts(providers: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """One row per current placement at an unregistered provider: the facts the threshold turns on, no name."""
    current = (
        sa.select(Placement.id)
        .join(Provider, Provider.id == Placement.provider_id)
        .where(Placement.status.in_(CURRENT_STATUSES), Provider.dfe_registered.is_(False), providers)
    )
    session_minutes = (
        sa.select(
            PlacementSession.placement_id.label("placement_id"),
            sa.func.sum(_minutes_of_day(PlacementSession.ends_at) - _minutes_of_day(PlacementSession.starts_at)).label(
                "minutes"
            ),
        )
        .where(
            PlacementSession.setting == DeliveredBy.PROVIDER,  # the home school's sessions are not at the provider
            PlacementSession.placement_id.in_(current),  # not every placement's week: the current ones asked about
        )
        .group_by(PlacementSession.placement_id)
        .subquery()
    )
    provider_hours = (
        sa.select(
            SupportPlan.placement_id.label("placement_id"),
            sa.func.sum(PlanIntervention.hours_per_week).label("hours"),
        )
        .join(PlanIntervention, PlanIntervention.support_plan_id == SupportPlan.id)
        .where(PlanIntervention.delivered_by == DeliveredBy.PROVIDER, PlanIntervention.hours_per_week.is_not(None))
        .group_by(SupportPlan.placement_id)
        .subquery()
    )
    return (
        sa.select(
            Placement.provider_id,
            Provider.name,
            Placement.planned_start,
            Pupil.date_of_birth,
            Pupil.looked_after,
            Pupil.sen_status,
            session_minutes.c.minutes,
            provider_hours.c.hours,
        )
        .join(Provider, Provider.id == Placement.provider_id)
        .join(Pupil, Pupil.id == Placement.pupil_id)
        .outerjoin(session_minutes, session_minutes.c.placement_id == Placement.id)
        .outerjoin(provider_hours, provider_hours.c.placement_id == Placement.id)
        .where(Placement.status.in_(CURRENT_STATUSES), Provider.dfe_registered.is_(False), providers)
    )


def hours_from_totals(minutes: object, provider_hours: object) -> Decimal:
    """As ``service.support_plans.services.hours_at_provider`` works it out from the objects: the timetable (its
    sessions' minutes, to the tenth of an hour) or the plan's provider interventions if they add up to more."""
    timetable = (Decimal(int(minutes or 0)) / Decimal(60)).quantize(Decimal("0.1"))
    planned = Decimal(str(provider_hours)) if provider_hours is not None else Decimal(0)
    return max(timetable, planned)


def placed_by_provider(providers: sa.ColumnElement[bool], on: date) -> dict[int, tuple[str, list[PlacedPupil]]]:
    """Each unregistered provider matching ``providers``, by id: its name and its current placements reduced to the
    facts the threshold turns on, as ``service.support_plans.agreement.placed`` reduces one placement (one query).
    An LA's placements share a few weekly totals: each is turned into hours once (``Decimal`` arithmetic)."""
    found: dict[int, tuple[str, list[PlacedPupil]]] = {}
    hours: dict[tuple[object, object], Decimal] = {}
    for row in db.session.execute(_facts(providers)):
        sen = SenStatus(row.sen_status)
        totals = (row.minutes, row.hours)
        if totals not in hours:
            hours[totals] = hours_from_totals(*totals)
        found.setdefault(row.provider_id, (row.name, []))[1].append(
            PlacedPupil(
                hours_at_provider=hours[totals],
                compulsory_school_age=is_compulsory_school_age(row.date_of_birth, max(row.planned_start, on)),
                looked_after=bool(row.looked_after),
                has_ehcp=sen is SenStatus.EHCP,
                has_sen=sen in (SenStatus.SEN_SUPPORT, SenStatus.EHCP),
            )
        )
    return found


def _at_risk(providers: sa.ColumnElement[bool], rule: RegistrationRule, on: date) -> list[ProviderAtRisk]:
    found = [
        ProviderAtRisk(provider_id, name, registration_risk(False, placed, rule, on))
        for provider_id, (name, placed) in placed_by_provider(providers, on).items()
    ]
    return sorted((p for p in found if p.risk.at_risk), key=lambda p: (p.name.casefold(), p.provider_id))
