"""Why a placement ended and where the pupil went next: the answers the end-of-placement record gives.

Why these are rules and not the record's columns alone: the Oxfordshire commissioning guidance asks the end of a
placement to report both, the end-of-placement report and the local authority's summaries count them, and the
destination decides whether a Year 11 pupil may leave at all (``rules.destination``); they are the domain's
vocabulary, read by the documents and the summaries below the feature that stores them.
"""

from __future__ import annotations

import enum


class EndReason(enum.StrEnum):
    """Why the placement ended."""

    COMPLETED = "completed"
    REINTEGRATED_EARLY = "reintegrated_early"
    MOVED_PROVISION = "moved_provision"
    BREAKDOWN = "breakdown"
    LEFT_AREA = "left_area"
    MEDICAL = "medical"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "completed": "Completed as planned",
            "reintegrated_early": "Returned to school earlier than planned",
            "moved_provision": "Moved to another provision",
            "breakdown": "The placement broke down",
            "left_area": "The pupil moved out of the area",
            "medical": "Medical reasons",
            "other": "Another reason",
        }[self.value]


class Destination(enum.StrEnum):
    """Where the pupil goes next, in education, training or employment, or (recorded, never silently) none."""

    REINTEGRATION = "reintegration"
    ANOTHER_SCHOOL = "another_school"
    FURTHER_EDUCATION = "further_education"
    TRAINING = "training"
    EMPLOYMENT = "employment"
    OTHER = "other"  # needs its detail (``rules.destination``)
    NEET = "neet"  # under 18: never without the commissioner's confirmation and follow-up (``rules.destination``)

    @property
    def label(self) -> str:
        return {
            "reintegration": "Back to their school full time",
            "another_school": "Another school",
            "further_education": "Further education (college or sixth form)",
            "training": "Training or an apprenticeship",
            "employment": "Employment with training",
            "other": "Something else",
            "neet": "Not in education, employment or training (NEET)",
        }[self.value]
