"""Demo support plans, term dates and a review, so a new user sees plans in every state.

Agreed and running placements get an agreed plan (a placement is only agreed through its plan); one
referred placement has a plan half filled in, to show a draft in progress; one placement under review
has had its first review. The organisations get this school year's half-terms (typical England dates,
moved to weekdays), so review deadlines count term time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from service.auth.models import User
from service.extensions import db
from service.placements.models import Placement
from service.provider_packs.models import ProviderPack
from service.reviews.models import ObjectiveProgress, ProgressRating, Review
from service.rules.review_dates import HalfTerm, latest_review_date
from service.rules.school_age import school_year_start
from service.support_plans.models import (
    DeliveredBy,
    OutcomeArea,
    PlanIntervention,
    PlanObjective,
    SupportPlan,
)
from service.term_dates.models import TermDate

#: Typical England half-terms as (name, start month, start day, end month, end day, years after September).
HALF_TERMS = (
    ("Autumn 1", 9, 3, 10, 23, 0),
    ("Autumn 2", 11, 2, 12, 18, 0),
    ("Spring 1", 1, 5, 2, 12, 1),
    ("Spring 2", 2, 22, 3, 26, 1),
    ("Summer 1", 4, 12, 5, 21, 1),
    ("Summer 2", 6, 1, 7, 21, 1),
)


def half_terms(today: date) -> list[tuple[str, date, date]]:
    """This school year's and next school year's half-terms, starting on a weekday and ending on one."""
    terms = []
    for year in (school_year_start(today).year, school_year_start(today).year + 1):
        for name, sm, sd, em, ed, offset in HALF_TERMS:
            start, end = date(year + offset, sm, sd), date(year + offset, em, ed)
            while start.weekday() > 4:
                start += timedelta(days=1)
            while end.weekday() > 4:
                end -= timedelta(days=1)
            label = f"{name} {year}/{str(year + 1)[2:]}"
            terms.append((label, start, end))
    return terms


def load(
    today: date, senco: User, officer: User, *, agreed: list[Placement], in_progress: Placement, reviewed: Placement
) -> None:
    for organisation_id in {senco.organisation_id, officer.organisation_id}:
        for name, start, end in half_terms(today):
            db.session.add(TermDate(organisation_id=organisation_id, name=name, starts_on=start, ends_on=end))
    for placement in agreed:
        by = senco if placement.commissioning_organisation_id == senco.organisation_id else officer
        placement.support_plan = _agreed_plan(placement, by, today)
    in_progress.support_plan = SupportPlan(
        planning_meeting_date=today - timedelta(days=3),
        school_rep="Jo Patel, Deputy Headteacher",
        provider_rep="Sam Okafor, Lead tutor",
        parent_ids=[p.id for p in in_progress.pupil.parents],
        pupil_details_confirmed=True,
        child_views="I get really nervous in big classes. I'm OK with one teacher and a few people.",
        parental_views="",
    )
    _review(reviewed, senco, today)


def _agreed_plan(placement: Placement, by: User, today: date) -> SupportPlan:
    start = placement.planned_start
    name = placement.pupil.display_name.split()[0]
    provider_hours = Decimal(placement.hours_per_week)
    school_hours = max(Decimal(0), Decimal(30) - provider_hours)
    plan = SupportPlan(
        planning_meeting_date=start - timedelta(days=14),
        school_rep=f"{by.name}, {'SENCO' if 'senco' in by.email else 'Access to Learning officer'}",
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
        part_time_reason=None if school_hours + provider_hours >= 30 else "school_other_days",
        part_time_detail="",
        agreed_at=datetime.combine(start - timedelta(days=10), time(16, 0), tzinfo=UTC),
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


def load_provider_packs(senco: User, *, ellie: Placement, mo: Placement, zoe: Placement) -> None:
    """Packs to preview and send: Ellie's complete, Mo's with medical details kept out, Zoë's half done."""
    db.session.add_all(
        [
            ProviderPack(
                placement=ellie,
                send_needs="No identified SEN. Ellie finds long written tasks hard and gives up quickly.",
                literacy="Reads fluently; writing is short and she avoids it. Let her talk an answer through first.",
                what_works="A practical job as soon as she arrives; being trusted with tools; praise in private.",
                what_to_avoid="Being singled out in front of the group, or raised voices.",
                behaviours_that_challenge="Refuses work and leaves the room when she feels she is being judged.",
                strategies_that_worked="A calm reminder of the choice she has, and five minutes outside with an adult.",
                aptitudes_interests="Hands-on work, design, looking after younger children.",
                transport="Walks from home (15 minutes). Phone her mother if she has not arrived by 09:15.",
                updated_by_id=senco.id,
            ),
            ProviderPack(
                placement=mo,
                send_needs="Autism (EHC plan). Needs warning of any change to the day and a quiet space at breaks.",
                literacy="Working at GCSE grade 3 in English; uses a laptop for longer writing.",
                medical_needs="Epilepsy, well controlled; care plan with the school nurse.",
                what_works="A visual timetable for the day; instructions written down.",
                what_to_avoid="Crowded corridors and sudden noise.",
                aptitudes_interests="Maths, computing, trains.",
                transport="LA transport: minibus pick-up at 08:20.",
                withheld=["medical"],
                updated_by_id=senco.id,
            ),
            ProviderPack(
                placement=zoe, send_needs="Anxiety: gets very worried about new places.", updated_by_id=senco.id
            ),
        ]
    )
