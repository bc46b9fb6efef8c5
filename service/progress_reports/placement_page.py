"""The progress reports' part of the placement page: each term's report, due, started or sent."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.placements.models import Placement
from service.progress_reports import schedule
from service.signals import placement_page


@placement_page.connect
def progress_reports_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    return {"progress_reports": schedule.section_for(placement, today)}
