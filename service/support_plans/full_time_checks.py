"""The full-time checks before a plan is agreed: the week covered day by day, and the interventions against the
timetable.

Why a module of its own: the same two judgements are made on the check page, by ``agree_plan``, on the dashboard
and in the plan's documents, so they are computed from a placement in one place (``service.rules.full_time`` holds
the rules themselves; this module only feeds them the placement's timetable, its organisation's school day and the
plan's answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from service.placements.models import Placement
from service.rules.full_time import (
    DayCheck,
    DeliveredBy,
    HoursCheck,
    ParentsConsulted,
    TimetableSession,
    day_check,
    hours_check,
)
from service.rules.hours import weekly_hours
from service.support_plans.checks import Check, Severity
from service.support_plans.models import SupportPlan


def package_by_day(
    placement: Placement, plan: SupportPlan | None, timetable: Sequence[TimetableSession] | None = None
) -> DayCheck:
    """The placement's week, in every setting, against its organisation's normal school day, with the plan's
    reason for a shorter day. ``timetable``: the week as plain values, when the caller has it already (the
    dashboard, for every placement, without loading each session)."""
    organisation = placement.commissioning_organisation
    return day_check(
        placement.timetable if timetable is None else timetable,
        plan.part_time_reason if plan else None,
        plan.part_time_detail if plan else "",
        ParentsConsulted(plan.parents_consulted_on, plan.parents_consulted_with) if plan else None,
        day_starts=organisation.school_day_starts,
        day_ends=organisation.school_day_ends,
    )


def interventions_against_timetable(placement: Placement, plan: SupportPlan | None) -> HoursCheck:
    """The plan's interventions, setting by setting, against the placement's timetable."""
    interventions = [
        (i.delivered_by, Decimal(i.hours_per_week))
        for i in (plan.interventions if plan else [])
        if i.hours_per_week is not None
    ]
    return hours_check(placement.timetable, interventions, plan.hours_difference_reason if plan else "")


def full_time_checks(placement: Placement) -> list[Check]:
    """BLOCK when a school day is not covered with no accepted reason (or the intensive-package reason without the
    parents' consultation), and when the interventions and the timetable disagree with no reason."""
    plan = placement.support_plan
    days = package_by_day(placement, plan)
    hours = interventions_against_timetable(placement, plan)
    return [
        Check(
            "full_time",
            "Full-time education, day by day",
            Severity.OK if days.acceptable else Severity.BLOCKER,
            days.message,
            "interventions",
        ),
        Check(
            "timetable_hours",
            "Interventions and the timetable",
            Severity.OK if hours.acceptable else Severity.BLOCKER,
            hours.message,
            "interventions",
        ),
    ]


def step_summary(placement: Placement, form: Any) -> dict[str, Any]:
    """What the interventions step shows above its questions, from what is typed on it now: the week day by day
    with the reason as answered, the interventions against the timetable, and the timetable by setting."""
    organisation = placement.commissioning_organisation
    days = day_check(
        placement.timetable,
        form.part_time_reason.data or None,
        form.part_time_detail.data or "",
        ParentsConsulted(form.parents_consulted_on.data, form.parents_consulted_with.data or ""),
        day_starts=organisation.school_day_starts,
        day_ends=organisation.school_day_ends,
    )
    typed = []
    for entry in form.interventions.entries:
        text = (entry.form.hours_per_week.data or "").strip()
        if text and not entry.form.hours_per_week.errors:
            try:
                typed.append((DeliveredBy(entry.form.delivered_by.data), weekly_hours(Decimal(text))))
            except (ArithmeticError, ValueError):
                continue
    hours = hours_check(placement.timetable, typed, form.hours_difference_reason.data or "")
    return {
        "package": days,
        "timetable_hours": hours,
        "school_day": f"{organisation.school_day_starts:%H:%M} to {organisation.school_day_ends:%H:%M}",
    }
