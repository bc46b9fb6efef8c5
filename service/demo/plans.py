"""Demo support plans and a review, so a new user sees plans in every state.

Agreed and running placements get an agreed plan (a placement is only agreed through its plan); one
referred placement has a plan half filled in, to show a draft in progress; one placement under review
has had its first review. Review dates follow the demo's half-terms (``term_dates``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from service.auth.models import User
from service.demo.term_dates import half_terms
from service.demo.world import World
from service.placements.models import Placement, PlacementSession
from service.reviews.models import ObjectiveProgress, Review
from service.rules.full_time import DeliveredBy, day_gaps
from service.rules.outcomes import OutcomeArea, ProgressRating
from service.rules.review_dates import HalfTerm, latest_review_date
from service.support_plans.models import PlanIntervention, PlanObjective, SupportPlan


def load(world: World) -> None:
    """Agreed plans for the agreed and running placements, Zoë's half filled in, and Riley's first review."""
    senco, officer, today = world.senco, world.officer, world.today
    for key in ("ellie", "mo", "kacper", "riley", "jayden"):
        placement = world.placements[key]
        by = senco if placement.commissioning_organisation_id == senco.organisation_id else officer
        placement.support_plan = _agreed_plan(placement, by, today)
    in_progress = world.placements["zoe"]
    in_progress.support_plan = SupportPlan(
        planning_meeting_date=today - timedelta(days=3),
        school_rep="Jo Patel, Deputy Headteacher",
        provider_rep="Sam Okafor, Lead tutor",
        parent_ids=[p.id for p in in_progress.pupil.parents],
        pupil_details_confirmed=True,
        child_views="I get really nervous in big classes. I'm OK with one teacher and a few people.",
        parental_views="",
        # Three mornings of small-group tutoring: the intensive-package reason, waiting for the parents to be
        # consulted about supervision for the rest of the day before the plan can be agreed.
        part_time_reason="intensive",
        part_time_detail="Small-group tutoring judged equivalent to full time while a phased return is planned "
        "(SENCO and educational psychologist).",
    )
    _review(world.placements["riley"], senco, today)


def _rest_of_the_week_at_school(placement: Placement) -> None:
    """Add the home school's sessions to the placement's timetable for every part of the school day the provider
    does not cover, so the agreed plans are full time day by day (``service.rules.full_time``) and their
    interventions add up to the timetable in each setting."""
    for gap in day_gaps(placement.timetable):
        placement.sessions.append(
            PlacementSession(
                weekday=gap.weekday, starts_at=gap.starts_at, ends_at=gap.ends_at, setting=DeliveredBy.SCHOOL
            )
        )


def _agreed_plan(placement: Placement, by: User, today: date) -> SupportPlan:
    start = placement.planned_start
    name = placement.pupil.display_name.split()[0]
    _rest_of_the_week_at_school(placement)
    provider_hours = Decimal(placement.hours_per_week)
    school_minutes = sum(s.minutes for s in placement.sessions if s.setting is DeliveredBy.SCHOOL)
    school_hours = (Decimal(school_minutes) / 60).quantize(Decimal("0.1"))
    # Agreed ten days before the start, or yesterday for a placement starting sooner than that: never on a day
    # still to come ("Agreed on" a future date), the planning meeting four days before.
    agreed_on = min(start - timedelta(days=10), today - timedelta(days=1))
    # The school's representative at the meeting is the deputy head, who signs in person witnessed by the SENCO
    # (a SENCO named as the representative would be suggested to sign by link: nobody witnesses themselves).
    school_rep = "Jo Patel, Deputy Headteacher" if "senco" in by.email else f"{by.name}, Access to Learning officer"
    plan = SupportPlan(
        planning_meeting_date=agreed_on - timedelta(days=4),
        school_rep=school_rep,
        provider_rep=f"{placement.provider.name} placement lead",
        parent_ids=[p.id for p in placement.pupil.parents],
        other_professionals="Educational psychologist (consulted before the meeting)",
        pupil_details_confirmed=True,
        child_views=f"{name} said: “I want to do something practical. I hate being stuck in a classroom all day.”",
        parental_views="Worried about the journey at first, but keen for a fresh start. Mornings at home are hard.",
        academic_progress="Working below the expected level in English and maths; gaps since a long absence in Year 8.",
        risks="Has left the school site twice when upset. No known risks in the community.",
        separate_risk_assessment=True,
        outcome_attendance="Attends every session at the provider and at school; absences phoned in the same day.",
        outcome_attitude="Takes part in group work and says they feel listened to.",
        outcome_attainment="Entry Level 3 functional skills in English and maths.",
        outcome_behaviour="No removals from sessions; uses the agreed calm-down plan.",
        outcome_destination="Back in lessons full time, or a college place agreed, by the end of the placement.",
        school_links="Weekly phone call from the SENCO to home; a visit to the provider every half-term.",
        attendance_arrangements="The provider sends the morning and afternoon register daily and phones the "
        "school by 10:00 if the pupil has not arrived.",
        agreed_actions="Referral to the school nurse. A visit to the provider with a parent before the start.",
        review_date=latest_review_date(start, [HalfTerm(n, a, b) for n, a, b in half_terms(today)]).latest,
        part_time_reason=None,
        part_time_detail="",
        agreed_at=datetime.combine(agreed_on, time(16, 0), tzinfo=UTC),
        agreed_by_id=by.id,
    )
    plan.objectives = [
        PlanObjective(
            position=0,
            area=OutcomeArea.ATTENDANCE,
            objective="Attend every planned session",
            baseline="71% attendance last half-term",
            target="95% attendance",
            measure="The provider's twice-daily register",
            due_by=start + timedelta(weeks=12),
        ),
        PlanObjective(
            position=1,
            area=OutcomeArea.ATTAINMENT,
            objective="Improve reading and writing",
            baseline="Entry Level 2 in English (assessed at the school)",
            target="Entry Level 3 in English",
            measure="Functional skills assessment by the provider",
            due_by=start + timedelta(weeks=24),
        ),
    ]
    plan.interventions = [
        PlanIntervention(
            position=0,
            intervention_type=f"Programme at {placement.provider.name}",
            hours_per_week=provider_hours,
            delivered_by=DeliveredBy.PROVIDER,
            start_date=start,
        )
    ]
    if school_hours > 0:
        plan.interventions.append(
            PlanIntervention(
                position=1,
                intervention_type="Timetabled lessons at school",
                hours_per_week=school_hours,
                delivered_by=DeliveredBy.SCHOOL,
                start_date=start,
            )
        )
    return plan


def _review(placement: Placement, by: User, today: date) -> None:
    meeting = placement.planned_start + timedelta(weeks=6)
    if meeting >= today:
        return
    review = Review(
        number=1,
        meeting_date=meeting,
        present=f"{by.name} (school), the provider's placement lead, the pupil and their grandmother",
        attendance_from=placement.planned_start,
        attendance_to=meeting - timedelta(days=1),
        sessions_possible=24,
        sessions_attended=19,
        pupil_views="It's better than school. The tutor explains things properly.",
        parent_views="Happier most days; still struggles on Mondays.",
        notes="Settled well; attendance improving but Mondays are a pattern.",
        changes_to_plan="Add a Monday check-in call from the provider at 9:15.",
        recorded_by_id=by.id,
    )
    for position, objective in enumerate(placement.support_plan.objectives if placement.support_plan else []):
        review.progress.append(
            ObjectiveProgress(
                objective=objective,
                position=position,
                objective_text=objective.objective,
                rating=ProgressRating.SOME,
                evidence="79% attendance this half-term (up from 71%)."
                if position == 0
                else "Reading age up 6 months.",
            )
        )
    placement.reviews.append(review)
