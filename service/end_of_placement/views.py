"""Ending a placement, from its page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from forms.end_of_placement import EndOfPlacementForm
from forms.fields import name_row_errors, objective_name
from service.access import keeps_answers, roles_required
from service.auth.kept_answers import kept_formdata
from service.documents import services as documents
from service.documents.jobs import produce_document
from service.end_of_placement import services
from service.errors import FieldError
from service.extensions import db
from service.placements.access import placement_or_404
from service.queue import enqueue_after_commit
from service.rules.outcomes import ProgressRating
from service.rules.roles import Role

bp = Blueprint("end_of_placement", __name__, template_folder="templates")

ENDED = "The placement has ended. The end-of-placement report is being produced."


@bp.route("/placements/<int:placement_id>/end", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER)
def end_placement(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    reason = services.why_not_endable(placement)
    if reason:
        flash(reason, "error")
        return redirect(url_for("placements.show_placement", placement_id=placement_id))
    objectives = list(placement.support_plan.objectives) if placement.support_plan else []
    form = EndOfPlacementForm()
    if not form.is_submitted():
        kept = kept_formdata()
        if kept:
            db.session.commit()  # handed back once
            form = EndOfPlacementForm(formdata=kept)
        else:
            form = EndOfPlacementForm(
                formdata=None, data={"outcomes": [{"objective_id": str(o.id)} for o in objectives]}
            )
    status = 200
    token = request.form.get("request_token") if form.is_submitted() else None
    if form.is_submitted():
        status = 400
        ids = [row.form.objective_id.data for row in form.outcomes]
        if ids != [str(o.id) for o in objectives]:
            form.form_errors.append("The plan's objectives changed while you were writing: reload the page")
        elif form.validate():
            details = services.EndDetails(
                ended_on=form.ended_on.data,
                reason=form.reason.data,
                reason_detail=form.reason_detail.data or "",
                accreditation_english=form.accreditation_english.data or "",
                accreditation_maths=form.accreditation_maths.data or "",
                accreditation_other=form.accreditation_other.data or "",
                behaviour_change=form.behaviour_change.data or "",
                personal_development=form.personal_development.data or "",
                pupil_assessment=form.pupil_assessment.data or "",
                destination=form.destination.data or None,
                destination_detail=form.destination_detail.data or "",
                neet_confirmed=bool(form.neet_confirmed.data),
                neet_follow_up=form.neet_follow_up.data or "",
                neet_follow_up_on=form.neet_follow_up_on.data,
                outcomes=[
                    services.OutcomeAnswer(
                        int(row.form.objective_id.data), ProgressRating(row.form.rating.data), row.form.outcome.data
                    )
                    for row in form.outcomes
                ],
            )
            if documents.earlier_request(token, services.END_ACTION, placement) is not None:
                db.session.commit()  # "End the placement" clicked twice: the first click ended it
                flash(ENDED, "success")
                return redirect(url_for("placements.show_placement", placement_id=placement_id) + "#documents")
            try:
                document = services.end_placement(
                    user, placement, details, Path(current_app.config["APDOCS_OUTPUT_DIR"])
                )
            except services.FieldErrors as errors:
                db.session.rollback()
                for name, message in errors.problems.items():
                    getattr(form, name).errors = [message]
            except FieldError as error:
                db.session.rollback()
                field = getattr(form, error.field, None)
                if field is not None:
                    field.errors = [error.message]
                else:
                    form.form_errors.append(error.message)
            else:
                documents.record_request(token, services.END_ACTION, user, placement, document)
                if document is not None:
                    enqueue_after_commit(produce_document, document.id)
                db.session.commit()
                flash(ENDED, "success")
                return redirect(url_for("placements.show_placement", placement_id=placement_id) + "#documents")
    if form.is_submitted():  # each objective's messages name it: the rows ask the same questions
        names = {
            str(o.id): objective_name(n, o.area.label if o.area else "", o.objective)
            for n, o in enumerate(objectives, start=1)
        }
        name_row_errors(
            form.outcomes, [names.get(row.form.objective_id.data or "", "This objective") for row in form.outcomes]
        )
    return render_template(
        "end_of_placement/end.html",
        placement=placement,
        form=form,
        objectives={str(o.id): o for o in objectives},
        request_token=token or documents.new_request_token(),  # clicked twice, it ends the placement once
    ), status
