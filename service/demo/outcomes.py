"""Demo outcomes: Kacper's placement has ended with its end recorded, so the summary has a destination and
objectives to count, and his end-of-placement report can be produced from the placement page."""

from __future__ import annotations

from service.demo.world import World
from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome
from service.extensions import db
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason

RATINGS = (ProgressRating.ACHIEVED, ProgressRating.GOOD, ProgressRating.SOME)


def load(world: World) -> None:
    """The end of Kacper's motor vehicle course, recorded by the SENCO (the caller commits)."""
    senco, kacper = world.senco, world.placements["kacper"]
    db.session.flush()
    if kacper.actual_end is None:
        return
    objectives = list(kacper.support_plan.objectives) if kacper.support_plan is not None else []
    db.session.add(
        EndOfPlacement(
            placement=kacper,
            ended_on=kacper.actual_end,
            reason=EndReason.COMPLETED,
            reason_detail="The course ran its planned 22 weeks.",
            accreditation_english="Functional Skills English Entry Level 3",
            accreditation_maths="Functional Skills maths Level 1",
            accreditation_other="IMI Level 1 Award in Introduction to Vehicle Technology",
            behaviour_change="No removals from lessons at school on his workshop days, after six last term.",
            personal_development="Travels to the workshop alone by bus; mentors the new starters in the garage.",
            pupil_assessment="I liked working on real cars. I want to do the college course.",
            destination=Destination.FURTHER_EDUCATION,
            destination_detail="Westshire College, Level 2 motor vehicle, from September.",
            recorded_by_id=senco.id,
            outcomes=[
                ObjectiveOutcome(
                    position=n,
                    objective_text=objective.objective,
                    baseline=objective.baseline,
                    target=objective.target,
                    rating=RATINGS[n % len(RATINGS)],
                    outcome="Met on every workshop day since half term." if n == 0 else "Steady progress, see report.",
                )
                for n, objective in enumerate(objectives)
            ],
        )
    )
