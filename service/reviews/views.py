"""Review meetings: record one (with progress against every objective), and read one back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from forms.fields import name_row_errors, objective_name
from forms.reviews import ReviewForm
from service.access import keeps_answers, roles_required
from service.auth.kept_answers import kept_formdata
from service.documents import services as documents
from service.documents.jobs import produce_document
from service.extensions import db
from service.placements.access import placement_or_404
from service.queue import enqueue_after_commit
from service.reviews import services
from service.rules.outcomes import ProgressRating
from service.rules.roles import Role

bp = Blueprint("reviews", __name__, template_folder="templates")


@bp.route("/placements/<int:placement_id>/reviews/new", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER)
def new_review(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    reason = services.why_not_reviewable(placement)
    if reason:
        flash(reason, "error")
        return redirect(url_for("placements.show_placement", placement_id=placement_id))
    objectives = list(placement.support_plan.objectives)  # type: ignore[union-attr]
    form = ReviewForm()
    from_register: dict[str, object] = {}
    if not form.is_submitted():
        kept = kept_formdata()
        if kept:
            db.session.commit()  # handed back once
            form = ReviewForm(formdata=kept)
            _progress_matches(form, objectives)
        else:
            from_register = services.attendance_from_register(placement, date.today())
            form = ReviewForm(
                formdata=None,
                data={"progress": [{"objective_id": str(o.id)} for o in objectives], **from_register},
            )
    status = 200
    token = request.form.get("request_token") if form.is_submitted() else None
    if form.is_submitted():
        status = 400
        if _progress_matches(form, objectives) and form.validate():
            earlier = documents.earlier_request(token, services.RECORD_ACTION, placement)
            if earlier is not None and earlier.document is not None and earlier.document.review is not None:
                # "Save" clicked twice: the first click's review is the one saved.
                review = earlier.document.review
                db.session.commit()
                flash(_saved_message(review), "success")
                return redirect(url_for("reviews.show_review", placement_id=placement_id, number=review.number))
            try:
                review, queued = services.record_review(
                    user, placement, _details(form), Path(current_app.config["APDOCS_OUTPUT_DIR"])
                )
            except services.ReviewError as error:
                db.session.rollback()
                _attach(form, error)
            else:
                documents.record_request(token, services.RECORD_ACTION, user, placement, queued[0])
                for document in queued:
                    enqueue_after_commit(produce_document, document.id)
                db.session.commit()
                flash(_saved_message(review), "success")
                return redirect(url_for("reviews.show_review", placement_id=placement_id, number=review.number))
    if form.is_submitted():
        _name_objectives(form, objectives)
    return render_template(
        "reviews/new.html",
        placement=placement,
        form=form,
        objectives={str(o.id): o for o in objectives},
        due=services.review_due(placement),
        number=len(placement.reviews) + 1,
        from_register=bool(from_register),
        request_token=token or documents.new_request_token(),  # "Save" clicked twice saves one review
    ), status


def _saved_message(review: services.Review) -> str:
    message = f"Review {review.number} saved. The review record is being produced"
    return message + (", with a new version of the plan." if review.plan_changed else ".")


@bp.route("/placements/<int:placement_id>/reviews/<int:number>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def show_review(placement_id: int, number: int) -> str:
    user, placement = placement_or_404(placement_id)
    review = services.get_review_for(placement, number)
    if review is None:
        abort(404)
    db.session.commit()  # the audit record of this view
    records = [d for d in documents.documents_for(placement, user) if d.review_id == review.id]
    return render_template("reviews/show.html", placement=placement, review=review, records=records)


def _name_objectives(form: ReviewForm, objectives: list[Any]) -> None:
    """Each objective's messages name it: the rows ask the same questions, so the summary must say which."""
    numbered = {str(o.id): (n, o) for n, o in enumerate(objectives, start=1)}
    names = []
    for entry in form.progress.entries:
        number, objective = numbered.get(entry.form.objective_id.data or "", (0, None))
        names.append(
            objective_name(number, objective.area.label if objective.area else "", objective.objective)
            if objective is not None
            else "This objective"
        )
    name_row_errors(form.progress, names)


def _progress_matches(form: ReviewForm, objectives: list[Any]) -> bool:
    """The posted rows must be exactly the plan's objectives (a stale page after the plan changed is not)."""
    posted = sorted(entry.form.objective_id.data or "" for entry in form.progress.entries)
    if posted == sorted(str(o.id) for o in objectives):
        return True
    form.progress.errors = ["The plan's objectives have changed since this page was opened: check each one again"]
    form.progress.entries = []
    for objective in objectives:
        form.progress.append_entry({"objective_id": str(objective.id)})
    return False


def _details(form: ReviewForm) -> services.ReviewDetails:
    return services.ReviewDetails(
        meeting_date=form.meeting_date.data,
        present=form.present.data or "",
        attendance_from=form.attendance_from.data,
        attendance_to=form.attendance_to.data,
        sessions_possible=form.sessions_possible.data,
        sessions_attended=form.sessions_attended.data,
        attendance_notes=form.attendance_notes.data or "",
        pupil_views=form.pupil_views.data or "",
        parent_views=form.parent_views.data or "",
        notes=form.notes.data or "",
        changes_to_need=form.changes_to_need.data or "",
        changes_to_outcomes=form.changes_to_outcomes.data or "",
        changes_to_plan=form.changes_to_plan.data or "",
        extension_agreed=form.extension_agreed.data == "yes",
        new_end_date=form.new_end_date.data,
        next_review_date=form.next_review_date.data,
        progress=[
            services.ProgressAnswer(
                objective_id=int(entry.form.objective_id.data),
                rating=ProgressRating(entry.form.rating.data),
                evidence=entry.form.evidence.data or "",
            )
            for entry in form.progress.entries
        ],
    )


def _attach(form: ReviewForm, error: services.ReviewError) -> None:
    field = getattr(form, error.field, None)
    if field is None or error.field == "progress":
        form.progress.errors = [error.message]
        return
    field.errors = [*field.errors, error.message]
