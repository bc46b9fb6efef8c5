"""An LA-sized caseload on top of the demo: ``apdocs demo --scale N``.

Why: a school has a handful of AP placements; a large local authority has thousands, with two register marks per
pupil per school day. The pages, exports and jobs have to stay fast at that size, and ``make bench`` measures them
on a caseload like this one. It is added to one organisation, the demo's LA team (Westshire), as commissioner, so
its officer (``officer@westshire.example``) sees all of it and Northbridge's users none of it.

Proportional to ``N`` placements; at ``N = 5000``: 5,000 pupils and placements (1,800 active and 200 under review,
2,100 ended, 400 agreed, 200 referred, 200 drafts and 100 cancelled), 4,500 agreed plans (every placement that
reached *agreed*), about 8,600 reviews, 2,100 visits, 200,000 audit events and about a million attendance marks:
two per pupil per school day of each placement's dates (the LA's half-terms, England's bank holidays left out),
every placement that started being full time at the provider, Monday to Friday. Most sessions are present; the
absences are decided (illness, medical, unauthorised, ...), a few recent ones are still ``N``, a few placements
have their last days unmarked, a few pupils are at exactly 90% and a few below 50%. The LA gets an attendance
contact email address (``ATTENDANCE_CONTACT``) if it has none, so that the attendance alerts have somewhere to go.

Written with SQLAlchemy Core inserts of lists of dicts, a few thousand rows per statement, never an ORM object per
row, so that it takes well under two minutes on PostgreSQL. Deterministic: the same ``N`` on the same day gives the
same caseload. Added once: a second run is refused (:class:`AlreadyScaled`), because a second batch would double
the size the bench reports and the figures would no longer say what they measured.
"""

from __future__ import annotations

import enum
import itertools
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from service.attendance.models import AttendanceMark, MarkSource
from service.audit.models import AuditEvent
from service.auth.models import User
from service.demo.term_dates import half_terms
from service.end_of_placement.models import EndOfPlacement
from service.extensions import db
from service.organisations.models import Organisation
from service.placements.models import Placement, PlacementSession, PlacementStatusChange
from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    Provider,
    ProviderContact,
    ProviderCriterion,
    QaOutcome,
)
from service.pupils.models import Pupil, SafeguardingStatus, SenStatus
from service.reviews.models import Review
from service.rules.attendance_codes import Session
from service.rules.calendar import add_working_days, is_working_day
from service.rules.census import ApCensusReason
from service.rules.decision import Circumstance, who_decides
from service.rules.full_time import DeliveredBy
from service.rules.organisations import OrganisationKind
from service.rules.outcomes import OutcomeArea
from service.rules.placement_end import Destination, EndReason
from service.rules.placement_status import PlacementStatus
from service.rules.school_age import school_year_start
from service.rules.upn import make_upn
from service.support_plans.models import PlanObjective, SupportPlan
from service.term_dates.models import TermDate
from service.visits.models import Visit

#: The LA that commissions the generated caseload, and the account the bench times.
LA_NAME = "Westshire Council Access to Learning"
OFFICER_EMAIL = "officer@westshire.example"
#: Where the LA's attendance alerts go once it has this caseload (the demo's LA has no attendance email address).
ATTENDANCE_CONTACT = "attendance@westshire.example"
#: Rows per INSERT statement: large enough to keep round trips few, small enough to keep memory flat.
BATCH = 5000
#: The smallest caseload the proportions make sense for (one placement in each status).
MINIMUM = 20

