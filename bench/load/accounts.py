"""The accounts of ``make load``'s people, added to a database that has the LA-sized caseload
(``bench/scale.py --generate``, ``service.demo.scale``): one account per simulated person, so that each has its own
sessions, audit trail and sign-in counter, as real staff do.

Commissioners work at the LA that commissions the caseload (the organisation of ``scale.OFFICER_EMAIL``); provider
staff at the generated providers in turn. Every account has the demo's published password: this is only ever run
on the throwaway database of a load run (or of a test).
"""

from __future__ import annotations

import sqlalchemy as sa

from bench.load import journeys
from service.auth.models import User
from service.auth.services import hash_password
from service.demo import scale
from service.extensions import db
from service.providers.models import Provider
from service.rules.roles import Role


def add_accounts(users: int, password: str) -> tuple[int, int]:
    """Add the accounts of ``users`` people (``journeys.split``); returns (commissioners, provider staff). Needs an
    app context; commits."""
    commissioners, providers = journeys.split(users)
    officer = db.session.scalar(sa.select(User).where(User.email == scale.OFFICER_EMAIL))
    if officer is None:
        raise LookupError("no LA-sized caseload in this database: run bench/scale.py --generate first")
    names = [name for name, _postcode in scale.PROVIDERS]
    if len(names) != journeys.PROVIDER_ORGANISATIONS:
        raise ValueError(f"the caseload has {len(names)} providers: set journeys.PROVIDER_ORGANISATIONS to match")
    by_name = {p.name: p for p in db.session.scalars(sa.select(Provider).where(Provider.name.in_(names)))}
    provider_orgs = [by_name[name].organisation_id for name in names]
    hashed = hash_password(password)  # one hash for all: the same password, and argon2 is slow on purpose
    for index in range(commissioners):
        db.session.add(
            User(
                email=journeys.COMMISSIONER_EMAIL.format(index=index),
                name=f"Load commissioner {index}",
                role=Role.COMMISSIONER,
                organisation_id=officer.organisation_id,
                password_hash=hashed,
            )
        )
    for index in range(providers):
        db.session.add(
            User(
                email=journeys.PROVIDER_EMAIL.format(index=index),
                name=f"Load provider staff {index}",
                role=Role.PROVIDER_STAFF,
                organisation_id=provider_orgs[index % len(provider_orgs)],
                password_hash=hashed,
            )
        )
    db.session.commit()
    return commissioners, providers
