"""Telling a school's local authority about its placements, and the LA officer's read-only summary of them.

Why: DfE, Arranging alternative provision (February 2025), expects a school that commissions alternative provision
to tell its local authority (and, for a pupil with an education, health and care plan, the LA's SEN team), so the
LA knows where its children are taught and can meet its own duties to them. apdocs tells the LA when the school
agrees a plan for the first time, ends a placement, or extends one at a review: an email through the outbox,
written in the same transaction as the event (so a rollback sends nothing) and delivered after the commit. The
email names the placement by reference only: the LA reads the pupil's details in apdocs, in the summary below.

An LA's officers (commissioners of a local-authority organisation) see the school-commissioned placements of the
schools that chose their LA, read-only, a page at a time, in a fixed number of queries. It does not widen what
else they can open: the placement pages, documents and pupil records stay the school's
(``service.placements.access.visible_placements`` is unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from service.access import is_la_officer
from service.audit import services as audit
from service.auth.models import User
from service.db import UTCDateTime, utcnow
from service.errors import FieldError
from service.extensions import db
from service.la_notices.models import LaEvent, LaNotice
from service.mail.jobs import deliver_message
from service.mail.models import OutboxMessage
from service.mail.outbox import queue_message
from service.mail.settings import mail_settings
from service.organisations.models import Organisation
from service.organisations.services import local_authority_of, schools_of
from service.pagination import Page, page_number
from service.placements.models import Placement
from service.providers.models import Provider
from service.pupils.models import Pupil, SenStatus
from service.queue import enqueue_after_commit
from service.rules.dates import uk_date
from service.rules.organisations import OrganisationKind
from service.rules.placement_status import PlacementStatus

PURPOSE = "la_told"
PURPOSE_SEN = "la_told_sen"
#: Where an LA officer reads a placement the email names (the reference filters the list to it).
SUMMARY_PATH = "/local-authority/placements"
PAGE_SIZE = 50
#: A school's draft is its own work in progress: the LA sees a placement once it is referred.
HIDDEN_FROM_LA = (PlacementStatus.DRAFT,)
LA_STATUSES = tuple(s for s in PlacementStatus if s not in HIDDEN_FROM_LA)


def reference(placement_id: int) -> str:
    """The placement's reference, as every email and export names it: never the pupil."""
    return f"AP-{placement_id}"


# -- telling the LA ------------------------------------------------------------------------------------


def tell_local_authority(
    user: User | None, placement: Placement, event: LaEvent, at: datetime | None = None
) -> LaNotice | None:
    """Tell the school's LA of ``event``: queue an email to its AP contact (and its SEN team for a pupil with an
    EHCP), enqueued only after the caller commits, and record the telling. Returns None for a placement an LA
    commissioned itself (it needs no telling).

    Never fails the event: with no LA chosen, no AP contact or an address the outbox refuses, the notice records
    why the LA could not be told, and the school sees that on the placement page and tells the LA itself.
    """
    school = placement.commissioning_organisation
    if school.kind is not OrganisationKind.SCHOOL:
        return None
    when = at or utcnow()
    la = local_authority_of(school)
    notice = LaNotice(
        placement=placement,
        event=event,
        local_authority_id=la.id if la else None,
        created_by_id=user.id if user else None,
        recipients=[],
    )
    db.session.add(notice)
    if la is None:
        notice.problem = (
            f"{school.name} has not chosen its local authority: an administrator chooses it in Organisation settings."
        )
    elif not la.ap_contact_email.strip():
        notice.problem = f"{la.name} has no contact for alternative provision in its settings."
    else:
        _queue_emails(user, placement, event, school, la, notice)
        if not notice.problem:
            notice.told_at = when
    db.session.flush()
    audit.record(
        "tell_la" if notice.told else "tell_la_failed",
        "placement",
        placement.id,
        user,
        {"event": event.value, "notice_id": notice.id, "messages": len(notice.recipients)},
        organisation_id=school.id,
    )
    return notice


