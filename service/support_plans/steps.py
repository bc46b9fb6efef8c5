"""Each step of the support plan's journey as its page sees it: one table, read wherever the step page needs it.

A step's entry says which form it shows, how that form is filled from the plan (``load``), how the answers
typed are read back for ``services.save_answers`` (``save``), and what else "Save and continue" checks
beyond the step's required answers (``check``: the rows of objectives and interventions). Adding a step is
one entry here, one form and one template, not a branch in three chains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forms.support_plans import (
    DEFAULT_ATTENDANCE_ARRANGEMENTS,
    REQUIRED_MESSAGES,
    RISK_ASSESSMENT_MESSAGES,
    STEP_FORMS,
    StepForm,
)
from service.placements.models import Placement
from service.rules.full_time import DeliveredBy, package_check
from service.rules.outcomes import OutcomeArea
from service.rules.plan_requirements import HealthSafetyOutcome, RiskAnswers, risk_assessment_missing
from service.support_plans import services
from service.support_plans.models import SupportPlan

#: What an objective row says: an empty row added and never filled in has none of these.
OBJECTIVE_TEXTS = ("objective", "baseline", "target", "measure")


class Missing:
    """The "this is needed" messages put next to a step's unanswered questions, and whether there were any."""

    def __init__(self) -> None:
        self.found = False

    def need(self, field: Any, message: str) -> None:
        field.errors = [*field.errors, message]
        self.found = True


def _nothing_more(form: Any, missing: Missing) -> None:
    """A step whose required answers are all its checks."""


@dataclass(frozen=True)
class StepPage:
    form: type[StepForm]
    load: Callable[[Placement, SupportPlan | None], dict[str, Any]]
    save: Callable[[Any], dict[str, Any]]
    check: Callable[[Any, Missing], None] = _nothing_more


def _plain(plan: SupportPlan | None, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in names} if plan is not None else {}


def _hours_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _row_has_answers(row: Any, names: tuple[str, ...]) -> bool:
    return any((getattr(row, name).data or "").strip() for name in names)


def form_hours(form: Any) -> list[Decimal]:
    """The hours a week typed in the interventions' rows, leaving out any that is not a number."""
    hours = []
    for entry in form.interventions.entries:
        text = (entry.form.hours_per_week.data or "").strip()
        if text and not entry.form.hours_per_week.errors:
            try:
                hours.append(Decimal(text))
            except ArithmeticError:
                continue
    return hours


