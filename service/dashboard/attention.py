"""What a commissioner must do today, worked out for all their placements at once.

Why: Ofsted and the CQC (2024) found pupils in AP nobody checked on — no visit, no review, no attendance
followed up, no plan anyone could find. The dashboard opens on the list of things that are wrong now, each
with its reason and a link to the page that fixes it. Everything is computed in a fixed number of queries,
so an LA officer with 400 placements waits no longer than a SENCO with 4 (tests/dashboard).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import sqlalchemy as sa

from service.access import is_la_officer
from service.attendance import services as attendance
from service.attendance.models import AttendanceMark
from service.auth.models import User
from service.dashboard import registration
from service.dashboard.read_model import AnyPlacement, PlanRow, plan_rows
from service.exclusions import services as exclusions
from service.extensions import db
from service.la_decisions import services as la_decisions
from service.placements.models import Placement, PlacementSession
from service.progress_reports import schedule as report_schedule
from service.providers import contacts
from service.pupils.models import Pupil, SenStatus
from service.reviews.models import Review
from service.reviews.services import review_due_after
from service.rules.attendance_codes import UNEXPLAINED, Session, monday_of, sessions_over
from service.rules.attendance_expected import LOOK_BACK_DAYS, expected_among, window_slots
from service.rules.dates import UK
from service.rules.dates import uk_date as _uk_date
from service.rules.full_time import DayCheck, DeliveredBy, TimetableSession
from service.rules.organisations import OrganisationKind
from service.rules.placement_status import LIVE_STATUSES, PlacementStatus
from service.rules.plan_requirements import ehcp_flag_cutoff, ehcp_review
from service.rules.review_dates import HalfTerm, ReviewDeadline
from service.rules.unexplained import overdue_cutoff
from service.rules.visits import VisitDue
from service.signing.models import RequestStatus, SignatureRequest, Signer
from service.sql import among
from service.support_plans import full_time_checks
from service.support_plans.registration import registration_rule
from service.term_dates.services import term_dates, term_dates_of
from service.visits.models import Visit
from service.visits.services import next_visit

#: Dates as the lists write them (``rules.dates.uk_date``), each distinct date formatted once: the lists write some
#: 7,000 reasons at an LA's size over a few hundred dates.
uk_date = lru_cache(maxsize=4096)(_uk_date)

#: Progress reports overdue for longer than this are left to the placement page: an old gap cannot be mended.
PROGRESS_REPORT_LOOK_BACK_DAYS = 183

#: Placements the pupil is attending, or about to: what needs doing is about these.
RUNNING = (PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)
ATTENDING = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)


@dataclass(slots=True)
class Item:
    """One thing to do: whose, why, and where to do it."""

    title: str  # e.g. the pupil's name, or a provider's
    reason: str
    endpoint: str
    values: dict[str, object] = field(default_factory=dict)
    anchor: str = ""
    # For the see-all page's sorting and filters: the placement's provider and status, and the date it is about.
    provider_id: int | None = None
    provider: str = ""
    status: PlacementStatus | None = None
    on: date | None = None


@dataclass
class Group:
    key: str
    heading: str
    items: list[Item]


#: The commissioner's To do lists, in the order they should be taken: the keys name each list's see-all page.
COMMISSIONER_GROUPS = (
    "absences",
    "unexplained_overdue",
    "unmarked",
    "reviews",
    "ehcp_reviews",
    "visits",
    "progress_reports",
    "unsigned",
    "contacts",
    "part_time",
    "registration",
    "no_placement",
    "exclusions",
    "la_decisions",
)
#: Provider staff's.
PROVIDER_GROUPS = ("unmarked", "progress_reports")


def needs_action(
    user: User, placements: Sequence[AnyPlacement], today: date, now: datetime | None = None, only: str | None = None
) -> list[Group]:
    """Every group of things to do, in the order a commissioner should take them; empty groups included
    (the page says "none" for them: knowing nothing is overdue matters too). ``now`` (aware) decides which
    of today's sessions are over; without it only earlier days are checked for marks. ``only`` (a key of
    ``COMMISSIONER_GROUPS``) works out that one list, for its see-all page."""
    running = [p for p in placements if p.status in RUNNING]
    half_terms = term_dates(user.organisation_id)
    facts = _facts(running, wanted=KEYS_NEEDING_FACTS if only is None else {only})
    ended_today = _ended_today(now)
    cutoff = overdue_cutoff(today, half_terms)  # the N deadline, shared by the two absence lists
    builders: dict[str, Callable[[], Group]] = {
        "absences": lambda: Group("absences", "Absent without a reason", _absences_without_reason(running, cutoff)),
        "unexplained_overdue": lambda: Group(
            "unexplained_overdue",
            "Absence not decided within five school days",
            _unexplained_overdue(running, cutoff),
        ),
        "unmarked": lambda: Group(
            "unmarked",
            "Attendance not marked",
            _attendance_not_marked(running, half_terms, today, ended_today, facts.timetables),
        ),
        "reviews": lambda: Group(
            "reviews", "Reviews overdue", _reviews_overdue(running, facts.last_reviews, half_terms, today)
        ),
        "ehcp_reviews": lambda: Group(
            "ehcp_reviews", "EHCP annual reviews due", _ehcp_reviews_due(user, placements, today)
        ),
        "visits": lambda: Group("visits", "Visits overdue", _visits_overdue(running, half_terms, today)),
        "progress_reports": lambda: Group(
            "progress_reports",
            "Progress reports overdue",
            _progress_reports_overdue(placements, {user.organisation_id: half_terms}, today),
        ),
        "unsigned": lambda: Group("unsigned", "Plans not signed", _plans_not_signed(running, facts.plans)),
        "contacts": lambda: Group("contacts", "Provider contacts to confirm", _contacts_to_confirm(user, placements)),
        "part_time": lambda: Group(
            "part_time",
            "Below full time with no reason",
            _part_time_without_reason(running, facts.plans, facts.timetables),
        ),
        "registration": lambda: _registration_risks(user, running, today),
        "no_placement": lambda: Group("no_placement", "Pupils with no placement", _pupils_without_placement(user)),
        "exclusions": lambda: Group(
            "exclusions", "Excluded pupils: education due from day 6", _excluded_pupils(user, today)
        ),
        "la_decisions": lambda: _la_decisions_group(user, placements),
    }
    return [builders[key]() for key in COMMISSIONER_GROUPS if only is None or key == only]


def _la_decisions_group(user: User, placements: Sequence[AnyPlacement]) -> Group:
    """A school: its placements waiting for its LA's decision. An LA officer: how many decisions wait for them
    (their schools' and their own), linked to the list; counted, not listed, as an LA may have thousands."""
    if is_la_officer(user):
        count = la_decisions.count_waiting(user)
        items = (
            [
                Item(
                    "Decisions waiting for you",
                    f"{count} placement{'s' if count != 1 else ''} need the local authority's decision",
                    "la_decisions.waiting",
                )
            ]
            if count
            else []
        )
        return Group("la_decisions", "Decisions for the local authority", items)
    items = [_item(p, status.message, "decision") for p, status in la_decisions.school_waiting(placements)]
    return Group("la_decisions", "Waiting for the local authority's decision", items)


def _contacts_to_confirm(user: User, placements: Sequence[AnyPlacement]) -> list[Item]:
    """Providers whose placement contact was changed by the catalogue entry's owner and not yet confirmed here:
    packs and signing links to them are held until someone checks the new address (one query)."""
    live = {p.provider_id: p.provider for p in placements if p.status in LIVE_STATUSES}
    checks = contacts.contact_checks(user.organisation_id, live.values())
    return [
        Item(
            title=live[provider_id].name,
            reason=f"The placement contact changed to {check.current_email}: packs and signing links wait until "
            "you confirm it",
            endpoint="providers.show_provider",
            values={"provider_id": provider_id},
            anchor="contact-changed",
        )
        for provider_id, check in sorted(checks.items(), key=lambda pair: live[pair[0]].name)
        if check.needs_confirmation
    ]


def provider_to_do(
    user: User, placements: Sequence[AnyPlacement], today: date, now: datetime | None = None, only: str | None = None
) -> list[Group]:
    """What provider staff owe today: the register of each pupil they teach, by each commissioner's term
    dates, and the termly progress reports due or overdue. Reviews, plans and visits are the commissioner's,
    so they are not on the provider's list. ``only`` (a key of ``PROVIDER_GROUPS``) works out that one list."""
    attending = [p for p in placements if p.status in ATTENDING]
    ended_today = _ended_today(now)
    half_terms = term_dates_of(p.commissioning_organisation_id for p in placements)  # one query
    by_commissioner: dict[int, list[AnyPlacement]] = defaultdict(list)
    for placement in attending:
        by_commissioner[placement.commissioning_organisation_id].append(placement)
    groups = []
    if only in (None, "unmarked"):
        weeks = timetables([p.id for p in attending]) if attending else {}  # one query for every commissioner's
        items = []
        for organisation_id, theirs in sorted(by_commissioner.items()):
            items += _attendance_not_marked(theirs, half_terms[organisation_id], today, ended_today, weeks)
        groups.append(Group("unmarked", "Attendance to record", items))
    if only in (None, "progress_reports"):
        owed = [_report_item(report, True) for report in report_schedule.owed_among(placements, today, half_terms)]
        groups.append(Group("progress_reports", "Progress reports to write", owed))
    return groups


def _ended_today(now: datetime | None) -> set[Session]:
    """Today's sessions that are over by the UK clock (none when the caller gives no time)."""
    return set(sessions_over(now.astimezone(UK).time())) if now is not None else set()


@dataclass
class Facts:
    """What the lists read about the running placements beyond the placement itself, as plain values."""

    timetables: dict[int, tuple[TimetableSession, ...]] = field(default_factory=dict)  # each placement's week
    last_reviews: dict[int, date] = field(default_factory=dict)  # the latest review's meeting, when there is one
    plans: dict[int, PlanRow] = field(default_factory=dict)  # each placement's plan, when it has one


#: The lists that read ``Facts`` or the plans: the others cost none of these queries.
KEYS_NEEDING_FACTS = {"reviews", "unsigned", "part_time", "unmarked"}


def _facts(running: Sequence[AnyPlacement], wanted: set[str]) -> Facts:
    """Plans, timetables and latest reviews of the running placements, in a fixed number of queries, for the lists
    in ``wanted`` only.

    Why plain values: at an LA's 5,000 placements, loading each placement's ten weekly sessions, its plan and every
    review as objects took over a second of the dashboard's time; the lists need only each week's days and times,
    the plan's agreement and reason for a shorter day (``read_model.plan_rows``), and the latest meeting's date."""
    facts = Facts()
    ids = [p.id for p in running]
    if not ids or not wanted & KEYS_NEEDING_FACTS:
        return facts
    if wanted & {"unsigned", "part_time"}:
        facts.plans = plan_rows(ids)
    if wanted & {"part_time", "unmarked"}:
        facts.timetables = timetables(ids)
    if "reviews" in wanted:
        for placement_id, meeting_date in db.session.execute(
            sa.select(Review.placement_id, Review.meeting_date)
            .where(among(Review.placement_id, ids))
            .order_by(Review.placement_id, Review.number)
        ):
            facts.last_reviews[placement_id] = meeting_date  # in number order: the last one stays
    return facts


def timetables(placement_ids: list[int]) -> dict[int, tuple[TimetableSession, ...]]:
    """Each placement's week as the rules take it (``Placement.timetable``, in day and time order), by placement.

    One row per placement: the database joins each week's sessions into one text (``string_agg`` on PostgreSQL,
    ``group_concat`` on SQLite), and each distinct text is read once. An LA's 2,400 running placements have ten
    sessions each but share a few dozen weeks: 24,000 rows made into objects were most of the list's time. A
    placement with no session has an empty week."""
    piece = (
        sa.cast(PlacementSession.weekday, sa.String)
        + "|"
        + sa.cast(PlacementSession.starts_at, sa.String)
        + "|"
        + sa.cast(PlacementSession.ends_at, sa.String)
        + "|"
        + sa.cast(PlacementSession.setting, sa.String)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        week = sa.func.string_agg(piece, sa.literal_column("';'"))
    else:
        week = sa.func.group_concat(piece, ";")
    weeks: dict[int, tuple[TimetableSession, ...]] = dict.fromkeys(placement_ids, ())
    read: dict[str, tuple[TimetableSession, ...]] = {}
    for placement_id, text in db.session.execute(
        sa.select(PlacementSession.placement_id, week)
        .where(among(PlacementSession.placement_id, placement_ids))
        .group_by(PlacementSession.placement_id)
    ):
        if text not in read:
            read[text] = _week_from_text(text)
        weeks[placement_id] = read[text]
    return weeks


def _week_from_text(text: str) -> tuple[TimetableSession, ...]:
    sessions = []
    for piece in text.split(";"):
        weekday, starts_at, ends_at, setting = piece.split("|")
        sessions.append(
            TimetableSession(
                int(weekday), time.fromisoformat(starts_at), time.fromisoformat(ends_at), DeliveredBy(setting)
            )
        )
    return tuple(sorted(sessions, key=lambda s: (s.weekday, s.starts_at, s.ends_at, s.setting.value)))


def _about(placement: AnyPlacement, on: date | None) -> dict[str, object]:
    """What the see-all page sorts and filters a placement's item by."""
    return {
        "provider_id": placement.provider_id,
        "provider": placement.provider.name,
        "status": placement.status,
        "on": on,
    }


def _item(placement: AnyPlacement, reason: str, anchor: str = "", on: date | None = None) -> Item:
    return Item(
        placement.pupil.display_name,
        reason,
        "placements.show_placement",
        {"placement_id": placement.id},
        anchor,
        **_about(placement, on),
    )


def _absences_without_reason(running: Sequence[AnyPlacement], cutoff: date) -> list[Item]:
    """Absences still marked ``N`` and still within their five school days: the commissioner keeps the register and
    must decide each one. The older ones are listed under "Absence not decided within five school days" instead
    (:func:`_unexplained_overdue`, the same ``cutoff``), so each ``N`` is on one list, never both."""
    rows = db.session.execute(
        sa.select(AttendanceMark.placement_id, sa.func.count(), sa.func.min(AttendanceMark.on))
        .where(
            among(AttendanceMark.placement_id, [p.id for p in running]),
            AttendanceMark.code == UNEXPLAINED,
            AttendanceMark.on > cutoff,
        )
        .group_by(AttendanceMark.placement_id)
    ).all()
    found = {placement_id: (count, first) for placement_id, count, first in rows}
    items = []
    for placement in running:
        if placement.id in found:
            count, first = found[placement.id]
            what = "1 absence" if count == 1 else f"{count} absences"
            items.append(
                Item(
                    placement.pupil.display_name,
                    f"{what} without a reason, the first on {uk_date(first)}: decide whether authorised",
                    "attendance.register",
                    {"placement_id": placement.id},
                    "unexplained",
                    **_about(placement, first),
                )
            )
    return items


def _unexplained_overdue(running: Sequence[AnyPlacement], cutoff: date) -> list[Item]:
    """Placements with an ``N`` older than five school days: the School Attendance (Pupil Registration) (England)
    Regulations 2024 and DfE, Working together to improve school attendance, give five school days to replace it.

    ``cutoff`` (``service.rules.unexplained.overdue_cutoff``, by the organisation's term dates) is worked out once,
    so one query finds the late marks of every placement, however many. Listed apart from "Absent without a
    reason" (which holds every ``N``, late or not) because these have already missed the deadline.
    """
    if not running:
        return []
    rows = db.session.execute(
        sa.select(AttendanceMark.placement_id, sa.func.count(), sa.func.min(AttendanceMark.on))
        .where(
            among(AttendanceMark.placement_id, [p.id for p in running]),
            AttendanceMark.code == UNEXPLAINED,
            AttendanceMark.on <= cutoff,
        )
        .group_by(AttendanceMark.placement_id)
    ).all()
    found = {placement_id: (count, oldest) for placement_id, count, oldest in rows}
    items = []
    for placement in running:
        if placement.id not in found:
            continue
        count, oldest = found[placement.id]
        what = "1 absence" if count == 1 else f"{count} absences"
        items.append(
            Item(
                placement.pupil.display_name,
                f"{what} not decided within five school days, the oldest on {uk_date(oldest)}: decide "
                f"{'it' if count == 1 else 'them'} on the register",
                "attendance.register",
                {"placement_id": placement.id},
                "unexplained",
                **_about(placement, oldest),
            )
        )
    return items


def _attendance_not_marked(
    running: Sequence[AnyPlacement],
    half_terms: list[HalfTerm],
    today: date,
    ended_today: set[Session],
    weeks: dict[int, tuple[TimetableSession, ...]] | None = None,
) -> list[Item]:
    """Timetabled sessions of the last four weeks with no mark: nobody has said whether the pupil was there.

    Which sessions should have a mark is ``rules.attendance_expected``'s: the school days of the four weeks
    (``window_slots``, the same for every placement), on the days and sessions of the placement's week at the
    provider (``attendance.scheduled_in``), from its first day to its last (``expected_among``). ``weeks``: each
    placement's week (``timetables``), when the caller has read them already."""
    attending = [p for p in running if p.status in ATTENDING]
    since = today - timedelta(days=LOOK_BACK_DAYS)
    # Only the half-terms that meet the four weeks looked at can hold an expected session. None of them: no term day.
    in_window = [t for t in half_terms if t.starts_on <= today and t.ends_on >= since]
    if half_terms and not in_window:
        return []
    slots = window_slots(today=today, ended_today=ended_today, half_terms=in_window, since=since)
    if not attending or not slots:
        return []
    if weeks is None:
        weeks = timetables([p.id for p in attending])
    marked = _marks_since([p.id for p in attending], since, slots)
    missing = _missing_marks(attending, slots, weeks, marked, since, today)
    items = []
    for placement in attending:
        if placement.id not in missing:
            continue
        count, first_missing = missing[placement.id]
        first_day = attendance.first_day(placement)
        if placement.id not in marked and first_day >= since:  # nothing marked at all since it began
            reason = f"No attendance marked since the start on {uk_date(first_day)}"
        else:
            sessions = "1 session" if count == 1 else f"{count} sessions"
            reason = f"{sessions} not marked, the first on {uk_date(first_missing)}"
        items.append(
            Item(
                placement.pupil.display_name,
                reason,
                "attendance.week",
                {"placement_id": placement.id, "monday": monday_of(first_missing).isoformat()},
                **_about(placement, first_missing),
            )
        )
    return items


def _marks_since(placement_ids: list[int], since: date, slots: list[tuple[date, Session]]) -> dict[int, int]:
    """Which of ``slots`` each placement has a mark for, as a bit set: bit ``i`` stands for ``slots[i]``. A
    placement with any mark since ``since`` is in the answer (with ``0`` if none of its marks is on a slot). One
    query, one row per placement: the database joins each register's sessions into one text of ``am2026-11-30``
    items (``string_agg`` on PostgreSQL, ``group_concat`` on SQLite).

    Why not match the expected sessions against the marks in SQL, as the dashboard did: at an LA's 2,000 attending
    placements that matched some 80,000 sessions one by one (a third of a second on SQLite); reading the four
    weeks' marks in the index's order and comparing in Python, each session's text read once, costs a fraction.
    Why one row per placement, not per placement and session: grouped by the index's first column the database
    reads the marks in order, without sorting them into groups first (half the query's time on SQLite). Why bits
    rather than sets of (day, session) pairs: the 80,000 marks then cost one dictionary look-up each, and a
    placement's missing sessions one ``&`` (issue 18), where hashing pairs of a date and an enum cost more than the
    query."""
    item = sa.type_coerce(AttendanceMark.session, sa.String) + sa.cast(AttendanceMark.on, sa.String)
    if db.session.get_bind().dialect.name == "postgresql":
        items = sa.func.string_agg(item, sa.literal_column("','"))
    else:
        items = sa.func.group_concat(item, ",")
    bit_of = {f"{session.value}{day.isoformat()}": 1 << index for index, (day, session) in enumerate(slots)}
    marked: dict[int, int] = {}
    for placement_id, text in db.session.execute(
        sa.select(AttendanceMark.placement_id, items)
        .where(among(AttendanceMark.placement_id, placement_ids), AttendanceMark.on >= since)
        .group_by(AttendanceMark.placement_id)
    ):
        found = 0
        for mark in text.split(","):
            found |= bit_of.get(mark, 0)
        marked[placement_id] = found
    return marked


def _missing_marks(
    attending: Sequence[AnyPlacement],
    slots: list[tuple[date, Session]],
    weeks: dict[int, tuple[TimetableSession, ...]],
    marked: dict[int, int],
    since: date,
    today: date,
) -> dict[int, tuple[int, date]]:
    """Per placement, how many of its expected sessions have no mark, and the first such day (the rules'
    ``expected_among`` and ``missing_marks``, on ``_marks_since``'s bit sets). Placements with the same week, and a
    first and last day that cut the window alike, expect the same sessions: worked out once (an LA's running
    placements share a few weeks)."""
    bit_of = {slot: 1 << index for index, slot in enumerate(slots)}
    scheduled: dict[int, set[tuple[int, Session]]] = {}  # by the week's identity: one tuple per distinct week
    expected: dict[tuple[int, date, date | None], int] = {}
    found = {}
    for placement in attending:
        week = weeks.get(placement.id, ())
        if id(week) not in scheduled:
            scheduled[id(week)] = attendance.scheduled_in(s for s in week if s.setting is DeliveredBy.PROVIDER)
        last_day = attendance.last_day(placement)
        key = (
            id(week),
            max(attendance.first_day(placement), since),  # every slot is on or after ``since``
            None if last_day is None or last_day >= today else last_day,  # nor after today
        )
        if key not in expected:
            sessions = expected_among(slots, timetable=scheduled[id(week)], first_day=key[1], last_day=key[2])
            expected[key] = sum(bit_of[slot] for slot in sessions)
        # ``missing_marks``: the expected sessions without a mark, oldest first (the slots are in order, so the
        # lowest bit is the oldest).
        missing = expected[key] & ~marked.get(placement.id, 0)
        if missing:
            found[placement.id] = (missing.bit_count(), slots[(missing & -missing).bit_length() - 1][0])
    return found


def _report_item(report: report_schedule.ReportOwed, to_write: bool) -> Item:
    """The provider goes straight to writing it; the commissioner to the placement's list of reports."""
    term, due = report.due.term, report.due
    state = "was due by" if due.overdue else "due by"
    draft = " (a draft is started)" if report.draft else ""
    reason = f"{term.name} progress report {state} {uk_date(due.due_by)}{draft}"
    if to_write:
        values: dict[str, object] = {"placement_id": report.placement.id, "term_key": term.key}
        return Item(
            report.placement.pupil.display_name,
            reason,
            "progress_reports.write_report",
            values,
            **_about(report.placement, due.due_by),
        )
    return _item(report.placement, reason, "progress-reports", due.due_by)


def _progress_reports_overdue(
    placements: Sequence[AnyPlacement], half_terms: dict[int, list[HalfTerm]], today: date
) -> list[Item]:
    """Termly reports the provider has not sent: the commissioner chases them (or writes one from a paper
    report). Only the last six months': older gaps are on the placement's page."""
    since = today - timedelta(days=PROGRESS_REPORT_LOOK_BACK_DAYS)
    return [
        _report_item(report, False)
        for report in report_schedule.owed_among(placements, today, half_terms)
        if report.due.overdue and report.due.due_by >= since
    ]


def _reviews_overdue(
    running: Sequence[AnyPlacement], last_reviews: dict[int, date], half_terms: list[HalfTerm], today: date
) -> list[Item]:
    items = []
    deadlines: dict[tuple[date, date | None], ReviewDeadline] = {}  # placements that started (or met) on the same day
    for placement in running:
        if placement.status not in ATTENDING:
            continue
        key = (placement.planned_start, last_reviews.get(placement.id))
        if key not in deadlines:
            deadlines[key] = review_due_after(*key, half_terms)
        deadline = deadlines[key]
        if deadline.latest < today:
            items.append(_item(placement, f"Review due by {uk_date(deadline.latest)}", "reviews", deadline.latest))
    return items


def _visits_overdue(running: Sequence[AnyPlacement], half_terms: list[HalfTerm], today: date) -> list[Item]:
    attending = [p for p in running if p.status in ATTENDING]
    last = dict(
        db.session.execute(
            sa.select(Visit.placement_id, sa.func.max(Visit.visited_on))
            .where(among(Visit.placement_id, [p.id for p in attending]))
            .group_by(Visit.placement_id)
        ).all()
    )
    items = []
    worked_out: dict[tuple[date, date | None], VisitDue | None] = {}  # the same start and last visit: the same date
    for placement in attending:
        key = (attendance.first_day(placement), last.get(placement.id))
        if key not in worked_out:
            worked_out[key] = next_visit(placement, today, key[1], look_up=False, half_terms=half_terms)
        due = worked_out[key]
        if due is not None and due.overdue:
            never = " (no visit yet)" if placement.id not in last else ""
            items.append(_item(placement, f"Visit due by {uk_date(due.latest)}{never}", "visits", due.latest))
    return items


def _plans_not_signed(running: Sequence[AnyPlacement], plans: dict[int, PlanRow]) -> list[Item]:
    """Agreed plans whose latest round of signing is not done. Two queries whatever the caseload: each placement's
    rounds (their status only, not the PDFs or signatures), then the signed and total signers of the open ones."""
    latest: dict[int, tuple[int, RequestStatus, bool]] = {}
    for placement_id, request_id, status, ask_again in db.session.execute(
        sa.select(
            SignatureRequest.placement_id, SignatureRequest.id, SignatureRequest.status, SignatureRequest.ask_again
        )
        .where(among(SignatureRequest.placement_id, [p.id for p in running]))
        .order_by(SignatureRequest.id)
    ):
        latest[placement_id] = (request_id, status, ask_again)
    open_ids = [request_id for request_id, status, _ in latest.values() if status is RequestStatus.OPEN]
    signers = {
        request_id: (signed, total)
        for request_id, signed, total in db.session.execute(
            sa.select(Signer.request_id, sa.func.count(Signer.signed_at), sa.func.count())
            .where(among(Signer.request_id, open_ids))
            .group_by(Signer.request_id)
        )
    }
    items = []
    for placement in running:
        plan = plans.get(placement.id)
        if plan is None or plan.agreed_at is None:
            continue
        request = latest.get(placement.id)
        if request is None:
            items.append(_item(placement, "Agreed, not yet sent for signatures", "signatures"))
            continue
        request_id, status, ask_again = request
        if status is RequestStatus.OPEN:
            signed, total = signers.get(request_id, (0, 0))
            items.append(_item(placement, f"{signed} of {total} signed", "signatures"))
        elif status is RequestStatus.DECLINED:
            items.append(_item(placement, "Someone declined to sign: talk it through, then ask again", "signatures"))
        elif status is RequestStatus.CANCELLED and not ask_again:
            items.append(_item(placement, "Signatures were cancelled: ask again", "signatures"))
    return items


def _part_time_without_reason(
    running: Sequence[AnyPlacement], plans: dict[int, PlanRow], weeks: dict[int, tuple[TimetableSession, ...]]
) -> list[Item]:
    """Running placements with a plan whose week does not cover the school day every day (in every setting) and
    that record no accepted reason: the same rule as the plan's check (``support_plans.full_time_checks``)."""
    items = []
    # The same week, reason and school day (the organisation's) give the same answer: an LA's placements share a
    # few timetables. A week is keyed by its identity, not its sessions: ``timetables`` makes one tuple per distinct
    # week, and hashing ten sessions for each of thousands of placements cost more than the rule.
    checks: dict[tuple[object, ...], DayCheck] = {}
    for placement in running:
        plan = plans.get(placement.id)
        if plan is None:
            continue
        week = weeks[placement.id]
        key = (
            id(week),
            plan.part_time_reason,
            plan.part_time_detail,
            plan.parents_consulted_on,
            plan.parents_consulted_with,
            placement.commissioning_organisation_id,
        )
        if key not in checks:
            checks[key] = full_time_checks.package_by_day(placement, plan, week)
        check = checks[key]
        if not check.acceptable:
            items.append(_item(placement, check.message, "support-plan"))
    return items


def _registration_risks(user: User, running: Sequence[AnyPlacement], today: date) -> Group:
    """The providers that may have to register as a school (service/dashboard/registration.py): for an LA's
    commissioners, every provider the LA or its schools use, until it registers or the line is no longer
    crossed; for a school's, the providers of its running placements. Counts only: the other commissioners'
    pupils are never named or linked. One query either way."""
    rule = registration_rule()
    if user.organisation.kind is OrganisationKind.LOCAL_AUTHORITY:
        heading = "Providers in your area that may have to register as a school"
        at_risk = registration.area_providers_at_risk(user.organisation_id, rule, today)
    else:
        heading = "Providers that may have to register as a school"
        at_risk = registration.providers_at_risk({p.provider_id for p in running}, rule, today)
    items = [Item(p.name, p.risk.summary, "providers.show_provider", {"provider_id": p.provider_id}) for p in at_risk]
    return Group("registration", heading, items)


def _ehcp_reviews_due(user: User, placements: Sequence[AnyPlacement], today: date) -> list[Item]:
    """Pupils with an EHCP, in a live placement of this organisation, whose annual review is overdue or due within
    four weeks (Children and Families Act 2014 s44): one query, however many placements."""
    pupil_ids = {p.pupil_id for p in placements if p.status in LIVE_STATUSES}
    if not pupil_ids:
        return []
    pupils = db.session.scalars(
        sa.select(Pupil)
        .where(
            among(Pupil.id, pupil_ids),
            Pupil.organisation_id == user.organisation_id,
            Pupil.sen_status == SenStatus.EHCP,
            Pupil.ehcp_last_annual_review <= ehcp_flag_cutoff(today),
        )
        .order_by(Pupil.ehcp_last_annual_review, Pupil.legal_last_name, Pupil.legal_first_name)
    ).all()
    return [
        Item(
            pupil.display_name,
            ehcp_review(pupil.ehcp_last_annual_review, today).message,
            "pupils.show_pupil",
            {"pupil_id": pupil.id},
            anchor="ehcp-review",
            on=pupil.ehcp_last_annual_review,
        )
        for pupil in pupils
    ]


def _pupils_without_placement(user: User) -> list[Item]:
    placed = sa.select(Placement.pupil_id).where(Placement.status != PlacementStatus.CANCELLED)
    pupils = db.session.scalars(
        sa.select(Pupil)
        .where(Pupil.organisation_id == user.organisation_id, Pupil.id.not_in(placed))
        .order_by(Pupil.legal_last_name, Pupil.legal_first_name)
    ).all()
    return [
        Item(pupil.display_name, "No placement started", "pupils.show_pupil", {"pupil_id": pupil.id})
        for pupil in pupils
    ]


def _excluded_pupils(user: User, today: date) -> list[Item]:
    """Exclusions whose sixth school day is near or passed with no placement in place: the school's own, and for
    an LA its schools' permanent exclusions (the LA's duty; the pupil's name, the school and the dates only)."""
    items = []
    for found in exclusions.flagged(user, today):
        exclusion, reason = found.exclusion, found.duty.message
        if exclusion.organisation_id == user.organisation_id:
            items.append(
                Item(
                    exclusion.pupil.display_name,
                    reason,
                    "pupils.show_pupil",
                    {"pupil_id": exclusion.pupil_id},
                    "exclusions",
                    on=exclusion.first_day,
                )
            )
        else:
            reason = (
                f"Permanently excluded from {exclusion.organisation.name} from {uk_date(exclusion.first_day)}. "
                + reason
            )
            items.append(
                Item(
                    exclusion.pupil.display_name,
                    reason,
                    "exclusions.excluded_pupils",
                    {},
                    f"exclusion-{exclusion.id}",
                    on=exclusion.first_day,
                )
            )
    return items
