"""The demo's placements: ten, in every status from draft to ended and cancelled, for the pupils of the world.

Each has the census reason its story gives it: Ellie's (three suspensions, directed off site) is behavioural
support and Zoë's (anxiety) a mental health need; Mo's, Amara's, Kacper's, Riley's and Tyler's fit none of DfE's
other five and are "other". Westshire's own are from the AP census
list: Jayden permanently excluded, Lily-Mae without a school place, Noah unable to attend for health needs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from service.auth.models import User
from service.demo.world import World
from service.extensions import db
from service.placements.models import Placement, PlacementSession, PlacementStatusChange
from service.providers import contacts
from service.providers.models import Provider
from service.pupils.models import Pupil, SenStatus
from service.rules.calendar import add_working_days
from service.rules.census import ApCensusReason, SchoolCensusReason
from service.rules.decision import Circumstance, who_decides
from service.rules.placement_status import PlacementStatus


def add_placements(world: World) -> None:
    """Add the placements with their timetables and status histories, as the commissioners made them."""
    today, senco, officer = world.today, world.senco, world.officer
    horizon, oak, riverside, farm = (world.providers[k] for k in ("horizon", "oak", "riverside", "farm"))
    ellie, zoe, mo, amara, kacper, riley, tyler, jayden, lily, noah = (
        world.pupils[k] for k in ("ellie", "zoe", "mo", "amara", "kacper", "riley", "tyler", "jayden", "lily", "noah")
    )
    weeks_ago = lambda n: today - timedelta(weeks=n)  # noqa: E731
    ahead = lambda n: add_working_days(today, n)  # noqa: E731
    am, pm, day_ = (time(9, 0), time(12, 0)), (time(12, 30), time(15, 0)), (time(9, 0), time(15, 0))

    ellie_placement = _placement(
        ellie,
        horizon,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        weeks_ago(6),
        None,
        "Ellie has disengaged from lessons since Year 9 and has had three suspensions this year. A vocational "
        "placement two days a week, with school on the other days, aims to rebuild her attendance & motivation.",
        # Lunch at the provider (12:00-12:30) is part of the day there: the week is full time day by day.
        [(1, *am), (1, time(12, 0), time(12, 30)), (1, *pm), (3, *am), (3, time(12, 0), time(12, 30)), (3, *pm)],
        [PlacementStatus.REFERRED, PlacementStatus.AGREED, PlacementStatus.ACTIVE],
        today,
        census_reason=SchoolCensusReason.BEHAVIOUR,
    )
    zoe_placement = _placement(
        zoe,
        oak,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        ahead(7),
        None,
        "Anxiety-related school avoidance: small-group tutoring to keep English and maths on track while a "
        "phased return is planned.",
        [(0, *am), (2, *am), (4, *am)],
        [PlacementStatus.REFERRED],
        today,
        census_reason=SchoolCensusReason.MEDICAL_MENTAL_HEALTH,
    )
    mo_placement = _placement(
        mo,
        riverside,
        senco,
        Circumstance.ON_ROLL,
        "Westshire SEN team at early annual review",
        ahead(12),
        ahead(12) + timedelta(weeks=24),
        "Recommended at the early annual review of Mo's EHC plan: a smaller setting for Year 11 with GCSE "
        "English and maths, and a clear post-16 destination plan.",
        [(d, *day_) for d in range(5)],
        [PlacementStatus.REFERRED, PlacementStatus.AGREED],
        today,
        census_reason=SchoolCensusReason.OTHER,
    )
    amara_placement = _placement(
        amara,
        horizon,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        ahead(20),
        None,
        "Draft: construction taster for one afternoon a week.",
        [(4, *pm)],
        [],
        today,
        census_reason=SchoolCensusReason.OTHER,
    )
    kacper_placement = _placement(
        kacper,
        horizon,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        weeks_ago(30),
        weeks_ago(8),
        "Motor vehicle course alongside school timetable.",
        [(2, *day_)],
        [PlacementStatus.REFERRED, PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.ENDED],
        today,
        census_reason=SchoolCensusReason.OTHER,
    )
    riley_placement = _placement(
        riley,
        oak,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        weeks_ago(9),
        None,
        "Tutoring while the child protection plan is reviewed; progress to be checked at the half-term review.",
        [(0, *am), (3, *am)],
        [PlacementStatus.REFERRED, PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW],
        today,
        census_reason=SchoolCensusReason.OTHER,
    )
    tyler_placement = _placement(
        tyler,
        farm,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        ahead(15),
        None,
        "Outdoor learning proposed by the virtual school. Provider checks are outstanding.",
        [(2, *am)],
        [],
        today,
        census_reason=SchoolCensusReason.OTHER,
    )
    jayden_placement = _placement(
        jayden,
        riverside,
        officer,
        Circumstance.PERMANENTLY_EXCLUDED,
        "Lee Morgan, Access to Learning",
        weeks_ago(4),
        None,
        "Permanently excluded; full-time provision arranged from day 6.",
        [(d, *day_) for d in range(5)],
        [PlacementStatus.REFERRED, PlacementStatus.AGREED, PlacementStatus.ACTIVE],
        today,
        census_reason=ApCensusReason.PERMANENTLY_EXCLUDED,
    )
    lily_placement = _placement(
        lily,
        oak,
        officer,
        Circumstance.NO_SCHOOL_PLACE,
        "Westshire SEN team",
        ahead(10),
        None,
        "No suitable school place named yet; interim tuition under the EHC plan.",
        [(0, *am), (1, *am), (2, *am), (3, *am)],
        [PlacementStatus.REFERRED],
        today,
        census_reason=ApCensusReason.NO_SCHOOL_PLACE,
    )
    noah_placement = _placement(
        noah,
        horizon,
        officer,
        Circumstance.MEDICAL,
        "Consultant paediatrician and Westshire hospital school",
        weeks_ago(2),
        None,
        "Medical needs: placement withdrawn on consultant advice.",
        [(1, *am)],
        [PlacementStatus.REFERRED, PlacementStatus.CANCELLED],
        today,
        census_reason=ApCensusReason.MEDICAL,
    )
    world.placements.update(
        ellie=ellie_placement,
        zoe=zoe_placement,
        mo=mo_placement,
        amara=amara_placement,
        kacper=kacper_placement,
        riley=riley_placement,
        tyler=tyler_placement,
        jayden=jayden_placement,
        lily=lily_placement,
        noah=noah_placement,
    )
    db.session.flush()
    for placement in db.session.scalars(sa.select(Placement)):  # as creating each one through the form does
        contacts.note_first_use(placement.commissioning_organisation_id, placement.provider, None)


def _placement(
    pupil: Pupil,
    provider: Provider,
    by: User,
    circumstance: Circumstance,
    decided_by: str,
    start: date,
    end: date | None,
    reason: str,
    sessions: list[tuple[int, time, time]],
    path: list[PlacementStatus],
    today: date,
    *,
    census_reason: SchoolCensusReason | ApCensusReason,
    dual_registered: bool = False,
) -> Placement:
    """One placement as its commissioner made it, with its census reason (a school's from DfE's six, an LA's from
    the AP census list: every demo placement has one) and whether the pupil is dual registered at the provider."""
    decision = who_decides(circumstance, has_ehcp=pupil.sen_status is SenStatus.EHCP)
    placement = Placement(
        pupil=pupil,
        provider=provider,
        commissioning_organisation_id=by.organisation_id,
        circumstance=circumstance,
        decision_maker=decision.decision_maker,
        decided_by=decided_by,
        status=PlacementStatus.DRAFT,
        planned_start=start,
        planned_end=end,
        reason_for_referral=reason,
        census_reason=census_reason.value,
        dual_registered=dual_registered,
        created_by_id=by.id,
        sessions=[PlacementSession(weekday=d, starts_at=s, ends_at=e) for d, s, e in sessions],
    )
    when = datetime.combine(min(start, today) - timedelta(days=21), time(10, 0), tzinfo=UTC)
    placement.history.append(
        PlacementStatusChange(from_status=None, to_status=PlacementStatus.DRAFT, changed_by_id=by.id, changed_at=when)
    )
    for status in path:
        when += timedelta(days=6)
        if status is PlacementStatus.ACTIVE:
            placement.actual_start = start
            when = datetime.combine(start, time(9, 0), tzinfo=UTC)
        if status is PlacementStatus.ENDED:
            placement.actual_end = end or today
            when = datetime.combine(placement.actual_end, time(15, 0), tzinfo=UTC)
        placement.history.append(
            PlacementStatusChange(from_status=placement.status, to_status=status, changed_by_id=by.id, changed_at=when)
        )
        placement.status = status
    db.session.add(placement)
    return placement
