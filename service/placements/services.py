"""Placements: listing them, creating them, and moving them through their lifecycle.

Who may see which placement is decided in ``access``; every list here starts from its ``visible_placements``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.extensions import db
from service.placements import registration_details
from service.placements.access import visible_placements
from service.placements.models import Placement, PlacementSession, PlacementStatusChange, Weekday
from service.providers import contacts
from service.providers.models import Provider
from service.pupils.models import Pupil, SenStatus
from service.rules.decision import Circumstance, who_decides
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus, TransitionNotAllowed, check_transition
from service.rules.roles import Role


class PlacementError(FieldError):
    """A problem with a placement change that the user can fix."""


def placements_by_status(user: User) -> dict[PlacementStatus, list[Placement]]:
    """The user's placements grouped by status, in lifecycle order, for the dashboard."""
    stmt = visible_placements(user).options(
        selectinload(Placement.pupil),
        selectinload(Placement.provider).selectinload(Provider.contacts),
        selectinload(Placement.sessions),
        selectinload(Placement.commissioning_organisation),
    )
    grouped: dict[PlacementStatus, list[Placement]] = {status: [] for status in PlacementStatus}
    for placement in db.session.scalars(stmt.order_by(Placement.planned_start, Placement.id)):
        grouped[placement.status].append(placement)
    return grouped


def status_counts(organisation_id: int) -> Counter[PlacementStatus]:
    """How many of an organisation's placements are in each status: a summary with no personal data."""
    rows = db.session.execute(
        sa.select(Placement.status, sa.func.count())
        .where(Placement.commissioning_organisation_id == organisation_id)
        .group_by(Placement.status)
    )
    return Counter({status: count for status, count in rows})


def placement_choices(user: User) -> tuple[list[Pupil], list[Provider]]:
    """The pupils a commissioner may place (their organisation's own) and the providers in the catalogue."""
    pupils = db.session.scalars(
        sa.select(Pupil)
        .where(Pupil.organisation_id == user.organisation_id)
        .order_by(Pupil.legal_last_name, Pupil.legal_first_name)
    ).all()
    providers = db.session.scalars(sa.select(Provider).order_by(Provider.name)).all()
    return list(pupils), list(providers)


@dataclass
class SessionTime:
    weekday: Weekday
    starts_at: time
    ends_at: time
    setting: DeliveredBy = DeliveredBy.PROVIDER


@dataclass
class PlacementDetails:
    pupil_id: int
    provider_id: int
    circumstance: Circumstance
    decided_by: str
    planned_start: date
    planned_end: date | None
    reason_for_referral: str
    sessions: list[SessionTime] = field(default_factory=list)
    #: Dual registered at the provider (a pupil referral unit or AP academy): the home school's register says D.
    dual_registered: bool = False
    #: A ``rules.census.SchoolCensusReason`` value for a school, an ``ApCensusReason`` value for an LA.
    census_reason: str | None = None


def create_placement(user: User, details: PlacementDetails) -> Placement:
    """Create a draft placement for one of the commissioner's own pupils.

    Who must decide is derived from the pupil's circumstances by the statutory rule, so the record
    says who is accountable even before anyone signs anything. The census reason is required here (from the list
    for the user's kind of organisation) and dual registration needs a provider with a URN
    (``registration_details.checked``): a :class:`registration_details.RegistrationError` names the field.
    """
    pupil = db.session.scalar(
        sa.select(Pupil).where(Pupil.id == details.pupil_id, Pupil.organisation_id == user.organisation_id)
    )
    if pupil is None:
        raise PlacementError("pupil_id", "Select a pupil from your organisation")
    provider = db.session.get(Provider, details.provider_id)
    if provider is None:
        raise PlacementError("provider_id", "Select a provider from the catalogue")
    if details.planned_end is not None and details.planned_end < details.planned_start:
        raise PlacementError("planned_end", "Planned end date must be on or after the planned start date")
    _check_sessions(details.sessions)
    dual_registered, census_reason = registration_details.checked(
        kind=user.organisation.kind,
        provider=provider,
        dual_registered=details.dual_registered,
        census_reason=details.census_reason,
    )
    decision = who_decides(details.circumstance, has_ehcp=pupil.sen_status is SenStatus.EHCP)
    placement = Placement(
        pupil_id=pupil.id,
        provider_id=provider.id,
        commissioning_organisation_id=user.organisation_id,
        circumstance=details.circumstance,
        decision_maker=decision.decision_maker,
        decided_by=details.decided_by.strip(),
        status=PlacementStatus.DRAFT,
        planned_start=details.planned_start,
        planned_end=details.planned_end,
        reason_for_referral=details.reason_for_referral,
        dual_registered=dual_registered,
        census_reason=census_reason,
        created_by_id=user.id,
        sessions=[
            PlacementSession(weekday=s.weekday, starts_at=s.starts_at, ends_at=s.ends_at, setting=s.setting)
            for s in details.sessions
        ],
    )
    placement.history.append(
        PlacementStatusChange(from_status=None, to_status=PlacementStatus.DRAFT, changed_by_id=user.id)
    )
    db.session.add(placement)
    contacts.note_first_use(user.organisation_id, provider, user)
    db.session.flush()
    audit.record("create", "placement", placement.id, user, {"pupil_id": pupil.id, "provider_id": provider.id})
    return placement


def change_status(
    user: User, placement: Placement, new_status: PlacementStatus, note: str = "", on: date | None = None
) -> None:
    """Move a placement to a new status if the lifecycle allows it, recording who and when.

    Starting a placement records its actual start date, ending it the actual end date: the
    attendance and census figures depend on them.
    """
    if user.role is not Role.COMMISSIONER or placement.commissioning_organisation_id != user.organisation_id:
        raise PlacementError("status", "Only the commissioning organisation can change this placement's status")
    try:
        check_transition(placement.status, new_status)
    except TransitionNotAllowed as error:
        raise PlacementError("status", str(error)) from error
    if new_status is PlacementStatus.AGREED and (
        placement.support_plan is None or placement.support_plan.agreed_at is None
    ):
        raise PlacementError(
            "status", "A placement is agreed by agreeing its support plan: finish the plan and agree it"
        )
    if new_status is PlacementStatus.ENDED and placement.end_of_placement is None:
        raise PlacementError(
            "status", "A placement is ended by recording its end: what it achieved and where the pupil goes next"
        )
    today = on or date.today()
    if new_status is PlacementStatus.ACTIVE and placement.actual_start is None:
        placement.actual_start = today
    if new_status is PlacementStatus.ENDED:
        placement.actual_end = today
    placement.history.append(
        PlacementStatusChange(
            from_status=placement.status, to_status=new_status, changed_by_id=user.id, note=note.strip()
        )
    )
    audit.record(
        "status_change", "placement", placement.id, user, {"from": str(placement.status), "to": str(new_status)}
    )
    placement.status = new_status


def _check_sessions(sessions: list[SessionTime]) -> None:
    for index, session in enumerate(sessions):
        if session.ends_at <= session.starts_at:
            raise PlacementError(f"sessions-{index}", "A session must end after it starts")
    by_day: dict[Weekday, list[SessionTime]] = {}
    for session in sessions:
        by_day.setdefault(session.weekday, []).append(session)
    for day_sessions in by_day.values():
        day_sessions.sort(key=lambda s: s.starts_at)
        for earlier, later in zip(day_sessions, day_sessions[1:], strict=False):
            if later.starts_at < earlier.ends_at:
                raise PlacementError("sessions-0", f"Two sessions on {Weekday(earlier.weekday).label} overlap")
