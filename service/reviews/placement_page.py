"""The reviews' part of the placement page: why a review cannot be recorded yet, and when the next is due."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.placements.models import Placement
from service.reviews import services
from service.signals import placement_page


@placement_page.connect
def reviews_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    return {
        "not_reviewable": services.why_not_reviewable(placement),
        "review_due": services.review_due(placement) if placement.status in services.REVIEWABLE_STATUSES else None,
    }
