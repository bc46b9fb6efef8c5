"""Recording exclusions, and the sixth-day duty of each, worked out for many at once.

Who sees what (docs/access.md): the excluding school's commissioners see and record the school's exclusions of
its own pupils; the commissioners of the school's local authority (the LA the school's admin chose) see the
school's permanent exclusions, because the duty to educate the pupil from the sixth school day is the LA's:
the pupil's name, the school and the dates, never the notes. Nobody else sees any.

Whether the duty is met is read from the pupil's placements: the school's own (agreed, running or ended), and for
a permanent exclusion the LA's placement of the same pupil (the LA records the pupil again, without a school
place, so the two records are matched by UPN, only within that LA).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.exclusions.models import Exclusion
from service.extensions import db
from service.organisations.models import Organisation
from service.organisations.services import schools_of
from service.placements.models import Placement
from service.pupils.models import Pupil
from service.rules.dates import uk_date
from service.rules.exclusions import MAX_SUSPENSION_DAYS, DaySix, DutyState, ExclusionKind, Provision, day_six
from service.rules.organisations import OrganisationKind
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role
from service.term_dates.services import term_dates_of

#: A placement in one of these states is education arranged for the pupil (a draft or a referral is not yet).
ARRANGED = (PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED)

#: How far ahead a first day may be recorded: an exclusion is decided and starts within days, not months.
MAX_DAYS_AHEAD = 28

#: How far back an exclusion may be recorded: the duty of an older one can no longer be met.
MAX_DAYS_BACK = 366


@dataclass(frozen=True)
class ExclusionDetails:
    kind: ExclusionKind
    first_day: date
    school_days: int | None
    decided_on: date
    notes: str


@dataclass(frozen=True)
class ExclusionDuty:
    """An exclusion with its sixth-day duty on the day asked about."""

    exclusion: Exclusion
    duty: DaySix

    @property
    def title(self) -> str:
        """ "Permanent exclusion", or "Suspension, 8 school days"."""
        days = self.exclusion.school_days
        if days is None:
            return self.exclusion.kind.label
        return f"{self.exclusion.kind.label}, {days} school day{'' if days == 1 else 's'}"

    @property
    def tag(self) -> tuple[str, str] | None:
        """The status tag's text and colour class, or None when there is no duty."""
        state, left = self.duty.state, self.duty.school_days_left
        if state is DutyState.DUE:
            if not left:
                return "Due today", "govuk-tag--red"
            return f"Due in {left} school day{'' if left == 1 else 's'}", "govuk-tag--orange"
        return {
            DutyState.NOT_DUE_YET: ("Not due yet", "govuk-tag--grey"),
            DutyState.MET: ("Placement in place", "govuk-tag--green"),
            DutyState.LATE: ("Placement started late", "govuk-tag--yellow"),
            DutyState.MISSED: ("Missed", "govuk-tag--red"),
        }.get(state)


def can_record(user: User) -> bool:
    """Only a school excludes: its commissioners record the exclusion (an LA's pupils have no school place)."""
    return user.role is Role.COMMISSIONER and user.organisation.kind is OrganisationKind.SCHOOL


def visible_exclusions(user: User) -> sa.Select[tuple[Exclusion]]:
    """The exclusions this user may see, as a query to refine. Deny by default."""
    stmt = sa.select(Exclusion)
    if user.role is not Role.COMMISSIONER:
        return stmt.where(sa.false())
    if user.organisation.kind is OrganisationKind.SCHOOL:
        return stmt.where(Exclusion.organisation_id == user.organisation_id)
    if user.organisation.kind is OrganisationKind.LOCAL_AUTHORITY:
        return stmt.where(
            Exclusion.kind == ExclusionKind.PERMANENT, Exclusion.organisation_id.in_(schools_of(user.organisation_id))
        )
    return stmt.where(sa.false())


