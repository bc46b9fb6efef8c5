"""Demo data: a school, an LA team, four providers, accounts of every role, pupils and placements.

It lets a new user sign in as each role and see what that role sees. Dates are relative to the
day it is loaded, so the placements are current whenever the demo is set up. Loaded only into an
empty database; every name, number and address is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from service import demo_attendance, demo_outcomes, demo_plans, demo_progress_reports
from service.auth.models import Role, User
from service.auth.services import hash_password
from service.extensions import db
from service.organisations.models import LocalAuthorityTeam, Organisation, OrganisationKind
from service.placements.models import Placement, PlacementSession, PlacementStatusChange
from service.providers import contacts
from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    OfstedGrade,
    Provider,
    ProviderContact,
    ProviderCriterion,
    ProviderSite,
    QaOutcome,
)
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from service.rules.calendar import add_working_days
from service.rules.decision import Circumstance, who_decides
from service.rules.placement_status import PlacementStatus
from service.rules.school_age import school_year_start
from service.rules.upn import make_upn

DEMO_PASSWORD = "apdocs-demo-2026"  # noqa: S105 - published demo credential, demo data only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    organisation: str
    what_they_see: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "senco@northbridge.example",
        "Sam Okafor",
        Role.COMMISSIONER,
        "Northbridge Academy",
        "SENCO: Northbridge's pupils and placements",
    ),
    DemoAccount(
        "officer@westshire.example",
        "Lee Morgan",
        Role.COMMISSIONER,
        "Westshire Council Access to Learning",
        "LA officer: pupils without a school place",
    ),
    DemoAccount(
        "staff@horizon.example",
        "Pat Quinn",
        Role.PROVIDER_STAFF,
        "Horizon Skills CIC",
        "Provider staff: placements at Horizon only",
    ),
    DemoAccount(
        "governor@northbridge.example",
        "Gita Patel",
        Role.VIEWER,
        "Northbridge Academy",
        "Governor: summary counts, no pupil details",
    ),
    DemoAccount(
        "admin@northbridge.example",
        "Ada Adebayo",
        Role.ADMIN,
        "Northbridge Academy",
        "Admin: Northbridge's accounts and audit log",
    ),
)


def signed_plan_placement() -> tuple[Placement, User]:
    """The demo placement whose plan is signed and sealed (Ellie's), and the SENCO who witnessed it."""
    senco = db.session.scalars(sa.select(User).where(User.email == "senco@northbridge.example")).one()
    placement = db.session.scalars(
        sa.select(Placement).join(Pupil).where(Pupil.legal_last_name == "Whitfield").order_by(Placement.id)
    ).first()
    assert placement is not None
    return placement, senco


def has_any_organisation() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) > 0


def sign_in_help() -> str:
    lines = ["Demo sign-ins (password for all: " + DEMO_PASSWORD + "):"]
    lines += [f"  {a.email:<32} {a.what_they_see}" for a in DEMO_ACCOUNTS]
    return "\n".join(lines)


def _dob_for_year_group(year_group: int, today: date, month: int, day: int) -> date:
    """A birthday that puts the child in this year group in the current school year."""
    start = school_year_start(today).year
    born_school_year = start - year_group - 5  # born between 1 Sep of this year and 31 Aug of the next
    return date(born_school_year + (0 if month >= 9 else 1), month, day)


