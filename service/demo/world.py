"""The demo world: the organisations, accounts, providers and pupils every demo seeder shares.

A school, an LA team, four providers, accounts of every role and eleven pupils, every name, number and address
fictional. ``World`` holds them by the names the demo's story uses (``world.pupils["ellie"]``), so each
feature's seeder finds the records it builds on without looking them up. Dates are relative to the day the
demo is loaded (``world.today``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from service.auth.models import User
from service.auth.services import hash_password
from service.demo.providers import catalogue
from service.extensions import db
from service.organisations.models import LocalAuthorityTeam, Organisation
from service.placements.models import Placement
from service.providers.models import Provider
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from service.rules.organisations import OrganisationKind
from service.rules.roles import Role
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
        "LA officer: pupils without a school place; decisions for Northbridge; its placements (read only)",
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


@dataclass
class World:
    """The shared records, by name: each seeder adds its feature's records to these."""

    today: date
    school: Organisation
    la: Organisation
    providers: dict[str, Provider]
    users: dict[str, User] = field(default_factory=dict)
    pupils: dict[str, Pupil] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)

    @property
    def senco(self) -> User:
        return self.users["senco@northbridge.example"]

    @property
    def officer(self) -> User:
        return self.users["officer@westshire.example"]

    def organisations_by_name(self) -> dict[str, Organisation]:
        """The school, the LA team, then the providers' own organisations, in the order they are added."""
        found = {o.name: o for o in (self.school, self.la)}
        for provider in self.providers.values():
            if provider.organisation is not None:
                found[provider.organisation.name] = provider.organisation
        return found


def organisations(today: date) -> World:
    """The school, the LA team and the provider catalogue, added and flushed: the world's first records."""
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
        ap_contact_name="Westshire alternative provision team",
        ap_contact_email="ap@westshire.example",
        sen_contact_name="Westshire SEN team",
        sen_contact_email="sen@westshire.example",
    )
    school.local_authority = la  # Northbridge's admin chose Westshire as its local authority
    world = World(today, school, la, catalogue(today))
    # Who manages each catalogue entry: the LA its pupil referral unit, Northbridge the providers it found itself.
    for key, owner in (("horizon", school), ("oak", school), ("riverside", la), ("farm", school)):
        world.providers[key].owner_organisation = owner
    db.session.add_all([*world.organisations_by_name().values(), *world.providers.values()])
    db.session.flush()
    return world


def add_accounts(world: World) -> None:
    """One account of every role (``DEMO_ACCOUNTS``), all with the published demo password."""
    password_hash = hash_password(DEMO_PASSWORD)
    orgs = world.organisations_by_name()
    users = world.users
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


def add_pupils(world: World) -> None:
    """Eight of the school's pupils and three of the LA's, each with a parent or carer."""
    school, la, today = world.school, world.la, world.today

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
    freya = pupil("Freya", "Lindqvist", 7, 107, parent=("Johan Lindqvist", "Father", "07700 900107"))
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
    world.pupils.update(
        ellie=ellie,
        zoe=zoe,
        mo=mo,
        tyler=tyler,
        amara=amara,
        kacper=kacper,
        freya=freya,
        riley=riley,
        jayden=jayden,
        lily=lily,
        noah=noah,
    )
    db.session.flush()


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
