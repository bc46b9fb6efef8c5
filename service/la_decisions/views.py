"""The LA officer's screens: the decisions waiting for them, and one placement to decide on (read only, with the
decision form). Thin: the scope and the rules are in ``services``."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forms.la_decisions import LaDecisionForm
from service.access import current, is_la_officer, roles_required
from service.extensions import db
from service.la_decisions import services
from service.rules.decision import who_decides
from service.rules.roles import Role

bp = Blueprint("la_decisions", __name__, template_folder="templates")


def _officer() -> Any:
    """The signed-in LA officer; a school's commissioner gets 403 (a section they do not have)."""
    user = current()
    if not is_la_officer(user):
        abort(403)
    return user


@bp.route("/decisions")
@roles_required(Role.COMMISSIONER)
def waiting() -> str:
    user = _officer()
    page = request.args.get("page", "1")
    result = services.waiting_page(user, int(page) if page.isdigit() else 1)
    return render_template("la_decisions/waiting.html", result=result)


@bp.route("/decisions/<int:placement_id>", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def decide(placement_id: int) -> Any:
    user = _officer()
    placement = services.placement_to_decide(user, placement_id)
    if placement is None:
        abort(404)
    decision = services.decision_of(placement)
    form = LaDecisionForm(obj=None)
    status = 200
    if not form.is_submitted():
        db.session.commit()  # the audit record of this view
        if decision is not None:
            form = LaDecisionForm(formdata=None, obj=decision)
            form.outcome.data = decision.outcome.value
        else:
            form.officer_name.data = user.name
    elif form.validate():
        answers = services.DecisionAnswers(
            outcome=form.outcome.data or "",
            decided_on=form.decided_on.data,
            officer_name=form.officer_name.data or "",
            ehcp_review_date=form.ehcp_review_date.data,
            health_input_by=form.health_input_by.data or "",
            health_input_on=form.health_input_on.data,
            notes=form.notes.data or "",
        )
        try:
            services.record_decision(user, placement, answers, date.today())
        except services.DecisionErrors as errors:
            db.session.rollback()
            for field, message in errors.problems.items():
                getattr(form, field).errors = [*getattr(form, field).errors, message]
            status = 400
        else:
            db.session.commit()
            flash("Decision recorded. The school can see it on the placement.", "success")
            return redirect(url_for("la_decisions.waiting"))
    else:
        status = 400
    ehcp = services.has_ehcp(placement)
    return render_template(
        "la_decisions/decide.html",
        placement=placement,
        form=form,
        decision=decision,
        state=services.status_of(placement, decision),
        who=who_decides(placement.circumstance, ehcp),
        has_ehcp=ehcp,
        medical=placement.circumstance.value == "medical",
        today=date.today(),
    ), status