def load(today: date | None = None) -> None:
    """Add the demo records to the session (the caller commits)."""
    today = today or date.today()
    password_hash = hash_password(DEMO_PASSWORD)

    school = Organisation(
        name="Northbridge Academy",
        kind=OrganisationKind.SCHOOL,
        urn="140123",
        la_code="931",
        dsl_name="Sam Okafor, Assistant Headteacher",
        dsl_phone="01632 960500",
        deputy_dsl_name="Jo Patel, Deputy Headteacher",
        deputy_dsl_phone="01632 960501",
        child_protection_expectations=(
            "Follow Northbridge Academy's child protection policy and Keeping children safe in education. "
            "Staff working with our pupils have enhanced DBS checks and have read Part 1 of KCSIE."
        ),
        concern_procedure=(
            "If a pupil is at immediate risk, call 999. Otherwise phone our DSL the same day, before the pupil "
            "goes home, and send a written record of what you saw and heard within 24 hours."
        ),
        attendance_contact_name="Attendance office",
        attendance_contact_phone="01632 960510",
        attendance_contact_email="attendance@northbridge.example",
        trusted_domains="northbridge.example\nwestshire.example",
    )
    la = Organisation(
        name="Westshire Council Access to Learning",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        la_team=LocalAuthorityTeam.ACCESS_TO_LEARNING,
        la_code="931",
        dsl_name="Lee Morgan, Access to Learning",
        dsl_phone="01632 960600",
        deputy_dsl_name="Priya Shah, Access to Learning",
        deputy_dsl_phone="01632 960601",
        child_protection_expectations="Follow the Westshire Safeguarding Children Partnership procedures.",
        concern_procedure="Phone the Access to Learning DSL the same day; out of hours, call the duty team.",
        attendance_contact_name="Access to Learning attendance officer",
        attendance_contact_phone="01632 960610",
        trusted_domains="westshire.example",
    )
    orgs = {o.name: o for o in (school, la)}
    providers = _providers(today)
    # Who manages each catalogue entry: the LA its pupil referral unit, Northbridge the providers it found itself.
    for key, owner in (("horizon", school), ("oak", school), ("riverside", la), ("farm", school)):
        providers[key].owner_organisation = owner
    for provider in providers.values():
        if provider.organisation is not None:
            orgs[provider.organisation.name] = provider.organisation
    db.session.add_all([*orgs.values(), *providers.values()])
    db.session.flush()

    users = {}
    for account in DEMO_ACCOUNTS:
        user = User(
            email=account.email,
            name=account.name,
            role=account.role,
            organisation=orgs[account.organisation],
            password_hash=password_hash,
        )
        users[account.email] = user
        db.session.add(user)
    db.session.flush()
    senco, officer = users["senco@northbridge.example"], users["officer@westshire.example"]

    def pupil(
        first: str,
        last: str,
        year: int,
        serial: int,
        *,
        org: Organisation = school,
        preferred: str | None = None,
        sen: SenStatus = SenStatus.NONE,
        lac: bool = False,
        fsm: bool = False,
        safeguarding: SafeguardingStatus = SafeguardingStatus.NONE_KNOWN,
        month: int = 11,
        day: int = 14,
        parent: tuple[str, str, str] | None = None,
    ) -> Pupil:
        record = Pupil(
            organisation=org,
            school=school if org is school else None,
            legal_first_name=first,
            legal_last_name=last,
            preferred_name=preferred,
            date_of_birth=_dob_for_year_group(year, today, month, day),
            upn=make_upn(931, 4321, 19, serial),
            sen_status=sen,
            looked_after=lac,
            fsm_eligible=fsm,
            safeguarding_status=safeguarding,
        )
        if parent:
            record.parents.append(
                ParentCarer(
                    name=parent[0],
                    relationship_to_pupil=parent[1],
                    phone=parent[2],
                    email="",
                    parental_responsibility=True,
                    position=0,
                )
            )
        db.session.add(record)
        return record

    ellie = pupil(
        "Eleanor",
        "Whitfield",
        10,
        101,
        preferred="Ellie",
        sen=SenStatus.SEN_SUPPORT,
        fsm=True,
        parent=("Karen Whitfield", "Mother", "07700 900101"),
    )
    zoe = pupil(
        "Zoë",
        "O'Connor-Smith",
        9,
        102,
        safeguarding=SafeguardingStatus.EARLY_HELP,
        month=8,
        day=31,
        parent=("Siobhán O'Connor", "Mother", "07700 900102"),
    )
    mo = pupil(
        "Mohammed",
        "Al-Rashid",
        11,
        103,
        preferred="Mo",
        sen=SenStatus.EHCP,
        parent=("Aisha Al-Rashid", "Mother", "07700 900103"),
    )
    tyler = pupil(
        "Tyler",
        "Brookes",
        8,
        104,
        lac=True,
        safeguarding=SafeguardingStatus.CHILD_IN_NEED,
        month=9,
        day=1,
        parent=("Westshire Children's Services", "Corporate parent", "01632 960400"),
    )
    amara = pupil("Amara", "Nwosu", 10, 105, fsm=True, parent=("Grace Nwosu", "Mother", "07700 900105"))
    kacper = pupil(
        "Kacper", "Nowak", 11, 106, sen=SenStatus.SEN_SUPPORT, parent=("Marta Nowak", "Mother", "07700 900106")
    )
    pupil("Freya", "Lindqvist", 7, 107, parent=("Johan Lindqvist", "Father", "07700 900107"))
    riley = pupil(
        "Riley",
        "Thompson",
        9,
        108,
        safeguarding=SafeguardingStatus.CHILD_PROTECTION_PLAN,
        parent=("Dawn Thompson", "Grandmother (special guardian)", "07700 900108"),
    )
    jayden = pupil("Jayden", "Clarke", 10, 201, org=la, fsm=True, parent=("Marcia Clarke", "Mother", "07700 900201"))
    lily = pupil(
        "Lily-Mae", "Harper", 9, 202, org=la, sen=SenStatus.EHCP, parent=("Tom Harper", "Father", "07700 900202")
    )
    noah = pupil("Noah", "Fitzgerald", 8, 203, org=la, parent=("Claire Fitzgerald", "Mother", "07700 900203"))
    db.session.flush()

    horizon, oak, riverside, farm = (providers[k] for k in ("horizon", "oak", "riverside", "farm"))
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
        [(1, *am), (1, *pm), (3, *am), (3, *pm)],
        [PlacementStatus.REFERRED, PlacementStatus.AGREED, PlacementStatus.ACTIVE],
        today,
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
    )
    _placement(
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
    )
    _placement(
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
    )
    _placement(
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
    )
    _placement(
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
    )
    db.session.flush()
    for placement in db.session.scalars(sa.select(Placement)):  # as creating each one through the form does
        contacts.note_first_use(placement.commissioning_organisation_id, placement.provider, None)
    demo_plans.load(
        today,
        senco,
        officer,
        agreed=[ellie_placement, mo_placement, kacper_placement, riley_placement, jayden_placement],
        in_progress=zoe_placement,
        reviewed=riley_placement,
    )
    demo_plans.load_provider_packs(senco, ellie=ellie_placement, mo=mo_placement, zoe=zoe_placement)
    demo_attendance.load(
        today, ellie=ellie_placement, riley=riley_placement, jayden=jayden_placement, kacper=kacper_placement
    )
    demo_outcomes.load(senco, kacper=kacper_placement)
    demo_progress_reports.load(today, ellie=ellie_placement)
    db.session.flush()


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
) -> Placement:
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