#: The generated providers, owned by the LA. Their names are how a second run is recognised.
PROVIDERS = (
    ("Westshire Vocational Hub", "WS5 1VH"),
    ("Kingsmead Tuition Centre", "WS6 2KT"),
    ("Greenway Outdoor Learning", "WS7 3GO"),
    ("Harbour Street Academy AP", "WS8 4HS"),
    ("Millbrook Skills Workshop", "WS9 5MS"),
    ("Eastbury Hospital Education", "EB3 6HE"),
)
FIRST_NAMES = [
    "Aaliyah",
    "Aiden",
    "Alfie",
    "Amelia",
    "Archie",
    "Ava",
    "Ayaan",
    "Bella",
    "Callum",
    "Chloe",
    "Daniel",
    "Darcy",
    "Dylan",
    "Eden",
    "Eliza",
    "Ethan",
    "Evie",
    "Finn",
    "Freya",
    "Grace",
    "Harley",
    "Harrison",
    "Hugo",
    "Isla",
    "Ivy",
    "Jack",
    "Jacob",
    "Jasmine",
    "Kai",
    "Kayden",
    "Leah",
    "Leo",
    "Lewis",
    "Lola",
    "Luca",
    "Maisie",
    "Maya",
    "Mason",
    "Mia",
    "Millie",
    "Nathan",
    "Nia",
    "Noah",
    "Oliver",
    "Oscar",
    "Phoebe",
    "Poppy",
    "Reuben",
    "Rosie",
    "Ruby",
    "Ryan",
    "Sienna",
    "Sofia",
    "Theo",
    "Tyler",
    "Willow",
    "Yusuf",
    "Zara",
    "Zain",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Ali",
    "Bailey",
    "Baker",
    "Begum",
    "Bennett",
    "Brown",
    "Campbell",
    "Carter",
    "Clarke",
    "Cooper",
    "Davies",
    "Edwards",
    "Evans",
    "Fisher",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jones",
    "Khan",
    "King",
    "Kowalski",
    "Lee",
    "Lewis",
    "Martin",
    "Mitchell",
    "Morgan",
    "Morris",
    "Murphy",
    "Nowak",
    "Okafor",
    "Owen",
    "Parker",
    "Patel",
    "Phillips",
    "Price",
    "Roberts",
    "Robinson",
    "Scott",
    "Shaw",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
CIRCUMSTANCES = (
    (Circumstance.PERMANENTLY_EXCLUDED, ApCensusReason.PERMANENTLY_EXCLUDED, "Permanently excluded from school"),
    (Circumstance.NO_SCHOOL_PLACE, ApCensusReason.NO_SCHOOL_PLACE, "No suitable school place named yet"),
    (Circumstance.MEDICAL, ApCensusReason.MEDICAL, "Unable to attend school because of health needs"),
)
#: The decided absences, with their weights: what the commissioner replaced each ``N`` with.
DECIDED_ABSENCES = (("I", 45), ("O", 30), ("M", 12), ("G", 5), ("C", 5), ("R", 3))
AUDITED = (
    ("view", "pupil"),
    ("view", "placement"),
    ("view", "attendance_register"),
    ("view", "attendance_week"),
    ("update", "placement"),
    ("update", "support_plan"),
    ("update", "pupil"),
)
AM_TIMES, PM_TIMES = (time(9, 0), time(12, 0)), (time(12, 30), time(15, 0))


class AlreadyScaled(Exception):
    """The LA already has the generated caseload: it is added once."""


class NoDemo(Exception):
    """The demo's LA team or its officer is missing: the caseload is added on top of the demo."""


@dataclass(frozen=True)
class ScalePlan:
    """How many of each record ``N`` placements mean, in the proportions of a large LA (``N = 5000`` above)."""

    placements: int
    active: int
    under_review: int
    ended: int
    agreed: int
    referred: int
    cancelled: int
    draft: int
    reviews: int
    visits: int
    audit_events: int

    @classmethod
    def for_placements(cls, n: int) -> ScalePlan:
        if n < MINIMUM:
            raise ValueError(f"The caseload must have at least {MINIMUM} placements, not {n}.")
        active, under_review, ended = round(n * 0.36), round(n * 0.04), round(n * 0.42)
        agreed, referred, cancelled = round(n * 0.08), round(n * 0.04), max(1, round(n * 0.02))
        draft = n - (active + under_review + ended + agreed + referred + cancelled)
        return cls(
            placements=n,
            active=active,
            under_review=under_review,
            ended=ended,
            agreed=agreed,
            referred=referred,
            cancelled=cancelled,
            draft=draft,
            reviews=round(n * 1.72),
            visits=round(n * 0.42),
            audit_events=n * 40,
        )

    @property
    def started(self) -> int:
        """Placements with dates at the provider, and so a register: active, under review and ended."""
        return self.active + self.under_review + self.ended

    @property
    def agreed_plans(self) -> int:
        """Every placement that reached *agreed* has its agreed plan."""
        return self.started + self.agreed


@dataclass
class ScaleResult:
    """What was added, counted as it was written (the tests and the bench report these)."""

    plan: ScalePlan
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def marks(self) -> int:
        return self.counts.get("attendance_marks", 0)


@dataclass
class _Started:
    """A placement with a register: its school days at the provider and how its marks go."""

    index: int
    days: list[date]
    ended: bool
    absent_share: float
    unmarked_tail: int = 0
    undecided: int = 0
    exactly_ninety: bool = False


def add_caseload(n: int, today: date | None = None) -> ScaleResult:
    """Add the caseload of ``n`` placements to the demo's LA team, in the session's transaction (the caller commits).

    Raises :class:`NoDemo` without the demo's LA and officer and :class:`AlreadyScaled` when it was added before.
    """
    today = today or date.today()
    plan = ScalePlan.for_placements(n)
    la = db.session.scalar(sa.select(Organisation).where(Organisation.name == LA_NAME))
    officer = db.session.scalar(sa.select(User).where(User.email == OFFICER_EMAIL))
    if la is None or officer is None:
        raise NoDemo(f"The demo's local authority ({LA_NAME}) is not loaded: run `apdocs demo` first.")
    if db.session.scalar(sa.select(sa.func.count()).select_from(Provider).where(Provider.name == PROVIDERS[0][0])):
        raise AlreadyScaled(
            f"{LA_NAME} already has the generated caseload: it is added once. Start from an empty database "
            "(`apdocs init`, then `apdocs demo --scale N`) for another size."
        )
    return _Generator(plan, la, officer, today).run()


class _Generator:
    def __init__(self, plan: ScalePlan, la: Organisation, officer: User, today: date) -> None:
        self.plan, self.la, self.officer, self.today = plan, la, officer, today
        self.rng = random.Random(f"apdocs-scale-{plan.placements}")  # noqa: S311 - fake data, not security
        self.result = ScaleResult(plan)
        self.connection = db.session.connection()
        self.now = datetime.now(UTC)

    # -- writing -------------------------------------------------------------------------------------------------

    def insert(self, table: sa.Table, rows: Iterable[dict[str, Any]], name: str | None = None) -> int:
        """Insert in batches of ``BATCH`` rows (one executemany each), or by ``COPY`` on PostgreSQL, where an
        executemany of a million rows alone takes longer than the two minutes the whole caseload has; the count of
        rows written."""
        count = 0
        if self.connection.dialect.name == "postgresql":
            count = self.copy(table, rows)
        else:
            for batch in _batches(rows, BATCH):
                self.connection.execute(table.insert(), batch)
                count += len(batch)
        self.result.counts[name or table.name] = self.result.counts.get(name or table.name, 0) + count
        return count

    def copy(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
        """``COPY … FROM STDIN`` on the session's own connection (so in its transaction), every row with the same
        keys; values as the column types would bind them (enums by value, UTC timestamps without their zone)."""
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        count, iterator = 0, iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        columns = list(first)
        # COPY leaves out what Core's insert would add: the columns' Python-side defaults ("" for unanswered text).
        defaulted = [c for c in table.columns if c.name not in first and c.default is not None]
        defaults = [_default(c) for c in defaulted]
        names = ", ".join(f'"{c}"' for c in [*columns, *(c.name for c in defaulted)])
        with cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in itertools.chain((first,), iterator):
                copy.write_row([*(_copy_value(row[c]) for c in columns), *defaults])
                count += 1
        return count

    def insert_returning(self, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert and return the new ids in the rows' order (``RETURNING``, on SQLite and PostgreSQL alike)."""
        ids: list[int] = []
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        for batch in _batches(rows, BATCH):
            ids.extend(self.connection.execute(statement, batch).scalars())
        self.result.counts[table.name] = self.result.counts.get(table.name, 0) + len(ids)
        return ids

    # -- the caseload --------------------------------------------------------------------------------------------

    def run(self) -> ScaleResult:
        if not self.la.attendance_contact_email:  # an LA this size has one: the attendance alerts go to it
            self.la.attendance_contact_email = ATTENDANCE_CONTACT
        school_days = self.school_days()
        providers = self.providers()
        statuses = self.statuses()
        pupil_ids = self.pupils(statuses)
        started = self.registers(statuses, school_days)
        placement_ids = self.placements(statuses, pupil_ids, providers, started)
        self.sessions(placement_ids, statuses)
        self.history(placement_ids, statuses, started)
        self.plans(placement_ids, statuses, started)
        self.reviews_and_visits(placement_ids, started)
        self.endings(placement_ids, started)
        self.marks(placement_ids, started)
        self.audit(placement_ids, pupil_ids, started)
        if self.connection.dialect.name == "postgresql":  # the planner's statistics, before anyone times a page
            for table in (Pupil, Placement, AttendanceMark, AuditEvent, Review, Visit, SupportPlan):
                self.connection.execute(sa.text(f"ANALYZE {table.__tablename__}"))
        return self.result

    def school_days(self) -> list[date]:
        """The LA's school days before today, two school years back: its half-terms for those years are added."""
        first_year = school_year_start(self.today).year - 2
        have = set(db.session.scalars(sa.select(TermDate.name).where(TermDate.organisation_id == self.la.id)))
        terms = [t for t in half_terms(date(first_year, 9, 1)) if t[0] not in have]
        self.insert(
            TermDate.__table__,
            ({"organisation_id": self.la.id, "name": name, "starts_on": s, "ends_on": e} for name, s, e in terms),
        )
        ranges = db.session.execute(
            sa.select(TermDate.starts_on, TermDate.ends_on).where(TermDate.organisation_id == self.la.id)
        ).all()
        days = []
        on = date(first_year, 9, 1)
        while on < self.today:
            if is_working_day(on) and any(s <= on <= e for s, e in ranges):
                days.append(on)
            on += timedelta(days=1)
        return days

    def providers(self) -> list[int]:
        """A few approved providers the LA manages, each meeting every check (a handful of ORM objects)."""
        recent = self.today - timedelta(days=150)
        made = []
        for number, (name, postcode) in enumerate(PROVIDERS):
            slug = name.split()[0].lower()
            provider = Provider(
                name=name,
                organisation=Organisation(name=name, kind=OrganisationKind.PROVIDER),
                owner_organisation_id=self.la.id,
                address=f"{number + 1} {name.split()[0]} Road\nWestshire",
                postcode=postcode,
                phone=f"01632 9607{number:02d}",
                email=f"office@{slug}.example",
                approved_list_status=ApprovedListStatus.APPROVED,
                criteria=[
                    ProviderCriterion(criterion=c, met=True, evidence_date=recent - timedelta(days=30))
                    for c in ApprovalCriterion
                ],
                dsl_name=f"{FIRST_NAMES[number]} {LAST_NAMES[number]}",
                dsl_phone=f"01632 9607{number + 50:02d}",
                dsl_training_date=recent,
                deputy_dsl_name=f"{FIRST_NAMES[-number - 1]} {LAST_NAMES[-number - 1]}",
                deputy_dsl_phone=f"01632 9607{number + 60:02d}",
                deputy_dsl_training_date=recent,
                vetting_confirmed=True,
                vetting_confirmed_on=recent,
                insurance_expiry=self.today + timedelta(days=200 + 20 * number),
                qa_outcome=QaOutcome.SATISFACTORY,
                qa_date=recent,
                services_offered="Full-time alternative provision",
                hours_available_per_week=Decimal("30"),
                availability_notes="Monday to Friday, 9:00 to 15:00",
                contacts=[
                    ProviderContact(
                        name="Placements coordinator",
                        role="Placements coordinator",
                        email=f"placements@{slug}.example",
                        is_placement_contact=True,
                    )
                ],
            )
            db.session.add(provider)
            made.append(provider)
        db.session.flush()
        self.result.counts["providers"] = len(made)
        return [p.id for p in made]

    def statuses(self) -> list[PlacementStatus]:
        p = self.plan
        statuses = (
            [PlacementStatus.ACTIVE] * p.active
            + [PlacementStatus.UNDER_REVIEW] * p.under_review
            + [PlacementStatus.ENDED] * p.ended
            + [PlacementStatus.AGREED] * p.agreed
            + [PlacementStatus.REFERRED] * p.referred
            + [PlacementStatus.CANCELLED] * p.cancelled
            + [PlacementStatus.DRAFT] * p.draft
        )
        self.rng.shuffle(statuses)
        return statuses

    def pupils(self, statuses: Sequence[PlacementStatus]) -> list[int]:
        """One pupil per placement, Years 7 to 11, fake names and valid UPNs the demo's pupils do not use."""
        rng, year_start = self.rng, school_year_start(self.today).year
        rows = []
        for i in range(len(statuses)):
            year = rng.choice((7, 8, 9, 9, 10, 10, 10, 11, 11, 11))
            born = date(year_start - year - 5, 9, 1) + timedelta(days=rng.randrange(365))
            sen = rng.choices((SenStatus.NONE, SenStatus.SEN_SUPPORT, SenStatus.EHCP), (55, 30, 15))[0]
            rows.append(
                {
                    "organisation_id": self.la.id,
                    "legal_first_name": rng.choice(FIRST_NAMES),
                    "legal_last_name": rng.choice(LAST_NAMES),
                    "preferred_name": None,
                    "date_of_birth": born,
                    "upn": make_upn(931, 7000 + i // 1000, born.year + 5, i % 1000),
                    "school_id": None,
                    "sen_status": sen,
                    "looked_after": rng.random() < 0.06,
                    "fsm_eligible": rng.random() < 0.45,
                    "safeguarding_status": rng.choices(list(SafeguardingStatus), (70, 15, 10, 5))[0],
                    "year_group_override": None,
                    "ehcp_last_annual_review": (
                        self.today - timedelta(days=rng.randrange(30, 330)) if sen is SenStatus.EHCP else None
                    ),
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        return self.insert_returning(Pupil.__table__, rows)

    def registers(self, statuses: Sequence[PlacementStatus], school_days: list[date]) -> dict[int, _Started]:
        """Each started placement's school days at the provider (about 125 on average, up to yesterday for the
        running ones) and the shape of its attendance: most good, some poor, a few exactly 90% and below 50%."""
        rng, last = self.rng, len(school_days)
        started: dict[int, _Started] = {}
        running = [i for i, s in enumerate(statuses) if s in (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)]
        ninety = set(running[: max(1, len(running) // 400)])
        severe = set(running[len(ninety) : len(ninety) + max(1, len(running) // 200)])
        for i, status in enumerate(statuses):
            if status not in (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED):
                continue
            length = rng.randint(20, min(230, last - 20))
            if status is PlacementStatus.ENDED:
                end = rng.randint(length - 1, last - 10)
                days = school_days[end - length + 1 : end + 1]
            else:
                if i in ninety:
                    length -= length % 5  # 2 sessions a day: a multiple of ten sessions, a tenth of them missed
                days = school_days[last - length :]
            share = rng.choices((0.03, 0.06, 0.12, 0.25), (45, 30, 17, 8))[0] * rng.uniform(0.5, 1.5)
            register = _Started(i, days, status is PlacementStatus.ENDED, share)
            if i in ninety:
                register.absent_share, register.exactly_ninety = 0.1, True
            elif i in severe:
                register.absent_share = 0.55
            elif not register.ended:
                roll = rng.random()
                register.unmarked_tail = rng.randint(1, 3) if roll < 0.05 else 0
                register.undecided = 1 if 0.05 <= roll < 0.09 else (2 if 0.09 <= roll < 0.1 else 0)
            started[i] = register
        return started

    def placements(
        self,
        statuses: Sequence[PlacementStatus],
        pupil_ids: Sequence[int],
        providers: Sequence[int],
        started: dict[int, _Started],
    ) -> list[int]:
        rng, rows = self.rng, []
        for i, status in enumerate(statuses):
            circumstance, reason, text = CIRCUMSTANCES[i % len(CIRCUMSTANCES)]
            decision = who_decides(circumstance, has_ehcp=False)
            register = started.get(i)
            if register is not None:
                planned_start, actual_start = register.days[0], register.days[0]
                actual_end = register.days[-1] if register.ended else None
                planned_end = actual_end or (
                    self.today + timedelta(weeks=rng.randint(4, 26)) if rng.random() < 0.6 else None
                )
            elif status is PlacementStatus.CANCELLED:
                planned_start, planned_end, actual_start, actual_end = (
                    self.today - timedelta(days=rng.randint(7, 200)),
                    None,
                    None,
                    None,
                )
            else:
                planned_start = add_working_days(self.today, rng.randint(5, 40))
                planned_end, actual_start, actual_end = planned_start + timedelta(weeks=rng.randint(8, 30)), None, None
            rows.append(
                {
                    "pupil_id": pupil_ids[i],
                    "provider_id": providers[i % len(providers)],
                    "commissioning_organisation_id": self.la.id,
                    "circumstance": circumstance,
                    "decision_maker": decision.decision_maker,
                    "decided_by": "Westshire Access to Learning panel",
                    "status": status,
                    "planned_start": planned_start,
                    "planned_end": planned_end,
                    "actual_start": actual_start,
                    "actual_end": actual_end,
                    "reason_for_referral": f"{text}: full-time provision arranged by the local authority.",
                    "dual_registered": False,
                    "census_reason": reason.value,
                    "created_by_id": self.officer.id,
                    "created_at": self.created(i, planned_start),
                    "updated_at": self.now,
                }
            )
        return self.insert_returning(Placement.__table__, rows)

    def created(self, i: int, start: date) -> datetime:
        """When the placement was drafted: three weeks before it starts (or before today, for one still to start)."""
        return datetime.combine(min(start, self.today) - timedelta(days=21), time(10, 0), tzinfo=UTC)

    def sessions(self, placement_ids: Sequence[int], statuses: Sequence[PlacementStatus]) -> None:
        """Full time at the provider, Monday to Friday (a morning and an afternoon session); drafts sometimes less."""

        def rows() -> Iterator[dict[str, Any]]:
            for i, placement_id in enumerate(placement_ids):
                weekdays = range(5) if statuses[i] is not PlacementStatus.DRAFT or i % 3 else range(3)
                for weekday in weekdays:
                    for starts_at, ends_at in (AM_TIMES, PM_TIMES):
                        yield {
                            "placement_id": placement_id,
                            "weekday": weekday,
                            "starts_at": starts_at,
                            "ends_at": ends_at,
                            "setting": DeliveredBy.PROVIDER,
                        }

        self.insert(PlacementSession.__table__, rows())

    def history(
        self, placement_ids: Sequence[int], statuses: Sequence[PlacementStatus], started: dict[int, _Started]
    ) -> None:
        """Each placement's path through its statuses, with dates that agree with its own."""
        paths = {
            PlacementStatus.DRAFT: [],
            PlacementStatus.REFERRED: [PlacementStatus.REFERRED],
            PlacementStatus.AGREED: [PlacementStatus.REFERRED, PlacementStatus.AGREED],
            PlacementStatus.CANCELLED: [PlacementStatus.REFERRED, PlacementStatus.CANCELLED],
            PlacementStatus.ACTIVE: [PlacementStatus.REFERRED, PlacementStatus.AGREED, PlacementStatus.ACTIVE],
            PlacementStatus.UNDER_REVIEW: [
                PlacementStatus.REFERRED,
                PlacementStatus.AGREED,
                PlacementStatus.ACTIVE,
                PlacementStatus.UNDER_REVIEW,
            ],
            PlacementStatus.ENDED: [
                PlacementStatus.REFERRED,
                PlacementStatus.AGREED,
                PlacementStatus.ACTIVE,
                PlacementStatus.ENDED,
            ],
        }

        def rows() -> Iterator[dict[str, Any]]:
            for i, placement_id in enumerate(placement_ids):
                register = started.get(i)
                start = register.days[0] if register else self.today
                when = self.created(i, start)
                previous: PlacementStatus | None = None
                for status in [PlacementStatus.DRAFT, *paths[statuses[i]]]:
                    if status is PlacementStatus.ACTIVE and register:
                        when = datetime.combine(register.days[0], time(9, 0), tzinfo=UTC)
                    elif status is PlacementStatus.ENDED and register:
                        when = datetime.combine(register.days[-1], time(15, 0), tzinfo=UTC)
                    elif status is PlacementStatus.UNDER_REVIEW and register:
                        when = datetime.combine(register.days[-min(5, len(register.days))], time(11, 0), tzinfo=UTC)
                    elif previous is not None:
                        when = min(when + timedelta(days=6), self.now)
                    yield {
                        "placement_id": placement_id,
                        "from_status": previous,
                        "to_status": status,
                        "changed_by_id": self.officer.id,
                        "changed_at": when,
                        "note": "",
                    }
                    previous = status

        self.insert(PlacementStatusChange.__table__, rows())

    def plans(
        self, placement_ids: Sequence[int], statuses: Sequence[PlacementStatus], started: dict[int, _Started]
    ) -> None:
        """An agreed plan, with two objectives, for every placement that reached *agreed*."""
        agreed = {PlacementStatus.AGREED, PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED}
        indexes = [i for i, s in enumerate(statuses) if s in agreed]
        rows = []
        for i in indexes:
            register = started.get(i)
            start = register.days[0] if register else self.today
            meeting = min(start, self.today) - timedelta(days=14)
            rows.append(
                {
                    "placement_id": placement_ids[i],
                    "planning_meeting_date": meeting,
                    "school_rep": "Lee Morgan, Access to Learning",
                    "provider_rep": "Placements coordinator",
                    "parent_ids": [],
                    "pupil_details_confirmed": True,
                    "child_views": "Wants to get back into learning and to take GCSE English and maths.",
                    "parental_views": "Supports the placement and will help with travel.",
                    "risks_identified": False,
                    "review_date": meeting + timedelta(weeks=8),
                    "agreed_at": datetime.combine(meeting + timedelta(days=3), time(14, 0), tzinfo=UTC),
                    "agreed_by_id": self.officer.id,
                    "created_at": datetime.combine(meeting, time(10, 0), tzinfo=UTC),
                    "updated_at": self.now,
                }
            )
        plan_ids = self.insert_returning(SupportPlan.__table__, rows)

        def objectives() -> Iterator[dict[str, Any]]:
            for plan_id, row in zip(plan_ids, rows, strict=True):
                for position, area in enumerate((OutcomeArea.ATTENDANCE, OutcomeArea.ATTAINMENT)):
                    yield {
                        "support_plan_id": plan_id,
                        "position": position,
                        "area": area,
                        "objective": "Attend every session" if position == 0 else "Complete Entry Level 3 maths",
                        "baseline": "Below 60% at school" if position == 0 else "Entry Level 1",
                        "target": "95% or more" if position == 0 else "Entry Level 3",
                        "measure": "The provider's register" if position == 0 else "Assessed by the provider",
                        "due_by": row["review_date"] + timedelta(weeks=12),
                        "ehcp_outcome": "",
                    }

        self.insert(PlanObjective.__table__, objectives())

    def reviews_and_visits(self, placement_ids: Sequence[int], started: dict[int, _Started]) -> None:
        """Two reviews for each started placement (three for some), spread over its dates; one visit for some."""
        plan, rng = self.plan, self.rng
        order = sorted(started)
        extra = max(0, plan.reviews - 2 * len(order))
        reviews, visits = [], []
        for position, i in enumerate(order):
            days = started[i].days
            count = 2 + (position < extra)
            for number in range(1, count + 1):
                meeting = days[min(len(days) - 1, len(days) * number // (count + 1))]
                reviews.append(
                    {
                        "placement_id": placement_ids[i],
                        "number": number,
                        "meeting_date": meeting,
                        "present": "Lee Morgan (LA), placements coordinator (provider), parent",
                        "notes": "Settled well; attendance discussed.",
                        "extension_agreed": False,
                        "next_review_date": meeting + timedelta(weeks=6),
                        "recorded_by_id": self.officer.id,
                        "created_at": datetime.combine(meeting, time(16, 0), tzinfo=UTC),
                        "updated_at": self.now,
                    }
                )
            if position < plan.visits:
                visited = days[rng.randrange(len(days))]
                visits.append(
                    {
                        "placement_id": placement_ids[i],
                        "visited_on": visited,
                        "visitors": "Lee Morgan, LA officer",
                        "what_was_seen": "A small-group maths lesson; the pupil was engaged.",
                        "pupil_views": "Likes the smaller groups.",
                        "concerns": "",
                        "recorded_by_id": self.officer.id,
                        "recorded_at": datetime.combine(visited, time(15, 30), tzinfo=UTC),
                    }
                )
        self.insert(Review.__table__, reviews)
        self.insert(Visit.__table__, visits)

    def endings(self, placement_ids: Sequence[int], started: dict[int, _Started]) -> None:
        """What each ended placement ended with: its reason and the pupil's destination."""
        rng = self.rng

        def rows() -> Iterator[dict[str, Any]]:
            for i, register in started.items():
                if not register.ended:
                    continue
                destination = rng.choice(
                    (Destination.REINTEGRATION, Destination.ANOTHER_SCHOOL, Destination.FURTHER_EDUCATION)
                )
                yield {
                    "placement_id": placement_ids[i],
                    "ended_on": register.days[-1],
                    "reason": rng.choice(
                        (EndReason.COMPLETED, EndReason.REINTEGRATED_EARLY, EndReason.MOVED_PROVISION)
                    ),
                    "reason_detail": "",
                    "destination": destination,
                    "destination_detail": "",
                    "neet_confirmed": False,
                    "recorded_by_id": self.officer.id,
                    "recorded_at": datetime.combine(register.days[-1], time(16, 0), tzinfo=UTC),
                }

        self.insert(EndOfPlacement.__table__, rows())

    def marks(self, placement_ids: Sequence[int], started: dict[int, _Started]) -> None:
        """Two marks per school day of each register, as the provider recorded them and the officer decided them."""
        rng, officer_id = self.rng, self.officer.id
        codes, weights = zip(*DECIDED_ABSENCES, strict=True)

        def rows() -> Iterator[dict[str, Any]]:
            for i, register in started.items():
                days = register.days[: len(register.days) - register.unmarked_tail or None]
                possible = 2 * len(days)
                if register.exactly_ninety:
                    absent = set(rng.sample(range(possible), possible // 10))
                else:
                    absent = {k for k in range(possible) if rng.random() < register.absent_share}
                # Still to decide: one from the last three school days, and for some one from four weeks ago, past
                # the five school days the commissioner has (``rules.unexplained``).
                undecided = {possible - 1 - rng.randrange(min(6, possible))} if register.undecided else set()
                if register.undecided > 1 and possible > 40:
                    undecided.add(possible - 40)
                absent -= undecided
                placement_id = placement_ids[i]
                for k in range(possible):
                    on = days[k // 2]
                    session = Session.AM if k % 2 == 0 else Session.PM
                    recorded = datetime.combine(on, time(16, 30), tzinfo=UTC)
                    authorised_by, authorised_at, note = None, None, ""
                    if k in undecided:
                        code = "N"
                    elif k in absent:
                        code = rng.choices(codes, weights)[0]
                        authorised_by, authorised_at = officer_id, recorded + timedelta(days=1)
                        note = "Parent phoned the provider" if code in ("I", "M") else ""
                    elif rng.random() < 0.03:
                        code = "L"
                    else:
                        code = "/" if session is Session.AM else "\\"
                    yield {
                        "placement_id": placement_id,
                        "on_date": on,
                        "session": session,
                        "code": code,
                        "recorded_by_id": None,
                        "recorded_at": recorded,
                        "source": MarkSource.GRID,
                        "authorised_by_id": authorised_by,
                        "authorised_at": authorised_at,
                        "note": note,
                        "closure_id": None,
                    }

        self.insert(AttendanceMark.__table__, rows())

    def audit(self, placement_ids: Sequence[int], pupil_ids: Sequence[int], started: dict[int, _Started]) -> None:
        """Forty audit events per placement: the officer's views and changes, ids and field names only."""
        rng, officer_id, la_id = self.rng, self.officer.id, self.la.id
        per_placement = self.plan.audit_events // len(placement_ids)
        now = self.now

        def rows() -> Iterator[dict[str, Any]]:
            for i, placement_id in enumerate(placement_ids):
                register = started.get(i)
                start = register.days[0] if register else self.today - timedelta(days=21)
                span = max(1, (self.today - start).days) * 86400
                base = datetime.combine(start, time(8, 0), tzinfo=UTC)
                for _ in range(per_placement):
                    action, entity = AUDITED[rng.randrange(len(AUDITED))]
                    entity_id = pupil_ids[i] if entity == "pupil" else placement_id
                    yield {
                        "at": min(now, base + timedelta(seconds=rng.randrange(span))),
                        "user_id": officer_id,
                        "organisation_id": la_id,
                        "action": action,
                        "entity_type": entity,
                        "entity_id": entity_id,
                        "ip_address": "",
                        "detail": {"fields": ["status"]} if action == "update" else {},
                    }

        self.insert(AuditEvent.__table__, rows())


def _copy_value(value: Any) -> Any:
    """A value as the column would bind it, for ``COPY``: what ``enum_column``, ``UTCDateTime`` and ``JSON`` do."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _default(column: sa.Column[Any]) -> Any:
    """A column's Python-side default, once, as ``COPY`` writes it."""
    default = column.default
    value = default.arg(None) if default.is_callable else default.arg  # type: ignore[union-attr]
    return _copy_value(value)


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
