"""The AP Support Plan journey: a task list, one page per part of Appendix A, check your answers, agree.

Views are thin: they turn forms into answers and back, and leave every rule to ``services``. Each step
saves what was typed, even when something is missing or wrong elsewhere on the page, so nothing is lost;
"Save and continue" then points at the answers still needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from forms.support_plans import (
    OUTCOME_HINTS,
    AgreeForm,
    DesktopReviewForm,
    OverrideForm,
    StepForm,
)
from service.access import keeps_answers, roles_required
from service.auth.kept_answers import kept_formdata
from service.auth.models import User
from service.documents import services as documents
from service.documents.jobs import produce_document
from service.extensions import db
from service.mail.jobs import deliver_message
from service.placements.access import placement_or_404
from service.placements.models import Placement
from service.providers.models import ApprovedListStatus
from service.queue import enqueue_after_commit
from service.rules.full_time import PartTimeReason
from service.rules.outcomes import OutcomeArea
from service.rules.roles import Role
from service.support_plans import agreement, full_time_checks, overrides, services
from service.support_plans.checks import Check, Severity
from service.support_plans.models import SupportPlan
from service.support_plans.steps import STEP_PAGES, missing_answers

bp = Blueprint("support_plans", __name__, template_folder="templates")

#: The request token's action for "Agree the plan" (``documents.earlier_request``): clicked twice, it agrees once.
AGREE_ACTION = "agree_plan"


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
    return _check_page(user, placement, OverrideForm(formdata=None), AgreeForm(formdata=None))


def _check_page(
    user: User,
    placement: Placement,
    override_form: OverrideForm,
    agree_form: AgreeForm,
    status: int = 200,
    review_form: DesktopReviewForm | None = None,
) -> Any:
    today = date.today()
    checks = agreement.agreement_checks(placement, today)
    plan = placement.support_plan
    overridable = [check for check in checks if check.overridable and check.severity is Severity.BLOCKER]
    _override_choices(override_form, overridable)
    review = overrides.desktop_review_of(placement)
    if review_form is None:
        review_form = DesktopReviewForm(formdata=None, obj=review)
    failed = next((f for f in (override_form, review_form) if f.errors), None)
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
            overridable=overridable,
            senior_leader=overrides.is_senior_leader(user),
            overrides=placement.plan_overrides,
            review_form=review_form,
            desktop_review=review,
            on_approved_list=placement.provider.approved_list_status is ApprovedListStatus.APPROVED,
            form=failed or agree_form,
            agree_form=agree_form,
            request_token=documents.new_request_token(),
            editable=placement.status in services.EDITABLE_STATUSES,
            today=today,
        ),
        status,
    )


@bp.route("/placements/<int:placement_id>/plan/override", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def record_override(placement_id: int) -> Any:
    """A senior leader overrides one blocking check; anyone else is refused (403) whatever they post."""
    user, placement = placement_or_404(placement_id, audited=False)
    if not overrides.is_senior_leader(user):
        abort(403)
    checks = agreement.agreement_checks(placement, date.today())
    form = OverrideForm()
    _override_choices(form, [c for c in checks if c.overridable and c.severity is Severity.BLOCKER])
    if form.validate_on_submit():
        check = next(c for c in checks if c.key == form.check.data)
        try:
            overrides.record_override(
                user,
                placement,
                check,
                form.override_reason.data or "",
                form.reported_on.data,
                form.reported_by.data or "",
            )
        except services.PlanError as error:
            db.session.rollback()
            field = getattr(form, error.field, form.override_reason)
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash(f"“{check.title}” overridden, with your name and reason.", "success")
            return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    return _check_page(user, placement, form, AgreeForm(formdata=None), 400)


@bp.route("/placements/<int:placement_id>/plan/desktop-review", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def record_desktop_review(placement_id: int) -> Any:
    """Record the desk-top review of an unlisted provider and its report to the Virtual AP Headteacher."""
    user, placement = placement_or_404(placement_id, audited=False)
    form = DesktopReviewForm()
    if form.validate_on_submit():
        try:
            overrides.record_desktop_review(
                user,
                placement,
                form.reviewed_on.data,
                form.reviewed_by.data or "",
                form.reported_on.data,
                form.reported_by.data or "",
            )
        except services.PlanError as error:
            db.session.rollback()
            field = getattr(form, error.field)
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash("Desk-top review and report recorded.", "success")
            return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    return _check_page(user, placement, OverrideForm(formdata=None), AgreeForm(formdata=None), 400, review_form=form)


def _override_choices(form: OverrideForm, overridable: list[Check]) -> None:
    """The checks a senior leader may override now: the blockers that allow it."""
    form.check.choices = [(check.key, check.title) for check in overridable]


@bp.route("/placements/<int:placement_id>/plan/agree", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def agree(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    form = AgreeForm()
    if not form.validate_on_submit():
        abort(400)
    token = request.form.get("request_token")
    earlier = documents.earlier_request(token, AGREE_ACTION, placement)
    if earlier is not None and earlier.document is not None:  # "Agree" clicked twice: the first click agreed it
        db.session.commit()
        flash(f"The plan is agreed. {earlier.document.title} is being produced.", "success")
        return redirect(url_for("placements.show_placement", placement_id=placement_id) + "#documents")
    try:
        document = agreement.agree_plan(user, placement, Path(current_app.config["APDOCS_OUTPUT_DIR"]))
    except services.PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    documents.record_request(token, AGREE_ACTION, user, placement, document)
    to_parents = services.send_plan_to_parents(user, placement, document)
    enqueue_after_commit(produce_document, document.id)
    for message in to_parents:
        enqueue_after_commit(deliver_message, message.id)  # each waits for the PDF
    db.session.commit()
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
    page = STEP_PAGES[step]
    plan = placement.support_plan
    if request.method == "GET":
        kept = kept_formdata()
        db.session.commit()  # the audit record of this view, and kept answers handed back
        form = page.form(formdata=kept) if kept else page.form(formdata=None, data=page.load(placement, plan))
        return _step_page(placement, spec, form)

    form = page.form()
    _set_choices(form, placement)
    change = _row_button(form)
    if change is not None:
        return _step_page(placement, spec, form, new_row=change.added)
    if not form.validate_on_submit():
        return _step_page(placement, spec, form, 400)
    try:
        services.save_answers(user, placement, spec, page.save(form))
    except services.PlanError as error:
        db.session.rollback()
        field = getattr(form, error.field, None)
        if field is not None:  # an answer on this page the rules refuse: say so next to it, keep what was typed
            field.errors = [*field.errors, error.message]
            return _step_page(placement, spec, form, 400)
        flash(error.message, "error")
        return redirect(url_for("support_plans.task_list", placement_id=placement_id))
    db.session.commit()
    if form.save_draft.data:
        flash(f"{spec.title} saved as a draft.", "success")
        return redirect(url_for("support_plans.task_list", placement_id=placement_id))
    if missing_answers(step, form):
        return _step_page(placement, spec, form, 400, saved=True)
    following = _next_step(step)
    if following is None:
        return redirect(url_for("support_plans.check_answers", placement_id=placement_id))
    return redirect(url_for("support_plans.edit_step", placement_id=placement_id, step=following))


def _step_page(
    placement: Placement,
    spec: services.Step,
    form: StepForm,
    status: int = 200,
    saved: bool = False,
    new_row: int | None = None,
) -> Any:
    """One step's page. ``new_row`` is the index of a row just added: its first box has ``autofocus``, so the
    browser scrolls to it and puts focus in it, and the user is back at the row they added rather than at the top
    of the page, without JavaScript. (Not a ``#fragment`` as well: a page whose address has a fragment ignores
    ``autofocus``.)"""
    _set_choices(form, placement)
    index = [s.slug for s in services.STEPS].index(spec.slug)
    extra: dict[str, Any] = {}
    if spec.slug == "interventions":
        extra.update(full_time_checks.step_summary(placement, form))
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
            new_row=new_row,
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


@dataclass(frozen=True)
class RowChange:
    """A row added or removed by its button, without saving; ``added`` is the new row's index when one was added."""

    added: int | None = None


