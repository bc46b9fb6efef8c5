"""Demo LA decisions: Westshire's recorded "agree" for the placements already agreed that the LA decides (Mo, with
an EHCP, at Northbridge; Jayden, excluded, the LA's own), and a Northbridge pupil with an EHCP whose placement
waits for Westshire's decision (on the officer's list, and blocking the SENCO's plan)."""

from __future__ import annotations

from datetime import time, timedelta

from service.demo.placements import _placement
from service.demo.plan_safety import answer_safety_questions
from service.demo.plans import _agreed_plan
from service.demo.world import World
from service.extensions import db
from service.la_decisions.models import LaDecision
from service.pupils.models import ParentCarer, Pupil, SenStatus
from service.rules.calendar import add_working_days
from service.rules.census import SchoolCensusReason
from service.rules.decision import Circumstance, LaOutcome
from service.rules.placement_status import PlacementStatus
from service.rules.upn import make_upn


def load(world: World) -> None:
    """The decisions on the agreed placements, then Sami's placement waiting for one (the caller commits)."""
    officer, today = world.officer, world.today
    for key, review in (("mo", True), ("jayden", False)):
        placement = world.placements[key]
        agreed = placement.support_plan.agreed_at.date() if placement.support_plan else today
        decided_on = min(agreed, today) - timedelta(days=2)
        db.session.add(
            LaDecision(
                placement=placement,
                local_authority_id=world.la.id,
                outcome=LaOutcome.AGREE,
                decided_on=decided_on,
                officer_id=officer.id,
                officer_name=f"{officer.name}, Westshire SEN casework officer",
                ehcp_review_date=decided_on - timedelta(days=7) if review else None,
                notes="Agreed at the early annual review of the EHC plan." if review else "",
            )
        )
    sami = Pupil(
        organisation=world.school,
        school=world.school,
        legal_first_name="Samuel",
        legal_last_name="Okoye",
        preferred_name="Sami",
        date_of_birth=world.pupils["tyler"].date_of_birth + timedelta(days=30),  # Year 8, as Tyler
        upn=make_upn(931, 4321, 19, 109),
        sen_status=SenStatus.EHCP,
    )
    sami.parents.append(
        ParentCarer(
            name="Ngozi Okoye",
            relationship_to_pupil="Mother",
            phone="07700 900109",
            email="",
            parental_responsibility=True,
            position=0,
        )
    )
    db.session.add(sami)
    db.session.flush()
    placement = _placement(
        sami,
        world.providers["oak"],
        world.senco,
        Circumstance.ON_ROLL,
        "Westshire SEN team, at the early annual review",
        add_working_days(today, 15),
        add_working_days(today, 15) + timedelta(weeks=12),
        "Sami's EHC plan names small-group teaching; he has not managed a full day in school since September. "
        "Small-group tutoring three mornings a week, with school in the afternoons, proposed for the early annual "
        "review.",
        [(0, time(9, 0), time(12, 0)), (2, time(9, 0), time(12, 0)), (4, time(9, 0), time(12, 0))],
        [PlacementStatus.REFERRED],
        today,
        census_reason=SchoolCensusReason.OTHER,  # an EHCP's small-group teaching: none of DfE's five reasons fits
    )
    db.session.flush()  # the sessions' settings take their default (the provider) before the plan counts them
    plan = _agreed_plan(placement, world.senco, today)
    plan.agreed_at = None
    plan.agreed_by_id = None
    placement.support_plan = plan
    answer_safety_questions(placement)  # complete, so the LA's decision is all that stops it
    world.pupils["sami"] = sami
    world.placements["sami"] = placement
    db.session.flush()
