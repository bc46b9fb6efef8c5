"""The summary page, its CSV and XLSX downloads, the school census AP export and the LA's AP census. Thin: the
work is in services.py (the summary) and downloads.py (the files)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from service.access import current, roles_required
from service.auth.models import User
from service.extensions import db
from service.rules import census
from service.rules.roles import Role
from service.summary import downloads, periods, queries, services
from service.summary.chart import bar_chart
from service.summary.periods import Period, PeriodError

bp = Blueprint("summary", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(user: User) -> tuple[list[Period], Period, str | None]:
    """The choices, the period asked for (this school year when none or a bad one), and what was wrong."""
    choices = periods.period_choices(user.organisation_id, date.today())
    try:
        return choices, periods.resolve_period(choices, request.args.get("term")), None
    except PeriodError as error:
        return choices, choices[0], str(error)


def _attachment(body: str | bytes | Iterable[str], mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/summary")
@roles_required(*queries.SUMMARY_ROLES)
def index() -> str:
    user = current()
    choices, period, error = _period(user)
    summary = services.summarise(user, period)
    census_export = downloads.census_export_for(user)
    charts = {
        t.key: bar_chart(f"chart-{t.key}", t.title, t.bars, t.unit) for t in summary.tables if t.chart is not None
    }
    return render_template(
        "summary/index.html",
        summary=summary,
        choices=choices,
        period=period,
        error=error,
        charts=charts,
        census_export=census_export,
        census_year=census.CENSUS_YEAR,
        census_reasons_missing=downloads.reasons_missing(user, period, census_export) if census_export else 0,
    )


@bp.route("/summary.csv")
@roles_required(*queries.SUMMARY_ROLES)
def summary_csv() -> BaseResponse:
    user = current()
    _, period, error = _period(user)
    if error:
        flash(error, "error")
        return redirect(url_for("summary.index"))
    body = downloads.summary_csv(user, services.summarise(user, period))
    db.session.commit()  # the audit record of the download
    return _attachment(body, "text/csv", downloads.filename("ap-summary", period, "csv"))


@bp.route("/summary.xlsx")
@roles_required(*queries.SUMMARY_ROLES)
def summary_xlsx() -> BaseResponse:
    user = current()
    _, period, error = _period(user)
    if error:
        flash(error, "error")
        return redirect(url_for("summary.index"))
    body = downloads.summary_xlsx(user, services.summarise(user, period))
    db.session.commit()
    return _attachment(body, XLSX, downloads.filename("ap-summary", period, "xlsx"))


def _census_download(export: downloads.CensusExport) -> BaseResponse:
    """The census file for the signed-in user's organisation, if it is theirs: the other organisation kind's file
    does not exist for them (404), whatever the role decorator let through."""
    user = current()
    if downloads.census_export_for(user) is not export:
        abort(404)
    _, period, error = _period(user)
    if error:
        flash(error, "error")
        return redirect(url_for("summary.index"))
    rows = downloads.census_rows(user, period, export)
    db.session.commit()  # the audit record of the download, before the first byte goes out
    # Streamed a line at a time. The rows are plain text, so the stream needs neither the database nor the request:
    # no ``stream_with_context``, and the request's session and connection are given back before the file is sent.
    body = downloads.census_csv(rows)
    return _attachment(body, "text/csv", downloads.filename(export.file_prefix, period, "csv"))


@bp.route("/summary/census.csv")
@roles_required(Role.COMMISSIONER)
def census_csv() -> BaseResponse:
    """The school census AP items: a school's commissioners only (an LA officer gets 404)."""
    return _census_download(downloads.CensusExport.SCHOOL_CENSUS)


@bp.route("/summary/ap-census.csv")
@roles_required(Role.COMMISSIONER)
def ap_census_csv() -> BaseResponse:
    """The LA's AP census: an LA's officers only (a school's commissioner gets 404)."""
    return _census_download(downloads.CensusExport.AP_CENSUS)