def _row_button(form: StepForm) -> RowChange | None:
    """Add or remove a row without saving: the page comes back with every typed answer in place."""
    for name, add in (("objectives", "add_objective"), ("interventions", "add_intervention")):
        rows = getattr(form, name, None)
        if rows is None:
            continue
        if getattr(form, add).data and len(rows.entries) < rows.max_entries:
            rows.append_entry()
            return RowChange(added=len(rows.entries) - 1)
        for key in request.form:
            prefix = f"remove_{name}-"
            if key.startswith(prefix) and key.removeprefix(prefix).isdigit():
                index = int(key.removeprefix(prefix))
                if 0 <= index < len(rows.entries) and len(rows.entries) > 1:
                    rows.entries.pop(index)
                    for position, entry in enumerate(rows.entries):  # renumber so the next post lines up
                        _rename(entry, f"{name}-{position}")
                return RowChange()
    return None


def _rename(entry: Any, prefix: str) -> None:
    entry.id = entry.name = prefix
    for field in entry.form:
        suffix = field.short_name
        field.id = field.name = f"{prefix}-{suffix}"


def _parents_taking_part(placement: Placement, plan: SupportPlan | None) -> list[Any]:
    ids = set(plan.parent_ids) if plan else set()
    return [parent for parent in placement.pupil.parents if parent.id in ids]
