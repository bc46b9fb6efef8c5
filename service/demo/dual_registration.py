"""Demo: a pupil dual registered at the LA's pupil referral unit, so the register code is D.

Callum Reid, in Year 9 at Northbridge, has had two suspensions this term. Northbridge arranged three days a week at
Brook House Pupil Referral Unit, where he is dual registered (on Brook House's admission register as well as
Northbridge's), with a planned return after twelve weeks: Northbridge's register records D for his days there,
and Brook House's own register records his attendance. The placement is referred, its plan complete and ready to
agree (Brook House meets every provider check), and its census reason is behavioural support. Added last, after
every other seeder, so the rest of the demo keeps its ids.
"""

from __future__ import annotations

from datetime import time, timedelta

from service.demo.placements import _placement
from service.demo.plan_safety import answer_safety_questions
from service.demo.plans import _agreed_plan
from service.demo.providers import pupil_referral_unit
from service.demo.world import World, _dob_for_year_group
from service.extensions import db
from service.providers import contacts
from service.pupils.models import ParentCarer, Pupil
from service.rules.calendar import add_working_days
from service.rules.census import SchoolCensusReason
from service.rules.decision import Circumstance
from service.rules.placement_status import PlacementStatus
from service.rules.upn import make_upn


def load(world: World) -> None:
    """Brook House in the catalogue (managed by Westshire), Callum, and his dual-registered placement there."""
    today, senco = world.today, world.senco
    brook = pupil_referral_unit(today)
    brook.owner_organisation = world.la  # the LA runs its pupil referral unit and keeps its record
    db.session.add(brook)
    world.providers["brook"] = brook
    callum = Pupil(
        organisation=world.school,
        school=world.school,
        legal_first_name="Callum",
        legal_last_name="Reid",
        date_of_birth=_dob_for_year_group(9, today, 5, 2),
        upn=make_upn(931, 4321, 19, 110),
    )
    callum.parents.append(
        ParentCarer(
            name="Nicola Reid",
            relationship_to_pupil="Mother",
            phone="07700 900110",
            email="",
            parental_responsibility=True,
            position=0,
        )
    )
    db.session.add(callum)
    db.session.flush()
    start = add_working_days(today, 8)
    day = (time(9, 0), time(15, 0))
    placement = _placement(
        callum,
        brook,
        senco,
        Circumstance.ON_ROLL,
        "Jo Patel, Deputy Headteacher",
        start,
        start + timedelta(weeks=12),
        "Two suspensions this term for disruption in lessons. Three days a week at Brook House, dual registered, "
        "to work on managing frustration in a small group, with a planned return to full time at Northbridge after "
        "twelve weeks.",
        [(0, *day), (1, *day), (2, *day)],
        [PlacementStatus.REFERRED],
        today,
        census_reason=SchoolCensusReason.BEHAVIOUR,
        dual_registered=True,
    )
    db.session.flush()  # the sessions' settings take their default (the provider) before the plan counts them
    plan = _agreed_plan(placement, senco, today)
    plan.agreed_at, plan.agreed_by_id = None, None  # complete and ready to agree: nothing stops it
    placement.support_plan = plan
    answer_safety_questions(placement)
    world.pupils["callum"] = callum
    world.placements["callum"] = placement
    db.session.flush()
    contacts.note_first_use(placement.commissioning_organisation_id, brook, None)  # as the form does