def _queue_emails(
    user: User | None, placement: Placement, event: LaEvent, school: Organisation, la: Organisation, notice: LaNotice
) -> None:
    """The email to the AP contact and, for a pupil with an EHCP, to the SEN team; each enqueued after the commit."""
    try:
        ap = _queue(user, placement, event, school, la.ap_contact_email, la.ap_contact_name, PURPOSE, sen=False)
    except FieldError:
        notice.problem = f"{la.name}'s contact for alternative provision is not a valid email address."
        return
    notice.message = ap
    notice.recipients = list(ap.to_addresses)
    if placement.pupil.sen_status is not SenStatus.EHCP:
        return
    if not la.sen_contact_email.strip():
        notice.problem = f"{la.name} has no SEN team contact in its settings, so its SEN team was not told."
        return
    try:
        sen = _queue(user, placement, event, school, la.sen_contact_email, la.sen_contact_name, PURPOSE_SEN, sen=True)
    except FieldError:
        notice.problem = f"{la.name}'s SEN team contact is not a valid email address, so its SEN team was not told."
        return
    notice.sen_message = sen
    notice.recipients = [*notice.recipients, *sen.to_addresses]


def _queue(
    user: User | None,
    placement: Placement,
    event: LaEvent,
    school: Organisation,
    address: str,
    name: str,
    purpose: str,
    *,
    sen: bool,
) -> OutboxMessage:
    message = queue_message(
        organisation_id=school.id,
        to=[address],
        subject=subject(placement, event, school),
        body=body(placement, event, school, name, sen=sen),
        purpose=purpose,
        placement_id=placement.id,
        created_by=user,
    )
    enqueue_after_commit(deliver_message, message.id)
    return message


def subject(placement: Placement, event: LaEvent, school: Organisation) -> str:
    """By reference and school: never the pupil's name (a subject is read on lock screens and in mail logs)."""
    return f"Alternative provision {event.label} by {school.name[:120]} (ref {reference(placement.id)})"


def body(placement: Placement, event: LaEvent, school: Organisation, name: str, *, sen: bool) -> str:
    """What the LA needs to find the placement in apdocs, and no personal details of the pupil."""
    ref = reference(placement.id)
    start = placement.actual_start or placement.planned_start
    end = placement.planned_end
    lines = [
        f"Dear {name.strip() or 'colleague'},",
        "",
        f"{school.name} has {event.label} a placement in alternative provision, reference {ref}.",
        "",
        f"Provider: {placement.provider.name}",
        f"Start: {uk_date(start)}",
        f"Planned end: {uk_date(end) if end else 'not set'}",
    ]
    if event is LaEvent.ENDED and placement.actual_end:
        lines.append(f"Ended on: {uk_date(placement.actual_end)}")
    if event is LaEvent.EXTENDED and end:
        lines.append(f"Extended at a review: the placement now runs to {uk_date(end)}.")
    lines += [
        f"Hours a week at the provider: {placement.hours_per_week}",
        f"Reason: {placement.circumstance.label}",
        f"Status: {placement.status.label}",
        "",
    ]
    if sen:
        lines += ["You are told as the local authority's SEN team because the pupil has an EHC plan.", ""]
    lines += [
        "Schools tell their local authority whenever they commission alternative provision (DfE, Arranging "
        "alternative provision, February 2025). The pupil's details are not in this email: sign in to apdocs "
        "to read them in your schools' placements:",
        "",
        f"{mail_settings().base_url}{SUMMARY_PATH}?reference={ref}",
        "",
        f"This message was sent by apdocs for {school.name}.",
    ]
    return "\n".join(lines) + "\n"


def notices_for(placement: Placement) -> list[LaNotice]:
    """Every telling of the placement, oldest first, with its messages (for the placement page)."""
    stmt = (
        sa.select(LaNotice)
        .where(LaNotice.placement_id == placement.id)
        .options(selectinload(LaNotice.message), selectinload(LaNotice.sen_message))
        .order_by(LaNotice.id)
    )
    return list(db.session.scalars(stmt))


