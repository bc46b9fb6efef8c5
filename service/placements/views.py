"""Placement screens: start one, see it with its history, move it through its lifecycle."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forms.placements import PlacementForm, RegisterAndCensusForm, StatusChangeForm, parse_time
from service.access import current, roles_required
from service.errors import FieldError
from service.extensions import db
from service.placements import registration_details, services
from service.placements.access import placement_or_404
from service.placements.models import Weekday
from service.rules.decision import Circumstance, label_without_sen, who_decides
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus, allowed_transitions
from service.rules.roles import Role
from service.signals import placement_page

bp = Blueprint("placements", __name__, template_folder="templates")


@bp.route("/placements/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_placement() -> Response | str:
    user = current()
    form = PlacementForm()
    pupils, providers = services.placement_choices(user)
    form.pupil_id.choices = [(0, "Select a pupil")] + [
        (p.id, f"{p.display_name} ({p.upn or 'no UPN'})") for p in pupils
    ]
    form.provider_id.choices = [(0, "Select a provider")] + [(p.id, p.name) for p in providers]
    form.census_reason.choices = registration_details.census_reason_choices(user.organisation.kind)
    if request.method == "GET" and request.args.get("pupil_id", "").isdigit():
        form.pupil_id.data = int(request.args["pupil_id"])

    if request.method == "POST":
        removed = _removed_session_index()
        if form.add_session.data:
            form.sessions.append_entry()
            return render_template("placements/new.html", form=form)
        if removed is not None and len(form.sessions.entries) > 1:
            form.sessions.entries.pop(removed)
            return render_template("placements/new.html", form=form)
    if form.validate_on_submit() and _chosen(form):
        try:
            placement = services.create_placement(user, _details(form))
        except FieldError as error:
            _attach_error(form, error)
        else:
            db.session.commit()
            flash("Placement saved as a draft.", "success")
            return redirect(url_for("placements.show_placement", placement_id=placement.id))
    return render_template("placements/new.html", form=form)


@bp.route("/placements/<int:placement_id>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def show_placement(placement_id: int) -> str:
    user, placement = placement_or_404(placement_id)
    db.session.commit()  # the audit record of this view
    is_commissioner = user.role is Role.COMMISSIONER
    today = date.today()
    # Each feature adds what it shows on this page (service/signals.py), so this package imports none of them.
    sections: dict[str, Any] = {}
    for _receiver, variables in placement_page.send(placement, user=user, today=today):
        sections.update(variables)
    decision = who_decides(placement.circumstance, has_ehcp=placement.pupil.sen_status.value == "ehcp")
    kept = sections["kept_from_provider"]  # no default: without the answer, a provider would see what is kept
    # Kept from the provider with the pack's SEN section, the EHCP shows through "who decides" too: say less.
    who_decides_text = (
        label_without_sen(decision.decision_maker)
        if "sen" in kept
        else f"{decision.decision_maker.label}. {decision.explanation}"
    )
    return render_template(
        "placements/show.html",
        placement=placement,
        decision=decision,
        is_commissioner=is_commissioner,
        # A placement is agreed by agreeing its plan (support_plans), never by a bare button.
        next_statuses=sorted(
            allowed_transitions(placement.status) - {PlacementStatus.AGREED, PlacementStatus.ENDED},
            key=list(PlacementStatus).index,
        )
        if is_commissioner
        else [],
        today=today,
        status_form=StatusChangeForm(),
        who_decides_text=who_decides_text,
        # The census reason can say the pupil has a health need: the commissioner's to see, not the provider's.
        register=registration_details.summary(placement) if is_commissioner else None,
        **sections,
    )


@bp.route("/placements/<int:placement_id>/status", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def change_status(placement_id: int) -> Response:
    user, placement = placement_or_404(placement_id)
    form = StatusChangeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        new_status = PlacementStatus(form.new_status.data)
        services.change_status(user, placement, new_status, note=form.note.data or "")
    except ValueError as error:  # an unknown status or a transition the lifecycle forbids
        db.session.rollback()
        message = error.message if isinstance(error, services.PlacementError) else "Choose a valid status"
        flash(message, "error")
    else:
        db.session.commit()
        flash(f"Placement is now {new_status.label.lower()}.", "success")
    return redirect(url_for("placements.show_placement", placement_id=placement_id))


@bp.route("/placements/<int:placement_id>/register-and-census", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def register_and_census(placement_id: int) -> Response | str:
    """Whether the pupil is dual registered at the provider, and the census reason: for placements made before
    they were asked, in any status. Only the organisation that arranged the placement sees it (404 otherwise)."""
    user, placement = placement_or_404(placement_id)
    form = RegisterAndCensusForm()
    kind = placement.commissioning_organisation.kind
    form.census_reason.choices = registration_details.census_reason_choices(kind)
    if request.method == "GET":
        form.dual_registered.data = "yes" if placement.dual_registered else "no"
        form.census_reason.data = placement.census_reason
    if form.validate_on_submit():
        try:
            registration_details.update(
                user,
                placement,
                dual_registered=form.dual_registered.data == "yes",
                census_reason=form.census_reason.data,
            )
        except FieldError as error:  # raised before anything changes
            field = getattr(form, error.field)
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash("Register and census details saved.", "success")
            return redirect(url_for("placements.show_placement", placement_id=placement_id, _anchor="register"))
    db.session.commit()  # the audit record of this view
    return render_template("placements/register_and_census.html", form=form, placement=placement)


def _removed_session_index() -> int | None:
    for key in request.form:
        if key.startswith("remove_session-"):
            suffix = key.removeprefix("remove_session-")
            if suffix.isdigit():
                return int(suffix)
    return None


def _chosen(form: PlacementForm) -> bool:
    ok = True
    if not form.pupil_id.data:
        form.pupil_id.errors = [*form.pupil_id.errors, "Select a pupil"]
        ok = False
    if not form.provider_id.data:
        form.provider_id.errors = [*form.provider_id.errors, "Select a provider"]
        ok = False
    return ok


def _details(form: PlacementForm) -> services.PlacementDetails:
    sessions = []
    for entry in form.sessions.entries:
        starts, ends = parse_time(entry.form.starts_at.data or ""), parse_time(entry.form.ends_at.data or "")
        if starts and ends:
            where = DeliveredBy(entry.form.setting.data or DeliveredBy.PROVIDER.value)
            sessions.append(services.SessionTime(Weekday(int(entry.form.weekday.data)), starts, ends, where))
    return services.PlacementDetails(
        pupil_id=form.pupil_id.data,
        provider_id=form.provider_id.data,
        circumstance=Circumstance(form.circumstance.data),
        decided_by=form.decided_by.data or "",
        planned_start=form.planned_start.data,
        planned_end=form.planned_end.data,
        reason_for_referral=form.reason_for_referral.data or "",
        sessions=sessions,
        dual_registered=form.dual_registered.data == "yes",
        census_reason=form.census_reason.data,
    )


def _attach_error(form: PlacementForm, error: FieldError) -> None:
    if error.field.startswith("sessions-"):
        index = int(error.field.removeprefix("sessions-"))
        field = form.sessions.entries[min(index, len(form.sessions.entries) - 1)].form.ends_at
    else:
        field = getattr(form, error.field)
    field.errors = [*field.errors, error.message]