def _load_meeting(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    data = _plain(plan, ("planning_meeting_date", "school_rep", "provider_rep", "other_professionals"))
    data["parent_ids"] = list(plan.parent_ids) if plan else [p.id for p in placement.pupil.parents]
    if not data.get("provider_rep"):
        contact = next((c for c in placement.provider.contacts if c.is_placement_contact), None)
        if contact is not None:
            data["provider_rep"] = f"{contact.name}, {contact.role}" if contact.role else contact.name
    return data


def _save_meeting(form: Any) -> dict[str, Any]:
    return {
        "planning_meeting_date": form.planning_meeting_date.data,
        "school_rep": form.school_rep.data or "",
        "provider_rep": form.provider_rep.data or "",
        "parent_ids": list(form.parent_ids.data or []),
        "other_professionals": form.other_professionals.data or "",
    }


def _load_pupil(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    return {"pupil_details_confirmed": bool(plan and plan.pupil_details_confirmed)}


def _save_pupil(form: Any) -> dict[str, Any]:
    return {"pupil_details_confirmed": bool(form.pupil_details_confirmed.data)}


def _load_views(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    return _plain(plan, ("child_views", "parental_views"))


def _save_views(form: Any) -> dict[str, Any]:
    return {"child_views": form.child_views.data or "", "parental_views": form.parental_views.data or ""}


def _load_need(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    data = _plain(plan, ("academic_progress", "risks"))
    if plan is not None and plan.separate_risk_assessment is not None:
        data["separate_risk_assessment"] = "yes" if plan.separate_risk_assessment else "no"
    data["reason_for_referral"] = placement.reason_for_referral
    data.update(_load_risk_assessment(plan))
    return data


def _save_need(form: Any) -> dict[str, Any]:
    risk = form.separate_risk_assessment.data
    return {
        "academic_progress": form.academic_progress.data or "",
        "risks": form.risks.data or "",
        "separate_risk_assessment": {"yes": True, "no": False}.get(risk or ""),
        "reason_for_referral": form.reason_for_referral.data or "",
        **_save_risk_assessment(form),
    }


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _load_risk_assessment(plan: SupportPlan | None) -> dict[str, Any]:
    if plan is None:
        return {}
    return {
        "risks_identified": _yes_no(plan.risks_identified),
        "joint_risk_assessment_date": plan.joint_risk_assessment_date,
        "joint_risk_assessment_by": plan.joint_risk_assessment_by,
        "joint_risk_assessment_attached": _yes_no(plan.joint_risk_assessment_attached),
        "health_safety_check_date": plan.health_safety_check_date,
        "health_safety_outcome": plan.health_safety_outcome.value if plan.health_safety_outcome else None,
    }


def _save_risk_assessment(form: Any) -> dict[str, Any]:
    yes_no = {"yes": True, "no": False}
    return {
        "risks_identified": yes_no.get(form.risks_identified.data or ""),
        "joint_risk_assessment_date": form.joint_risk_assessment_date.data,
        "joint_risk_assessment_by": form.joint_risk_assessment_by.data or "",
        "joint_risk_assessment_attached": yes_no.get(form.joint_risk_assessment_attached.data or ""),
        "health_safety_check_date": form.health_safety_check_date.data,
        "health_safety_outcome": form.health_safety_outcome.data or None,
    }


def _check_need(form: Any, missing: Missing) -> None:
    """When risks are identified: each missing answer of the joint risk assessment and the H&S check, marked."""
    if form.risks_identified.data != "yes":
        return
    outcome = form.health_safety_outcome.data
    answers = RiskAnswers(
        risks_identified=True,
        assessment_date=form.joint_risk_assessment_date.data,
        participants=form.joint_risk_assessment_by.data or "",
        assessment_attached={"yes": True, "no": False}.get(form.joint_risk_assessment_attached.data or ""),
        health_safety_date=form.health_safety_check_date.data,
        health_safety_outcome=HealthSafetyOutcome(outcome) if outcome else None,
    )
    if not risk_assessment_missing(answers):
        return
    for name, message in RISK_ASSESSMENT_MESSAGES.items():
        field = getattr(form, name)
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()):
            missing.need(field, message)


def _load_outcomes(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    return _plain(plan, tuple(f"outcome_{a.value}" for a in OutcomeArea))


def _save_outcomes(form: Any) -> dict[str, Any]:
    return {f"outcome_{a.value}": getattr(form, f"outcome_{a.value}").data or "" for a in OutcomeArea}


def _load_objectives(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    rows = [
        {
            "area": o.area.value if o.area else "",
            "objective": o.objective,
            "baseline": o.baseline,
            "target": o.target,
            "measure": o.measure,
            "due_by": o.due_by,
            "ehcp_outcome": o.ehcp_outcome,
        }
        for o in (plan.objectives if plan else [])
    ]
    return {"objectives": rows or [{}]}


def _save_objectives(form: Any) -> dict[str, Any]:
    rows = []
    for entry in form.objectives.entries:
        row = entry.form
        if not _row_has_answers(row, OBJECTIVE_TEXTS) and row.due_by.data is None:
            continue  # an empty row added and never filled in
        rows.append(
            services.ObjectiveAnswer(
                area=OutcomeArea(row.area.data) if row.area.data else None,
                objective=row.objective.data or "",
                baseline=row.baseline.data or "",
                target=row.target.data or "",
                measure=row.measure.data or "",
                due_by=row.due_by.data,
                ehcp_outcome=row.ehcp_outcome.data or "",
            )
        )
    return {"objectives": rows}


def _check_objectives(form: Any, missing: Missing) -> None:
    """At least one objective, and every objective row with something in it complete."""
    filled = [e for e in form.objectives.entries if _row_has_answers(e.form, OBJECTIVE_TEXTS) or e.form.due_by.data]
    if not filled:
        missing.need(
            form.objectives.entries[0].form.objective, "Add at least one objective: a plan needs a clear purpose"
        )
    for entry in filled:
        row = entry.form
        for name, message in (
            ("objective", "Enter the objective"),
            ("baseline", "Enter the baseline: where the pupil is now"),
            ("target", "Enter the target"),
            ("measure", "Enter how progress will be measured"),
        ):
            if not (getattr(row, name).data or "").strip():
                missing.need(getattr(row, name), message)
        if row.due_by.data is None:
            missing.need(row.due_by, "Enter the date the objective should be met by")


def _load_interventions(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    rows = [
        {
            "intervention_type": i.intervention_type,
            "hours_per_week": _hours_text(i.hours_per_week),
            "delivered_by": i.delivered_by.value,
            "start_date": i.start_date,
        }
        for i in (plan.interventions if plan else [])
    ]
    if not rows and placement.sessions:
        rows = [
            {
                "intervention_type": "",
                "hours_per_week": _hours_text(placement.hours_per_week),
                "delivered_by": DeliveredBy.PROVIDER.value,
                "start_date": placement.planned_start,
            }
        ]
    return {
        "interventions": rows or [{}],
        "part_time_reason": plan.part_time_reason if plan else None,
        "part_time_detail": plan.part_time_detail if plan else "",
        "parents_consulted_on": plan.parents_consulted_on if plan else None,
        "parents_consulted_with": plan.parents_consulted_with if plan else "",
        "hours_difference_reason": plan.hours_difference_reason if plan else "",
    }


def _save_interventions(form: Any) -> dict[str, Any]:
    rows = []
    for entry in form.interventions.entries:
        row = entry.form
        hours = (row.hours_per_week.data or "").strip()
        if not (row.intervention_type.data or "").strip() and not hours and row.start_date.data is None:
            continue
        rows.append(
            services.InterventionAnswer(
                intervention_type=row.intervention_type.data or "",
                hours_per_week=Decimal(hours) if hours else None,
                delivered_by=DeliveredBy(row.delivered_by.data),
                start_date=row.start_date.data,
            )
        )
    return {
        "interventions": rows,
        "part_time_reason": form.part_time_reason.data or None,
        "part_time_detail": form.part_time_detail.data or "",
        "parents_consulted_on": form.parents_consulted_on.data,
        "parents_consulted_with": form.parents_consulted_with.data or "",
        "hours_difference_reason": form.hours_difference_reason.data or "",
    }


def _check_interventions(form: Any, missing: Missing) -> None:
    """At least one intervention, every row with something in it complete, and a reason for a part-time package."""
    filled = [
        e
        for e in form.interventions.entries
        if (e.form.intervention_type.data or "").strip() or (e.form.hours_per_week.data or "").strip()
    ]
    if not filled:
        missing.need(form.interventions.entries[0].form.intervention_type, "Add at least one intervention")
    for entry in filled:
        row = entry.form
        if not (row.intervention_type.data or "").strip():
            missing.need(row.intervention_type, "Enter the intervention type")
        if not (row.hours_per_week.data or "").strip():
            missing.need(row.hours_per_week, "Enter the hours a week")
        if row.start_date.data is None:
            missing.need(row.start_date, "Enter the start date")
    package = package_check(form_hours(form), form.part_time_reason.data or None, form.part_time_detail.data or "")
    if not package.acceptable:
        if not form.part_time_reason.data:
            missing.need(form.part_time_reason, "The package is below full time: select why")
        else:
            missing.need(form.part_time_detail, "Give the details of why the package is below full time")


def _load_arrangements(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    data = _plain(plan, ("school_links", "attendance_arrangements", "agreed_actions", "review_date"))
    if not data.get("attendance_arrangements"):
        data["attendance_arrangements"] = DEFAULT_ATTENDANCE_ARRANGEMENTS
    data["planned_end"] = placement.planned_end
    if plan is not None:
        data["off_site_direction"] = _yes_no(plan.off_site_direction)
        data["off_site_max_weeks"] = "" if plan.off_site_max_weeks is None else str(plan.off_site_max_weeks)
    return data


def _save_arrangements(form: Any) -> dict[str, Any]:
    answers = {
        "school_links": form.school_links.data or "",
        "attendance_arrangements": form.attendance_arrangements.data or "",
        "agreed_actions": form.agreed_actions.data or "",
        "review_date": form.review_date.data,
        **_save_plan_end(form),
    }
    return answers


def _save_plan_end(form: Any) -> dict[str, Any]:
    """The off-site direction (its maximum only with a direction), and the planned end when the page sent it.

    A post without the planned end's boxes leaves the end as it is: only a date typed, or boxes cleared, change it.
    """
    direction = {"yes": True, "no": False}.get(form.off_site_direction.data or "")
    weeks = (form.off_site_max_weeks.data or "").strip()
    answers: dict[str, Any] = {
        "off_site_direction": direction,
        "off_site_max_weeks": int(weeks) if direction and weeks.isdigit() else None,
    }
    if form.planned_end.raw_data is not None:
        answers["planned_end"] = form.planned_end.data
    return answers


def _check_arrangements(form: Any, missing: Missing) -> None:
    """An off-site direction needs its agreed maximum duration."""
    if form.off_site_direction.data == "yes" and not (form.off_site_max_weeks.data or "").strip():
        missing.need(form.off_site_max_weeks, "Enter the maximum duration agreed for the off-site direction")


#: Every step's page, by the slug in its URL (the order of the journey is ``services.STEPS``).
STEP_PAGES: dict[str, StepPage] = {
    "meeting": StepPage(STEP_FORMS["meeting"], _load_meeting, _save_meeting),
    "pupil": StepPage(STEP_FORMS["pupil"], _load_pupil, _save_pupil),
    "views": StepPage(STEP_FORMS["views"], _load_views, _save_views),
    "need": StepPage(STEP_FORMS["need"], _load_need, _save_need, _check_need),
    "outcomes": StepPage(STEP_FORMS["outcomes"], _load_outcomes, _save_outcomes),
    "objectives": StepPage(STEP_FORMS["objectives"], _load_objectives, _save_objectives, _check_objectives),
    "interventions": StepPage(
        STEP_FORMS["interventions"], _load_interventions, _save_interventions, _check_interventions
    ),
    "arrangements": StepPage(STEP_FORMS["arrangements"], _load_arrangements, _save_arrangements, _check_arrangements),
}


def missing_answers(slug: str, form: Any) -> bool:
    """Put "this is needed" messages next to the step's unanswered questions; True when there were any."""
    missing = Missing()
    for name in services.STEP_BY_SLUG[slug].required:
        field = getattr(form, "reason_for_referral" if name == "reason" else name, None)
        if field is None or name in ("objectives", "interventions"):
            continue
        data = field.data
        if data is None or data is False or (isinstance(data, str) and not data.strip()):
            missing.need(field, REQUIRED_MESSAGES["reason_for_referral" if name == "reason" else name])
    STEP_PAGES[slug].check(form, missing)
    return missing.found
