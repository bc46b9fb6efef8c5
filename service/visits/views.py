"""Recording a visit to the provider, from the placement's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from forms.visits import VisitForm
from service.access import keeps_answers, roles_required
from service.auth.kept_answers import kept_formdata
from service.errors import FieldError
from service.extensions import db
from service.placements.access import placement_or_404
from service.rules.roles import Role
from service.visits import services

bp = Blueprint("visits", __name__, template_folder="templates")


@bp.route("/placements/<int:placement_id>/visits/new", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER)
def new_visit(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    form = VisitForm()
    if not form.is_submitted():
        kept = kept_formdata()
        if kept:
            db.session.commit()  # handed back once
            form = VisitForm(formdata=kept)
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            details = services.VisitDetails(
                visited_on=form.visited_on.data,
                visitors=form.visitors.data or "",
                what_was_seen=form.what_was_seen.data or "",
                pupil_views=form.pupil_views.data or "",
                concerns=form.concerns.data or "",
            )
            try:
                services.record_visit(user, placement, details)
            except FieldError as error:
                db.session.rollback()
                getattr(form, error.field).errors = [error.message]
            else:
                db.session.commit()
                flash("Visit saved.", "success")
                return redirect(url_for("placements.show_placement", placement_id=placement_id) + "#visits")
    return render_template(
        "visits/new.html", placement=placement, form=form, due=services.next_visit(placement, date.today())
    ), status
