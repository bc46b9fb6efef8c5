"""Demo data: a school, an LA team, five providers, accounts of every role, pupils and placements.

It lets a new user sign in as each role and see what that role sees. Dates are relative to the
day it is loaded, so the placements are current whenever the demo is set up. Loaded only into an
empty database; every name, number and address is fictional.

``world`` builds what every feature shares (organisations, accounts, providers, pupils) and ``placements``
the placements; then each feature's seeder adds its own records to that world, in ``SEEDERS`` order. The
order is part of the data: records get their ids in it (so the pupil referral unit and the placement dual
registered there, ``dual_registration``, come last). The signed plan (``signing``) is made apart, by
``apdocs demo``, because it needs LibreOffice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from service.demo import (
    attendance,
    dual_registration,
    exclusions,
    la_decisions,
    la_notices,
    outcomes,
    plan_safety,
    plans,
    progress_reports,
    provider_checks,
    provider_packs,
    term_dates,
)
from service.demo.placements import add_placements
from service.demo.world import World, add_accounts, add_pupils, organisations
from service.extensions import db

#: Each feature's seeder, in the order they add their records to the world.
SEEDERS: tuple[Callable[[World], None], ...] = (
    term_dates.load,
    plans.load,
    provider_checks.load,
    plan_safety.load,
    provider_packs.load,
    attendance.load,
    outcomes.load,
    progress_reports.load,
    exclusions.load,
    la_decisions.load,
    la_notices.load,
    dual_registration.load,
)


def load(today: date | None = None) -> None:
    """Add the demo records to the session (the caller commits)."""
    world = organisations(today or date.today())
    add_accounts(world)
    add_pupils(world)
    add_placements(world)
    for seed in SEEDERS:
        seed(world)
    db.session.flush()
