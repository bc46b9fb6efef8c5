"""What a placement is meant to achieve, and how far a pupil got: the outcome areas of the AP Support Plan and the
scale that reviews, progress reports and the end-of-placement report rate each objective on.

Why these are rules and not a feature's columns: the Oxfordshire commissioning guidance names the areas (attendance,
attitude, attainment, behaviour, destination), and the same rating scale runs through every record of progress, from
the first review to the report made when the placement ends; the documents, the forms and the summaries all read them,
so they belong to the domain's vocabulary, below every feature that stores them.
"""

from __future__ import annotations

import enum


class OutcomeArea(enum.StrEnum):
    """The areas of a plan's desired outcomes (the Oxfordshire commissioning guidance: attendance, attitude, attainment,
    behaviour, destination)."""

    ATTENDANCE = "attendance"
    ATTITUDE = "attitude"
    ATTAINMENT = "attainment"
    BEHAVIOUR = "behaviour"
    DESTINATION = "destination"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ProgressRating(enum.StrEnum):
    """How far the pupil has come against one objective, from not started to achieved."""

    NOT_STARTED = "not_started"
    LITTLE = "little"
    SOME = "some"
    GOOD = "good"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "little": "Little or no progress",
            "some": "Some progress",
            "good": "Good progress",
            "achieved": "Achieved",
        }[self.value]