# -- the LA officer's summary -------------------------------------------------------------------------


def officer_local_authority(user: User) -> Organisation | None:
    """The LA the user is an officer of (a commissioner of a local-authority organisation), else None (403)."""
    return user.organisation if is_la_officer(user) else None


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    status: PlacementStatus | None = None
    placement_id: int | None = None


@dataclass(frozen=True)
class Row:
    """One placement as the LA reads it: no link to the school's records."""

    placement_id: int
    reference: str
    pupil: str
    school: str
    provider: str
    start: date
    end: date | None
    ended: bool
    hours: object
    reason: str
    status: PlacementStatus
    told_at: datetime | None


def schools_choosing(la: Organisation) -> list[tuple[int, str]]:
    """The schools that chose this LA, by name, for the filter."""
    stmt = sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(schools_of(la.id)))
    return [(row.id, row.name) for row in db.session.execute(stmt.order_by(Organisation.name, Organisation.id))]


def _scoped(la: Organisation, filters: Filters) -> sa.Select[tuple[Placement]]:
    """The school-commissioned placements of the schools that chose ``la``, filtered: the only rows it may see."""
    stmt = sa.select(Placement).where(
        Placement.commissioning_organisation_id.in_(schools_of(la.id)), Placement.status.in_(LA_STATUSES)
    )
    if filters.school_id is not None:
        stmt = stmt.where(Placement.commissioning_organisation_id == filters.school_id)
    if filters.status is not None:
        stmt = stmt.where(Placement.status == filters.status)
    if filters.placement_id is not None:
        stmt = stmt.where(Placement.id == filters.placement_id)
    return stmt


def school_placements(user: User, la: Organisation, filters: Filters, page: int = 1) -> Page[Row]:
    """One page of the LA's schools' placements, newest start first, in a fixed number of queries (a count, the
    page with its pupil, school, provider and when the LA was last told, and the page's sessions for the hours).
    Every view is audited: the page holds pupils' names."""
    scoped = _scoped(la, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(scoped.subquery())) or 0
    number = page_number(page, total, PAGE_SIZE)
    told = (
        sa.select(sa.func.max(LaNotice.told_at, type_=UTCDateTime()))
        .where(LaNotice.placement_id == Placement.id)
        .correlate(Placement)
        .scalar_subquery()
    )
    school = sa.orm.aliased(Organisation)
    stmt = (
        scoped.add_columns(told.label("told_at"))
        .join(Pupil, Placement.pupil_id == Pupil.id)
        .join(Provider, Placement.provider_id == Provider.id)
        .join(school, Placement.commissioning_organisation_id == school.id)
        .options(
            contains_eager(Placement.pupil),
            contains_eager(Placement.provider),
            contains_eager(Placement.commissioning_organisation.of_type(school)),
            selectinload(Placement.sessions),
        )
        .order_by(Placement.planned_start.desc(), Placement.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    )
    rows = [
        Row(
            placement_id=p.id,
            reference=reference(p.id),
            pupil=p.pupil.display_name,
            school=p.commissioning_organisation.name,
            provider=p.provider.name,
            start=p.actual_start or p.planned_start,
            end=p.actual_end or p.planned_end,
            ended=p.actual_end is not None,
            hours=p.hours_per_week,
            reason=p.circumstance.label,
            status=p.status,
            told_at=told_at,
        )
        for p, told_at in db.session.execute(stmt).unique()
    ]
    audit.record(
        "view",
        "la_school_placements",
        la.id,
        user,
        {
            "school_id": filters.school_id,
            "status": filters.status.value if filters.status else None,
            "placement_id": filters.placement_id,
            "page": number,
            "rows": len(rows),
            "placement_ids": [r.placement_id for r in rows],
        },
    )
    return Page(rows, number, total, PAGE_SIZE)
