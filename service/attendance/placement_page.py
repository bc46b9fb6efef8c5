"""The attendance feature's part of the placement page: the attendance so far and the recent weeks' chart."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.attendance import chart, services
from service.auth.models import User
from service.placements.models import Placement
from service.signals import placement_page


@placement_page.connect
def attendance_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    attendance = services.summary_so_far(placement, today)
    return {
        "attendance": attendance,
        "chart": chart.recent_chart(attendance.weeks) if attendance else None,
        "legend": chart.legend(),
        "chart_weeks": chart.RECENT_WEEKS,
    }
