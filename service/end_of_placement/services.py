"""Ending a placement: the record, the placement moved to ended, the end-of-placement report queued.

Why one step: a placement that ends without saying what it achieved and where the pupil goes next is
exactly what the 2024 Ofsted/CQC review found. So a placement is ended only by recording its end (as it is
agreed only by agreeing its plan), and the report is produced from that record at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from service.audit import services as audit
from service.auth.models import User
from service.documents import services as documents
from service.documents.models import Document
from service.documents.types import DocumentType
from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome
from service.errors import FieldError
from service.extensions import db
from service.la_notices import services as la_notices
from service.la_notices.models import LaEvent
from service.placements import services as placements
from service.placements.models import Placement
from service.rules.destination import NeetFollowUp, destination_problems
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason
from service.rules.placement_status import PlacementStatus, can_transition
from service.rules.school_age import age_on

#: The request token's action for "End the placement" (``documents.earlier_request``).
END_ACTION = "end_placement"


@dataclass(frozen=True)
class OutcomeAnswer:
    objective_id: int
    rating: ProgressRating
    outcome: str


@dataclass(frozen=True)
class EndDetails:
    ended_on: date
    reason: str
    reason_detail: str = ""
    accreditation_english: str = ""
    accreditation_maths: str = ""
    accreditation_other: str = ""
    behaviour_change: str = ""
    personal_development: str = ""
    pupil_assessment: str = ""
    destination: str | None = None
    destination_detail: str = ""
    neet_confirmed: bool = False
    neet_follow_up: str = ""
    neet_follow_up_on: date | None = None
    outcomes: list[OutcomeAnswer] = field(default_factory=list)


class FieldErrors(Exception):
    """Several answers to fix at once; ``problems`` maps each form field to the message to show next to it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def why_not_endable(placement: Placement) -> str:
    if placement.end_of_placement is not None or placement.status is PlacementStatus.ENDED:
        return "This placement has ended already."
    if not can_transition(placement.status, PlacementStatus.ENDED):
        return f"A placement that is {placement.status.label.lower()} cannot be ended: start it first, or cancel it."
    return ""


def end_placement(
    user: User, placement: Placement, details: EndDetails, output_dir: Path, today: date | None = None
) -> Document | None:
    """Record the end, move the placement to ended on that day, and queue the report (returned, to enqueue
    after the commit). Raises FieldError naming the field to fix, or FieldErrors naming each destination answer to
    fix (``rules.destination``: a Year 11 pupil's destination, the detail of "something else", and for a pupil
    under 18 with none the confirmation and follow-up); nothing is saved then."""
    today = today or date.today()
    # Two ends at once (a double click, two web processes) would both find it not ended yet and record two ends:
    # wait for the other, then read the placement as it left it.
    documents.hold_placement(placement.id)
    db.session.expire(placement)
    reason = why_not_endable(placement)
    if reason:
        raise FieldError("ended_on", reason)
    if details.ended_on > today:
        raise FieldError("ended_on", "The last day must be today or in the past: end the placement on its last day")
    started = placement.actual_start or placement.planned_start
    if details.ended_on < started:
        raise FieldError("ended_on", "The last day must be on or after the placement started")
    pupil = placement.pupil
    problems = destination_problems(
        year_group=pupil.year_group_on(details.ended_on),
        age=age_on(pupil.date_of_birth, details.ended_on),
        destination=details.destination,
        detail=details.destination_detail,
        follow_up=NeetFollowUp(details.neet_confirmed, details.neet_follow_up, details.neet_follow_up_on),
    )
    if problems:
        raise FieldErrors(problems)
    neet = details.destination == Destination.NEET
    objectives = {o.id: o for o in (placement.support_plan.objectives if placement.support_plan else [])}
    record = EndOfPlacement(
        placement_id=placement.id,
        ended_on=details.ended_on,
        reason=EndReason(details.reason),
        reason_detail=details.reason_detail,
        accreditation_english=details.accreditation_english,
        accreditation_maths=details.accreditation_maths,
        accreditation_other=details.accreditation_other,
        behaviour_change=details.behaviour_change,
        personal_development=details.personal_development,
        pupil_assessment=details.pupil_assessment,
        destination=Destination(details.destination) if details.destination else None,
        destination_detail=details.destination_detail,
        # Kept only with a NEET destination: a confirmation left ticked for another destination means nothing.
        neet_confirmed=neet and details.neet_confirmed,
        neet_follow_up=details.neet_follow_up.strip() if neet else "",
        neet_follow_up_on=details.neet_follow_up_on if neet else None,
        recorded_by_id=user.id,
    )
    for n, answer in enumerate(details.outcomes):
        objective = objectives.get(answer.objective_id)
        if objective is None:
            raise FieldError("outcomes", "The plan's objectives changed while you were writing: reload the page")
        record.outcomes.append(
            ObjectiveOutcome(
                position=n,
                objective_text=objective.objective,
                baseline=objective.baseline,
                target=objective.target,
                rating=answer.rating,
                outcome=answer.outcome,
            )
        )
    db.session.add(record)
    placement.end_of_placement = record
    placements.change_status(user, placement, PlacementStatus.ENDED, "Ended: " + record.reason.label, details.ended_on)
    audit.record(
        "end",
        "placement",
        placement.id,
        user,
        {"reason": record.reason.value, "destination": record.destination.value if record.destination else None},
    )
    la_notices.tell_local_authority(user, placement, LaEvent.ENDED)  # emailed after the caller's commit
    db.session.flush()
    if DocumentType.END_OF_PLACEMENT_REPORT not in documents.context_builders():
        return None
    return documents.request_document(user, placement, DocumentType.END_OF_PLACEMENT_REPORT, output_dir)
