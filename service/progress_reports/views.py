"""Termly progress reports: write one (draft, then submit), read one, correct one. The rules are in services."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forms.progress_reports import CONSULTED, CorrectionForm, ProgressReportForm
from service.access import keeps_answers, roles_required
from service.audit import services as audit
from service.auth.kept_answers import kept_formdata
from service.errors import FieldError
from service.extensions import db
from service.mail.jobs import deliver_message
from service.placements.access import placement_or_404
from service.placements.models import Placement
from service.progress_reports import schedule, services
from service.queue import enqueue_after_commit
from service.rules.outcomes import ProgressRating
from service.rules.progress_reports import ReportDue
from service.rules.roles import Role

bp = Blueprint("progress_reports", __name__, template_folder="templates")

_TERM_KEY = re.compile(r"\d{4}-(autumn|spring|summer)")
_RATINGS = {r.value for r in ProgressRating}


def _placement_and_term(placement_id: int, term_key: str, *, audited: bool = False) -> tuple[Any, Placement, ReportDue]:
    """The user, the placement in their scope and the term it owes a report for; 404 for anything else."""
    user, placement = placement_or_404(placement_id, audited=audited)
    due = schedule.term_for(placement, term_key, date.today()) if _TERM_KEY.fullmatch(term_key) else None
    if due is None:
        abort(404)
    return user, placement, due


@bp.route("/placements/<int:placement_id>/progress-reports/<term_key>/edit", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def write_report(placement_id: int, term_key: str) -> Any:
    user, placement, due = _placement_and_term(placement_id, term_key)
    report = schedule.current_report(placement, term_key)
    if report is not None and report.submitted:
        flash("This report has been submitted, so it cannot be changed. To put something right, correct it.", "info")
        return redirect(url_for("progress_reports.show_report", placement_id=placement_id, term_key=term_key))
    form = ProgressReportForm()
    if not form.is_submitted():
        kept = kept_formdata()
        form = ProgressReportForm(formdata=kept) if kept else _filled(report, placement)
        if report is not None:
            audit.record("view", "progress_report", report.id, user, {"placement_id": placement.id})
        db.session.commit()  # the audit record, and kept answers handed back once
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            details = _details(form)
            message = None
            try:
                if form.submit_report.data:
                    report, message = services.submit(user, placement, due, details, date.today())
                else:
                    report = services.save_draft(user, placement, due, details, date.today())
            except services.ReportIncomplete as incomplete:
                db.session.rollback()
                for error in incomplete.errors:
                    _attach(form, error)
            except FieldError as error:
                db.session.rollback()
                _attach(form, error)
            else:
                if message is not None:
                    enqueue_after_commit(deliver_message, message.id)
                db.session.commit()
                if report.submitted:
                    flash(f"Progress report for the {due.term.name} submitted.", "success")
                    return redirect(
                        url_for("progress_reports.show_report", placement_id=placement_id, term_key=term_key)
                    )
                flash("Draft saved. Submit it when every part is filled in.", "success")
                return redirect(url_for("progress_reports.write_report", placement_id=placement_id, term_key=term_key))
    return render_template(
        "progress_reports/edit.html",
        placement=placement,
        form=form,
        due=due,
        report=report,
        objectives={str(o.id): o for o in services.plan_objectives(placement)},
        register=schedule.term_register(placement, due, date.today()),
    ), status


@bp.route("/placements/<int:placement_id>/progress-reports/<term_key>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def show_report(placement_id: int, term_key: str) -> Any:
    return _show(placement_id, term_key, None)


@bp.route("/placements/<int:placement_id>/progress-reports/<term_key>/versions/<int:version>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def show_version(placement_id: int, term_key: str, version: int) -> Any:
    return _show(placement_id, term_key, version)


def _show(placement_id: int, term_key: str, version: int | None) -> Any:
    user, placement, due = _placement_and_term(placement_id, term_key)
    report = services.read_report(user, placement, term_key, version)
    if report is None:
        if version is None and services.can_write(user, placement):
            return redirect(url_for("progress_reports.write_report", placement_id=placement_id, term_key=term_key))
        abort(404)
    db.session.commit()  # the audit record of this view
    every = schedule.versions(placement, term_key)
    return render_template(
        "progress_reports/show.html",
        placement=placement,
        due=due,
        report=report,
        versions=every,
        latest=every[-1],
        can_write=services.can_write(user, placement),
        consulted_labels=dict(CONSULTED),
    )


@bp.route("/placements/<int:placement_id>/progress-reports/<term_key>/correct", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def correct_report(placement_id: int, term_key: str) -> Any:
    user, placement, due = _placement_and_term(placement_id, term_key)
    report = schedule.current_report(placement, term_key)
    if report is None or not report.submitted or not services.can_write(user, placement):
        abort(404)
    form = CorrectionForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                services.start_correction(user, placement, term_key, form.reason.data or "")
            except FieldError as error:
                db.session.rollback()
                form.reason.errors = [error.message]
            else:
                db.session.commit()
                flash("Correction started: change what is wrong, then submit the new version.", "success")
                return redirect(url_for("progress_reports.write_report", placement_id=placement_id, term_key=term_key))
    return render_template(
        "progress_reports/correct.html", placement=placement, due=due, report=report, form=form
    ), status


def _filled(report: Any, placement: Placement) -> ProgressReportForm:
    details = services.details_from(report, placement)
    consulted_with = [
        key
        for key, ticked in (
            ("pupil", details.consulted_pupil),
            ("parents", details.consulted_parents),
            ("professionals", details.consulted_professionals),
        )
        if ticked
    ]
    return ProgressReportForm(
        formdata=None,
        data={
            "meeting_date": details.meeting_date,
            "consulted_with": consulted_with,
            "consulted": details.consulted,
            "attendance_engagement": details.attendance_engagement,
            "pupil_view": details.pupil_view,
            "next_steps": details.next_steps,
            "objectives": [
                {
                    "objective_id": str(a.objective_id),
                    "rating": a.rating.value if a.rating else "",
                    "comment": a.comment,
                }
                for a in details.objectives
            ],
        },
    )


def _details(form: ProgressReportForm) -> services.ReportDetails:
    ticked = set(form.consulted_with.data or [])
    answers = []
    for entry in form.objectives.entries:
        raw = entry.form.objective_id.data or ""
        rating = entry.form.rating.data or ""
        answers.append(
            services.ObjectiveAnswer(
                objective_id=int(raw) if raw.isdigit() else 0,
                rating=ProgressRating(rating) if rating in _RATINGS else None,
                comment=entry.form.comment.data or "",
            )
        )
    return services.ReportDetails(
        meeting_date=form.meeting_date.data,
        consulted_pupil="pupil" in ticked,
        consulted_parents="parents" in ticked,
        consulted_professionals="professionals" in ticked,
        consulted=form.consulted.data or "",
        attendance_engagement=form.attendance_engagement.data or "",
        pupil_view=form.pupil_view.data or "",
        next_steps=form.next_steps.data or "",
        objectives=answers,
    )


def _attach(form: ProgressReportForm, error: FieldError) -> None:
    """Put the message next to its field: ``objectives-2-rating`` is the third objective's rating."""
    match = re.fullmatch(r"objectives-(\d+)-(\w+)", error.field)
    if match and int(match.group(1)) < len(form.objectives.entries):
        field = getattr(form.objectives.entries[int(match.group(1))].form, match.group(2))
    elif error.field == "objectives":
        form.objectives.errors = [error.message]
        return
    else:
        field = getattr(form, error.field, form.meeting_date)
    field.errors = [*field.errors, error.message]