def record_exclusion(user: User, pupil: Pupil, details: ExclusionDetails, today: date) -> Exclusion:
    """Record an exclusion of one of the school's own pupils (the caller commits), audited.

    The dates are checked against ``today``: the decision is made on or before the first day and is not in the
    future; the first day is at most four weeks ahead and at most a year back.
    """
    if pupil.organisation_id != user.organisation_id or not can_record(user):
        raise PermissionError("only the pupil's school records an exclusion")
    if details.first_day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise FieldError(
            "first_day",
            f"The first day must be within {MAX_DAYS_AHEAD // 7} weeks from today: record the exclusion once it is "
            f"decided, by {uk_date(today + timedelta(days=MAX_DAYS_AHEAD))}",
        )
    if details.first_day < today - timedelta(days=MAX_DAYS_BACK):
        raise FieldError("first_day", "The first day must be within the last year")
    if details.decided_on > today:
        raise FieldError("decided_on", "The date of the decision must be today or in the past")
    if details.decided_on > details.first_day:
        raise FieldError("decided_on", "The decision must be made on or before the first day of the exclusion")
    if details.decided_on < details.first_day - timedelta(days=MAX_DAYS_BACK):
        raise FieldError("decided_on", "The decision must be within a year before the first day")
    school_days: int | None = None
    if details.kind is ExclusionKind.SUSPENSION:
        if details.school_days is None or not 1 <= details.school_days <= MAX_SUSPENSION_DAYS:
            raise FieldError(
                "school_days",
                f"Enter the number of school days of the suspension, from 1 to {MAX_SUSPENSION_DAYS}",
            )
        school_days = details.school_days
    exclusion = Exclusion(
        pupil_id=pupil.id,
        organisation_id=user.organisation_id,
        kind=details.kind,
        first_day=details.first_day,
        school_days=school_days,
        decided_on=details.decided_on,
        notes=details.notes.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(exclusion)
    db.session.flush()
    audit.record("create", "exclusion", exclusion.id, user, {"pupil_id": pupil.id, "kind": details.kind.value})
    return exclusion


def duties(exclusions: Sequence[Exclusion], today: date) -> list[ExclusionDuty]:
    """Each exclusion's sixth-day duty on ``today``, in three queries whatever the number: the schools' term
    dates, their LAs, and the placements that may provide the education."""
    if not exclusions:
        return []
    half_terms = term_dates_of(e.organisation_id for e in exclusions)
    provisions = _provisions(exclusions)
    return [
        ExclusionDuty(
            exclusion,
            day_six(
                kind=exclusion.kind,
                first_day=exclusion.first_day,
                school_days=exclusion.school_days,
                provisions=provisions[exclusion.id],
                on=today,
                half_terms=half_terms[exclusion.organisation_id],
            ),
        )
        for exclusion in exclusions
    ]


def _provisions(exclusions: Sequence[Exclusion]) -> dict[int, list[Provision]]:
    """The placements that count for each exclusion: the pupil's own, and for a permanent exclusion the school's
    LA's placement of a pupil with the same UPN (one query for the LAs, one for the placements)."""
    school_ids = {e.organisation_id for e in exclusions}
    la_of: dict[int, int | None] = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.local_authority_id).where(Organisation.id.in_(school_ids))
        ).all()
    )
    pupil_ids = {e.pupil_id for e in exclusions}
    upns = {e.pupil.upn for e in exclusions if e.kind is ExclusionKind.PERMANENT and e.pupil.upn}
    la_ids = {la for la in la_of.values() if la is not None}
    condition = Placement.pupil_id.in_(pupil_ids)
    if upns and la_ids:
        condition = sa.or_(condition, sa.and_(Pupil.upn.in_(upns), Pupil.organisation_id.in_(la_ids)))
    rows = db.session.execute(
        sa.select(
            Placement.pupil_id,
            Pupil.upn,
            Pupil.organisation_id,
            Placement.status,
            Placement.planned_start,
            Placement.actual_start,
            Placement.actual_end,
        )
        .join(Pupil, Placement.pupil_id == Pupil.id)
        .where(condition, Placement.status.in_(ARRANGED))
    ).all()
    by_pupil: dict[int, list[Provision]] = defaultdict(list)
    by_la_upn: dict[tuple[int, str], list[Provision]] = defaultdict(list)
    for pupil_id, upn, organisation_id, status, planned_start, actual_start, actual_end in rows:
        ends_on = (actual_end or actual_start or planned_start) if status is PlacementStatus.ENDED else None
        provision = Provision(actual_start or planned_start, ends_on)
        by_pupil[pupil_id].append(provision)
        if upn:
            by_la_upn[(organisation_id, upn)].append(provision)
    found: dict[int, list[Provision]] = {}
    for exclusion in exclusions:
        mine = list(by_pupil.get(exclusion.pupil_id, []))
        la = la_of.get(exclusion.organisation_id)
        if exclusion.kind is ExclusionKind.PERMANENT and la is not None and exclusion.pupil.upn:
            mine += by_la_upn.get((la, exclusion.pupil.upn), [])
        found[exclusion.id] = mine
    return found


def exclusions_of_pupil(user: User, pupil: Pupil, today: date) -> list[ExclusionDuty]:
    """The pupil's exclusions the user may see, latest first, with their duty today (for the pupil's page)."""
    rows = db.session.scalars(
        visible_exclusions(user)
        .where(Exclusion.pupil_id == pupil.id)
        .options(selectinload(Exclusion.pupil))
        .order_by(Exclusion.first_day.desc(), Exclusion.id.desc())
    ).all()
    return duties(rows, today)


def flagged(user: User, today: date) -> list[ExclusionDuty]:
    """The exclusions whose sixth-day duty is due soon or missed with no placement in place: for the school's
    commissioners all of its own, for the LA's its schools' permanent exclusions. A fixed number of queries."""
    return [d for d in current(user, today) if d.duty.flagged]


def current(user: User, today: date) -> list[ExclusionDuty]:
    """The user's exclusions from the last year, with their duty today, earliest deadline first (the LA's list).

    Older ones are left out: their duty can no longer be met, and the school's pupil page keeps them.
    """
    rows = db.session.scalars(
        visible_exclusions(user)
        .where(Exclusion.first_day >= today - timedelta(days=MAX_DAYS_BACK))
        .options(selectinload(Exclusion.pupil), selectinload(Exclusion.organisation))
        .order_by(Exclusion.first_day, Exclusion.id)
    ).all()
    found = duties(rows, today)
    return sorted(found, key=lambda d: (d.duty.deadline or d.exclusion.first_day, d.exclusion.id))
