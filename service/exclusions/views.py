"""Recording an exclusion from the pupil's page, and the list of excluded pupils whose sixth day is near."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forms.exclusions import ExclusionForm
from service.access import current, keeps_answers, roles_required
from service.audit import services as audit
from service.auth.kept_answers import kept_formdata
from service.errors import FieldError
from service.exclusions import services
from service.extensions import db
from service.pupils import services as pupils
from service.rules.exclusions import ExclusionKind
from service.rules.roles import Role

bp = Blueprint("exclusions", __name__, template_folder="templates")


@bp.route("/pupils/<int:pupil_id>/exclusions/new", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER)
def new_exclusion(pupil_id: int) -> Any:
    user = current()
    pupil = pupils.get_pupil_for(user, pupil_id)
    if pupil is None:
        abort(404)
    db.session.commit()  # the viewing is audited even if the exclusion is then refused
    if not services.can_record(user):
        abort(403)
    form = ExclusionForm()
    if not form.is_submitted():
        kept = kept_formdata()
        if kept:
            db.session.commit()  # handed back once
            form = ExclusionForm(formdata=kept)
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            details = services.ExclusionDetails(
                kind=ExclusionKind(form.kind.data),
                first_day=form.first_day.data,
                school_days=form.school_days.data,
                decided_on=form.decided_on.data,
                notes=form.notes.data or "",
            )
            try:
                services.record_exclusion(user, pupil, details, date.today())
            except FieldError as error:
                db.session.rollback()
                getattr(form, error.field).errors = [error.message]
            else:
                db.session.commit()
                flash("Exclusion saved.", "success")
                return redirect(url_for("pupils.show_pupil", pupil_id=pupil_id) + "#exclusions")
    return render_template("exclusions/new.html", pupil=pupil, form=form), status


@bp.route("/exclusions")
@roles_required(Role.COMMISSIONER)
def excluded_pupils() -> str:
    """The school's exclusions, or for an LA its schools' permanent exclusions, from the last year."""
    user = current()
    found = services.current(user, date.today())
    audit.record("view", "exclusions", None, user, {"count": len(found)})
    db.session.commit()
    return render_template("exclusions/list.html", found=found, school=services.can_record(user))
