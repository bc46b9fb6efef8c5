"""The AP Support Plan journey: a task list, one page per part of Appendix A, check your answers, agree.

Views are thin: they turn forms into answers and back, and leave every rule to ``services``. Each step
saves what was typed, even when something is missing or wrong elsewhere on the page, so nothing is lost;
"Save and continue" then points at the answers still needed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from forms.support_plans import (
    DEFAULT_ATTENDANCE_ARRANGEMENTS,
    OUTCOME_HINTS,
    REQUIRED_MESSAGES,
    STEP_FORMS,
    AgreeForm,
    OverrideForm,
    StepForm,
)
from service.access import keeps_answers, kept_formdata, roles_required
from service.auth.models import Role
from service.documents import jobs
from service.extensions import db
from service.mail import jobs as mail_jobs
from service.placements.access import placement_or_404
from service.placements.models import Placement
from service.rules.full_time import FULL_TIME_HOURS, PartTimeReason, package_check
from service.support_plans import agreement, services
from service.support_plans.models import DeliveredBy, OutcomeArea, SupportPlan

bp = Blueprint("support_plans", __name__, template_folder="templates")


@bp.route("/placements/<int:placement_id>/plan")
@roles_required(Role.COMMISSIONER)
def task_list(placement_id: int) -> str:
    user, placement = placement_or_404(placement_id)
    db.session.commit()  # the audit record of this view
    plan = placement.support_plan
    return render_template(
        "support_plans/task_list.html",
        placement=placement,
        plan=plan,
        steps=services.STEPS,
        states=services.step_states(plan, placement),
        editable=placement.status in services.EDITABLE_STATUSES,
    )


@bp.route("/placements/<int:placement_id>/plan/check", methods=["GET"])
@roles_required(Role.COMMISSIONER)
def check_answers(placement_id: int) -> str:
    user, placement = placement_or_404(placement_id)
    db.session.commit()
    return _check_page(placement, OverrideForm(formdata=None), AgreeForm(formdata=None))


def _check_page(placement: Placement, override_form: OverrideForm, agree_form: AgreeForm, status: int = 200) -> Any:
    today = date.today()
    checks = agreement.agreement_checks(placement, today)
    plan = placement.support_plan
    return (
        render_template(
            "support_plans/check.html",
            placement=placement,
            plan=plan,
            checks=checks,
            blockers=agreement.blockers(checks),
            steps=services.STEPS,
            parents=_parents_taking_part(placement, plan),
            hours=services.hours_by_setting(plan),
            part_time_label=PartTimeReason(plan.part_time_reason).label if plan and plan.part_time_reason else "",
            outcome_areas=list(OutcomeArea),
            override_form=override_form,
            form=override_form if override_form.errors else agree_form,
            agree_form=agree_form,
            editable=placement.status in services.EDITABLE_STATUSES,
            today=today,
        ),
        status,
    )


@bp.route("/placements/<int:placement_id>/plan/override", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def record_override(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            agreement.record_registration_override(user, placement, form.override_reason.data or "")
        except services.PlanError as error:
            db.session.rollback()
            form.override_reason.errors = [error.message]
        else:
            db.session.commit()
            flash("Override recorded with your name.", "success")
            return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    return _check_page(placement, form, AgreeForm(formdata=None), 400)


@bp.route("/placements/<int:placement_id>/plan/agree", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def agree(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    form = AgreeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        document = agreement.agree_plan(user, placement, Path(current_app.config["APDOCS_OUTPUT_DIR"]))
    except services.PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    to_parents = services.send_plan_to_parents(user, placement, document)
    db.session.commit()
    jobs.enqueue_produce(document.id)  # only after the commit: the worker must find the row
    for message in to_parents:
        mail_jobs.enqueue_delivery(message.id)  # each waits for the PDF
    if to_parents:
        sent = f"It will be emailed to {len(to_parents)} parent{'s or carers' if len(to_parents) > 1 else ' or carer'}."
    else:
        sent = "No parent or carer with parental responsibility has an email address: give them a copy yourself."
    flash(f"The plan is agreed. The AP Support Plan is being produced. {sent}", "success")
    return redirect(url_for("placements.show_placement", placement_id=placement_id) + "#documents")


@bp.route("/placements/<int:placement_id>/plan/<step>", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER)
def edit_step(placement_id: int, step: str) -> Any:
    if step not in services.STEP_BY_SLUG:
        abort(404)
    user, placement = placement_or_404(placement_id, audited=request.method == "GET")
    if placement.status not in services.EDITABLE_STATUSES:
        flash(f"The plan cannot be changed: the placement is {placement.status.label.lower()}.", "error")
        return redirect(url_for("support_plans.task_list", placement_id=placement_id))
    spec = services.STEP_BY_SLUG[step]
    form_class = STEP_FORMS[step]
    plan = placement.support_plan
    if request.method == "GET":
        kept = kept_formdata()
        db.session.commit()  # the audit record of this view, and kept answers handed back
        form = form_class(formdata=kept) if kept else form_class(formdata=None, data=_initial(step, placement, plan))
        return _step_page(placement, spec, form)

    form = form_class()
    _set_choices(form, placement)
    if _row_button(form):
        return _step_page(placement, spec, form)
    if not form.validate_on_submit():
        return _step_page(placement, spec, form, 400)
    try:
        services.save_answers(user, placement, spec, _answers(step, form))
    except services.PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("support_plans.task_list", placement_id=placement_id))
    db.session.commit()
    if form.save_draft.data:
        flash(f"{spec.title} saved as a draft.", "success")
        return redirect(url_for("support_plans.task_list", placement_id=placement_id))
    if _missing_answers(step, form, placement):
        return _step_page(placement, spec, form, 400, saved=True)
    following = _next_step(step)
    if following is None:
        return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    return redirect(url_for("support_plans.edit_step", placement_id=placement_id, step=following))


def _step_page(
    placement: Placement, spec: services.Step, form: StepForm, status: int = 200, saved: bool = False
) -> Any:
    _set_choices(form, placement)
    index = [s.slug for s in services.STEPS].index(spec.slug)
    extra: dict[str, Any] = {}
    if spec.slug == "interventions":
        extra["package"] = package_check(
            _form_hours(form), form.part_time_reason.data or None, form.part_time_detail.data or ""
        )
        extra["full_time_hours"] = FULL_TIME_HOURS
        extra["timetable_hours"] = placement.hours_per_week
    if spec.slug == "arrangements":
        extra["latest_first_review_date"] = services.latest_first_review_date(placement)
    return (
        render_template(
            f"support_plans/step_{spec.slug}.html",
            placement=placement,
            pupil=placement.pupil,
            step=spec,
            number=index + 1,
            total=len(services.STEPS),
            form=form,
            saved=saved,
            outcome_hints=OUTCOME_HINTS,
            today=date.today(),
            **extra,
        ),
        status,
    )


def _next_step(step: str) -> str | None:
    slugs = [s.slug for s in services.STEPS]
    index = slugs.index(step)
    return slugs[index + 1] if index + 1 < len(slugs) else None


def _set_choices(form: StepForm, placement: Placement) -> None:
    if hasattr(form, "parent_ids"):
        form.parent_ids.choices = [(parent.id, _parent_label(parent)) for parent in placement.pupil.parents]


def _parent_label(parent: Any) -> str:
    return f"{parent.name} ({parent.relationship_to_pupil})" if parent.relationship_to_pupil else parent.name


def _row_button(form: StepForm) -> bool:
    """Add or remove a row without saving: the page comes back with every typed answer in place."""
    for name, add in (("objectives", "add_objective"), ("interventions", "add_intervention")):
        rows = getattr(form, name, None)
        if rows is None:
            continue
        if getattr(form, add).data and len(rows.entries) < rows.max_entries:
            rows.append_entry()
            return True
        for key in request.form:
            prefix = f"remove_{name}-"
            if key.startswith(prefix) and key.removeprefix(prefix).isdigit():
                index = int(key.removeprefix(prefix))
                if 0 <= index < len(rows.entries) and len(rows.entries) > 1:
                    rows.entries.pop(index)
                    for position, entry in enumerate(rows.entries):  # renumber so the next post lines up
                        _rename(entry, f"{name}-{position}")
                return True
    return False


def _rename(entry: Any, prefix: str) -> None:
    entry.id = entry.name = prefix
    for field in entry.form:
        suffix = field.short_name
        field.id = field.name = f"{prefix}-{suffix}"


def _initial(step: str, placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    if step == "need":
        data = _plain(plan, ("academic_progress", "risks"))
        if plan is not None and plan.separate_risk_assessment is not None:
            data["separate_risk_assessment"] = "yes" if plan.separate_risk_assessment else "no"
        data["reason_for_referral"] = placement.reason_for_referral
        return data
    if step == "meeting":
        data = _plain(plan, ("planning_meeting_date", "school_rep", "provider_rep", "other_professionals"))
        data["parent_ids"] = list(plan.parent_ids) if plan else [p.id for p in placement.pupil.parents]
        if not data.get("provider_rep"):
            contact = next((c for c in placement.provider.contacts if c.is_placement_contact), None)
            if contact is not None:
                data["provider_rep"] = f"{contact.name}, {contact.role}" if contact.role else contact.name
        return data
    if step == "pupil":
        return {"pupil_details_confirmed": bool(plan and plan.pupil_details_confirmed)}
    if step == "views":
        return _plain(plan, ("child_views", "parental_views"))
    if step == "outcomes":
        return _plain(plan, tuple(f"outcome_{a.value}" for a in OutcomeArea))
    if step == "objectives":
        rows = [
            {
                "area": o.area.value if o.area else "",
                "objective": o.objective,
                "baseline": o.baseline,
                "target": o.target,
                "measure": o.measure,
                "due_by": o.due_by,
            }
            for o in (plan.objectives if plan else [])
        ]
        return {"objectives": rows or [{}]}
    if step == "interventions":
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
        }
    if step == "arrangements":
        data = _plain(plan, ("school_links", "attendance_arrangements", "agreed_actions", "review_date"))
        if not data.get("attendance_arrangements"):
            data["attendance_arrangements"] = DEFAULT_ATTENDANCE_ARRANGEMENTS
        return data
    raise KeyError(step)


def _plain(plan: SupportPlan | None, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in names} if plan is not None else {}


def _hours_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _answers(step: str, form: Any) -> dict[str, Any]:
    if step == "meeting":
        return {
            "planning_meeting_date": form.planning_meeting_date.data,
            "school_rep": form.school_rep.data or "",
            "provider_rep": form.provider_rep.data or "",
            "parent_ids": list(form.parent_ids.data or []),
            "other_professionals": form.other_professionals.data or "",
        }
    if step == "pupil":
        return {"pupil_details_confirmed": bool(form.pupil_details_confirmed.data)}
    if step == "views":
        return {"child_views": form.child_views.data or "", "parental_views": form.parental_views.data or ""}
    if step == "need":
        risk = form.separate_risk_assessment.data
        return {
            "academic_progress": form.academic_progress.data or "",
            "risks": form.risks.data or "",
            "separate_risk_assessment": {"yes": True, "no": False}.get(risk or ""),
            "reason_for_referral": form.reason_for_referral.data or "",
        }
    if step == "outcomes":
        return {f"outcome_{a.value}": getattr(form, f"outcome_{a.value}").data or "" for a in OutcomeArea}
    if step == "objectives":
        rows = []
        for entry in form.objectives.entries:
            row = entry.form
            if not _row_has_answers(row, ("objective", "baseline", "target", "measure")) and row.due_by.data is None:
                continue  # an empty row added and never filled in
            rows.append(
                services.ObjectiveAnswer(
                    area=OutcomeArea(row.area.data) if row.area.data else None,
                    objective=row.objective.data or "",
                    baseline=row.baseline.data or "",
                    target=row.target.data or "",
                    measure=row.measure.data or "",
                    due_by=row.due_by.data,
                )
            )
        return {"objectives": rows}
    if step == "interventions":
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
        }
    if step == "arrangements":
        return {
            "school_links": form.school_links.data or "",
            "attendance_arrangements": form.attendance_arrangements.data or "",
            "agreed_actions": form.agreed_actions.data or "",
            "review_date": form.review_date.data,
        }
    raise KeyError(step)


def _row_has_answers(row: Any, names: tuple[str, ...]) -> bool:
    return any((getattr(row, name).data or "").strip() for name in names)


def _form_hours(form: Any) -> list[Decimal]:
    hours = []
    for entry in form.interventions.entries:
        text = (entry.form.hours_per_week.data or "").strip()
        if text and not entry.form.hours_per_week.errors:
            try:
                hours.append(Decimal(text))
            except ArithmeticError:
                continue
    return hours


def _missing_answers(step: str, form: Any, placement: Placement) -> bool:
    """Put "this is needed" messages next to the step's unanswered questions; True when there were any."""
    missing = False

    def need(field: Any, message: str) -> None:
        nonlocal missing
        field.errors = [*field.errors, message]
        missing = True

    for name in services.STEP_BY_SLUG[step].required:
        field = getattr(form, "reason_for_referral" if name == "reason" else name, None)
        if field is None or name in ("objectives", "interventions"):
            continue
        data = field.data
        if data is None or data is False or (isinstance(data, str) and not data.strip()):
            need(field, REQUIRED_MESSAGES["reason_for_referral" if name == "reason" else name])
    if step == "objectives":
        filled = [
            e
            for e in form.objectives.entries
            if _row_has_answers(e.form, ("objective", "baseline", "target", "measure")) or e.form.due_by.data
        ]
        if not filled:
            need(form.objectives.entries[0].form.objective, "Add at least one objective: a plan needs a clear purpose")
        for entry in filled:
            row = entry.form
            for name, message in (
                ("objective", "Enter the objective"),
                ("baseline", "Enter the baseline: where the pupil is now"),
                ("target", "Enter the target"),
                ("measure", "Enter how progress will be measured"),
            ):
                if not (getattr(row, name).data or "").strip():
                    need(getattr(row, name), message)
            if row.due_by.data is None:
                need(row.due_by, "Enter the date the objective should be met by")
    if step == "interventions":
        filled = [
            e
            for e in form.interventions.entries
            if (e.form.intervention_type.data or "").strip() or (e.form.hours_per_week.data or "").strip()
        ]
        if not filled:
            need(form.interventions.entries[0].form.intervention_type, "Add at least one intervention")
        for entry in filled:
            row = entry.form
            if not (row.intervention_type.data or "").strip():
                need(row.intervention_type, "Enter the intervention type")
            if not (row.hours_per_week.data or "").strip():
                need(row.hours_per_week, "Enter the hours a week")
            if row.start_date.data is None:
                need(row.start_date, "Enter the start date")
        package = package_check(_form_hours(form), form.part_time_reason.data or None, form.part_time_detail.data or "")
        if not package.acceptable:
            if not form.part_time_reason.data:
                need(form.part_time_reason, "The package is below full time: select why")
            else:
                need(form.part_time_detail, "Give the details of why the package is below full time")
    return missing


def _parents_taking_part(placement: Placement, plan: SupportPlan | None) -> list[Any]:
    ids = set(plan.parent_ids) if plan else set()
    return [parent for parent in placement.pupil.parents if parent.id in ids]