def _providers(today: date) -> dict[str, Provider]:
    def criteria(met_all: bool) -> list[ProviderCriterion]:
        return [
            ProviderCriterion(
                criterion=c,
                met=met_all or i < 4,
                evidence_date=today - timedelta(days=120) if met_all or i < 4 else None,
            )
            for i, c in enumerate(ApprovalCriterion)
        ]

    def org(name: str) -> Organisation:
        return Organisation(name=name, kind=OrganisationKind.PROVIDER)

    recent = today - timedelta(days=200)
    return {
        "horizon": Provider(
            name="Horizon Skills CIC",
            organisation=org("Horizon Skills CIC"),
            address="Unit 4, Canal Side Works\nWestshire",
            postcode="WS1 4HX",
            phone="01632 960111",
            email="office@horizon.example",
            dfe_registered=False,
            ukprn="10098765",
            approved_list_status=ApprovedListStatus.APPROVED,
            criteria=criteria(True),
            dsl_name="Marie Dubois",
            dsl_phone="01632 960112",
            dsl_training_date=recent,
            deputy_dsl_name="Owen Price",
            deputy_dsl_phone="01632 960113",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today + timedelta(days=240),
            qa_outcome=QaOutcome.SATISFACTORY,
            qa_date=recent,
            services_offered="Vocational courses: construction, motor vehicle, hair and beauty",
            subjects_offered="Functional skills English and maths; BTEC Level 1 construction",
            hours_available_per_week=Decimal("25"),
            availability_notes="Monday to Friday, 9:00 to 15:00",
            sites=[ProviderSite(name="Canal Side Works", address="Unit 4, Canal Side Works", postcode="WS1 4HX")],
            contacts=[
                ProviderContact(
                    name="Pat Quinn",
                    role="Placements coordinator",
                    phone="01632 960114",
                    email="placements@horizon.example",
                    is_placement_contact=True,
                )
            ],
        ),
        "oak": Provider(
            name="Oak Tree Tutoring Ltd",
            organisation=org("Oak Tree Tutoring Ltd"),
            address="12 Market Street\nEastbury",
            postcode="EB2 7TT",
            phone="01632 960221",
            email="hello@oaktree.example",
            dfe_registered=False,
            approved_list_status=ApprovedListStatus.APPROVED,
            criteria=criteria(True),
            dsl_name="Hannah Reid",
            dsl_phone="01632 960222",
            dsl_training_date=recent,
            deputy_dsl_name="Imran Shah",
            deputy_dsl_phone="01632 960223",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today + timedelta(days=90),
            qa_outcome=QaOutcome.SATISFACTORY,
            qa_date=recent,
            services_offered="One-to-one and small-group tuition, in person and online",
            subjects_offered="English, maths, science to GCSE",
            hours_available_per_week=Decimal("15"),
            contacts=[
                ProviderContact(
                    name="Hannah Reid",
                    role="Director",
                    phone="01632 960222",
                    email="hannah@oaktree.example",
                    is_placement_contact=True,
                )
            ],
        ),
        "riverside": Provider(
            name="Riverside Learning Centre",
            organisation=org("Riverside Learning Centre"),
            address="Riverside Road\nWestshire",
            postcode="WS3 9RL",
            phone="01632 960331",
            email="admin@riverside.example",
            dfe_registered=True,
            urn="145678",
            ofsted_grade=OfstedGrade.GOOD,
            ofsted_date=today - timedelta(days=400),
            approved_list_status=ApprovedListStatus.APPROVED,
            criteria=criteria(True),
            dsl_name="Carl Jensen",
            dsl_phone="01632 960332",
            dsl_training_date=recent,
            deputy_dsl_name="Beth Morris",
            deputy_dsl_phone="01632 960333",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today + timedelta(days=300),
            qa_outcome=QaOutcome.SATISFACTORY,
            qa_date=recent,
            services_offered="Full-time pupil referral unit",
            subjects_offered="Full curriculum to GCSE",
            hours_available_per_week=Decimal("30"),
        ),
        "farm": Provider(
            name="Fresh Start Farm",
            organisation=None,
            address="Long Lane\nHighcombe",
            postcode="HC4 2FF",
            phone="01632 960441",
            dfe_registered=False,
            approved_list_status=ApprovedListStatus.NOT_ON_LIST,
            criteria=criteria(False),
            dsl_name="Rob Fenton",
            dsl_training_date=today - timedelta(days=900),
            vetting_confirmed=False,
            insurance_expiry=today - timedelta(days=10),
            qa_outcome=QaOutcome.NOT_YET_ASSESSED,
            services_offered="Outdoor and land-based learning",
        ),
    }
