"""Attendance pages: the weekly register grid, the CSV import, the provider's closures, the commissioner's
register with its chart and decisions, and the weekly report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from forms.attendance import AttendanceImportForm, DecisionForm, PeriodForm
from forms.closures import ClosureForm
from service.access import current, roles_required
from service.attendance import chart, closures, importer, report, services
from service.attendance.models import AttendanceMark
from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.extensions import db
from service.placements.access import placement_or_404
from service.placements.models import Placement
from service.rules import attendance_codes as rules
from service.rules.attendance_codes import monday_of
from service.rules.dates import uk_date
from service.rules.roles import Role

bp = Blueprint("attendance", __name__, template_folder="templates")


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@bp.route("/placements/<int:placement_id>/attendance/week/<monday>", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def week(placement_id: int, monday: str) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    day = _iso_date(monday)
    if day is None or len(monday) != 10:
        abort(404)
    if day.weekday() != 0:
        return redirect(url_for("attendance.week", placement_id=placement_id, monday=monday_of(day).isoformat()))
    today = date.today()
    status = 200
    saved_meanwhile = ""
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            saved = services.save_week(user, placement, day, request.form.to_dict(), today)
            db.session.flush()
        except services.GridErrors as error:
            db.session.rollback()
            days, status = error.days, 400
        except (services.SavedMeanwhile, IntegrityError):
            db.session.rollback()
            days, status = services.week_grid(placement, day, user, today), 409
            saved_meanwhile = services.SAVED_MEANWHILE
        else:
            db.session.commit()
            flash(f"Register saved: {len(saved)} mark{'s' if len(saved) != 1 else ''} recorded or changed.", "success")
            return redirect(url_for("attendance.week", placement_id=placement_id, monday=day.isoformat()))
    else:
        audit.record("view", "attendance_week", placement.id, user, {"week": day.isoformat()})
        db.session.commit()
        days = services.week_grid(placement, day, user, today)
    errors = [cell for d in days for cell in d.cells if cell.error]
    return render_template(
        "attendance/week.html",
        placement=placement,
        monday=day,
        days=days,
        errors=errors,
        saved_meanwhile=saved_meanwhile,
        today=today,
        choices={session: services.choices_for(user, session) for session in rules.Session},
        labels=rules.CODES,
        is_commissioner=user.role is Role.COMMISSIONER,
        previous_week=day - timedelta(weeks=1),
        next_week=day + timedelta(weeks=1) if day + timedelta(weeks=1) <= today else None,
    ), status


@bp.route("/placements/<int:placement_id>/attendance")
@roles_required(Role.COMMISSIONER)
def register(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    return _register_page(user, placement)


def _decided_message(mark: AttendanceMark) -> str:
    """The decision confirmed in the words the rest of the service uses: the date as every page writes it, and
    the code with its meaning (a bare "I" means nothing to someone who does not know the register's codes)."""
    meaning = rules.label(mark.code)
    code = f"{mark.code} ({meaning[:1].lower() + meaning[1:]})" if meaning != mark.code else mark.code
    return f"The {mark.session.label.lower()} absence on {mark.on:%A} {uk_date(mark.on)} is recorded as {code}."


@bp.route("/placements/<int:placement_id>/attendance/marks/<int:mark_id>/decision", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def decide(placement_id: int, mark_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    form = DecisionForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _register_page(user, placement, failed=(mark_id, _first_errors(form)))
    try:
        mark = services.decide_absence(user, placement, mark_id, form.code.data or "", form.note.data or "")
    except LookupError:
        abort(404)
    except FieldError as error:
        db.session.rollback()
        return _register_page(user, placement, failed=(mark_id, {error.field: error.message}))
    db.session.commit()
    flash(_decided_message(mark), "success")
    return redirect(url_for("attendance.register", placement_id=placement_id) + "#unexplained")


def _first_errors(form: DecisionForm) -> dict[str, str]:
    return {name: messages[0] for name, messages in form.errors.items() if messages}


def _register_page(user: User, placement: Placement, failed: tuple[int, dict[str, str]] | None = None) -> Any:
    today = date.today()
    period = PeriodForm(request.args)
    start, end = services.default_period(placement, today)
    status = 200 if failed is None else 400
    if request.args and period.validate():
        start, end = period.start.data or start, period.end.data or end
        if end < start:
            period.end.errors = ["The end of the period must be on or after its start"]
            start, end = services.default_period(placement, today)
            status = 400
    elif request.args:
        status = 400
    if not period.start.data and not period.start.errors:
        period.start.process(None, start)
    if not period.end.data and not period.end.errors:
        period.end.process(None, end)
    audit.record("view", "attendance_register", placement.id, user, {"from": start.isoformat(), "to": end.isoformat()})
    db.session.commit()
    result = services.register(placement, start, end)
    return render_template(
        "attendance/register.html",
        placement=placement,
        register=result,
        period=period,
        chart=chart.attendance_chart(result.weeks),
        legend=chart.legend(),
        classes=rules.CodeClass,
        decision_codes=[(code, rules.CODES[code].choice_label) for code in rules.CLOSURE_DECISION_CODES],
        authorised_codes=rules.AUTHORISED_DECISIONS,
        not_possible_codes=rules.NOT_POSSIBLE_DECISIONS,
        failed=failed,
        posted=request.form if failed else {},
        labels=rules.CODES,
        this_week=monday_of(today),
        report_week=monday_of(today),
    ), status


@bp.route("/attendance/import", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_STAFF)
def import_marks() -> BaseResponse | tuple[str, int]:
    user = current()
    form = AttendanceImportForm()
    row_errors: list[importer.RowError] = []
    more_errors = 0
    status = 200
    if form.validate_on_submit():
        try:
            result = importer.import_marks(form.file.data.read(), user, date.today())
            db.session.flush()
        except IntegrityError:
            # Another mark for one of the file's sessions was saved between the import's check and its write.
            db.session.rollback()
            form.file.errors = [importer.SAVED_MEANWHILE]
            status = 409
        else:
            if result.errors:
                db.session.rollback()
                row_errors, more_errors = result.errors, result.more_errors
            else:
                db.session.commit()
                flash(
                    f"Imported {result.recorded} new and changed {result.changed} existing marks"
                    + (f" ({result.unchanged} already recorded)" if result.unchanged else ""),
                    "success",
                )
                return redirect(url_for("attendance.import_marks"))
    return render_template(
        "attendance/import.html",
        form=form,
        row_errors=row_errors,
        row_errors_more=more_errors,
        max_rows=importer.MAX_ROWS,
        provider_codes=rules.PROVIDER_CODES,
        labels=rules.CODES,
    ), status


@bp.route("/attendance/closures")
@roles_required(Role.PROVIDER_STAFF)
def closures_list() -> Any:
    user = current()
    if not closures.providers_of(user):
        abort(403)
    return render_template("attendance/closures.html", closures=closures.closures_for(user), part=closures.part_label)


@bp.route("/attendance/closures/new", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_STAFF)
def new_closure() -> Any:
    user = current()
    providers = closures.providers_of(user)
    if not providers:
        abort(403)
    form = ClosureForm()
    form.provider.choices = [("", "Choose a provider")] + [(str(p.id), p.name) for p in providers]
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            details = closures.ClosureDetails(
                provider_id=int(form.provider.data) if (form.provider.data or "").isdigit() else None,
                on=form.closed_on.data,
                part=form.part.data or "",
                reason=form.reason.data or "",
            )
            try:
                result = closures.report_closure(user, details, date.today())
            except closures.ClosureErrors as errors:
                db.session.rollback()
                for name, message in errors.problems.items():
                    getattr(form, name).errors = [message]
            else:
                db.session.commit()
                count = result.marked + result.linked
                flash(
                    f"Closure on {result.closure.on:%d/%m/%Y} reported: {count} pupil session"
                    f"{'s' if count != 1 else ''} marked N for the commissioner to code.",
                    "success",
                )
                return redirect(url_for("attendance.closures_list"))
        elif form.csrf_token.errors:
            abort(400)
    return render_template("attendance/new_closure.html", form=form, providers=providers), status


@bp.route("/attendance/import/template.csv")
@roles_required(Role.PROVIDER_STAFF)
def import_template() -> Response:
    return Response(
        importer.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="apdocs-attendance-import-template.csv"'},
    )


@bp.route("/attendance/weekly-report.csv")
@roles_required(Role.COMMISSIONER)
def weekly_report() -> Response:
    user = current()
    week = _iso_date(request.args.get("week", "")) or date.today()
    monday = monday_of(week)
    rows = report.weekly_report(user, monday)
    db.session.commit()  # the audit record of the export
    return Response(
        report.report_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="attendance-week-{monday.isoformat()}.csv"'},
    )
