"""The admin's term-dates page: list, add and remove the organisation's half-terms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from forms.term_dates import TermDateForm
from service.access import current, roles_required
from service.extensions import db
from service.rules.roles import Role
from service.term_dates import services

bp = Blueprint("term_dates", __name__, template_folder="templates")


@bp.route("/term-dates", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def term_dates() -> Any:
    user = current()
    form = TermDateForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.add_term_date(user, form.name.data or "", form.starts_on.data, form.ends_on.data)
            except services.TermDateError as error:
                db.session.rollback()
                getattr(form, error.field).errors = [error.message]
                status = 400
            else:
                db.session.commit()
                flash("Half-term added.", "success")
                return redirect(url_for("term_dates.term_dates"))
        else:
            status = 400
    return render_template(
        "term_dates/term_dates.html", form=form, terms=services.organisation_term_dates(user)
    ), status


@bp.route("/term-dates/<int:term_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_term_date(term_id: int) -> Response:
    if not FlaskForm().validate_on_submit():  # the form's CSRF check only
        abort(400)
    if not services.delete_term_date(current(), term_id):
        abort(404)
    db.session.commit()
    flash("Half-term removed.", "success")
    return redirect(url_for("term_dates.term_dates"))
