"""Pupil records: list and search, add, view, change, and import from a MIS export. Commissioners only."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from forms.pupils import MAX_PARENTS, YEAR_GROUP_CHOICES, PupilForm, PupilImportForm, PupilSearchForm
from service.access import current, roles_required
from service.auth.models import User
from service.extensions import db
from service.pupils import importer
from service.pupils import services as pupils
from service.pupils.models import Pupil, SafeguardingStatus, SenStatus
from service.rules.organisations import OrganisationKind
from service.rules.roles import Role
from service.rules.school_age import year_group_label
from service.signals import pupil_page

bp = Blueprint("pupils", __name__, template_folder="templates")

NO_SCHOOL = ""


@bp.route("/pupils", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def list_pupils() -> str:
    user = current()
    search = PupilSearchForm()
    if search.validate_on_submit():
        found, more = pupils.search_pupils(user, search.term.data or "")
        return render_template("pupils/list.html", form=search, results=found, more=more, page=None, today=date.today())
    page = pupils.list_pupils(user, request.args.get("page", 1, type=int) or 1)
    return render_template("pupils/list.html", form=search, results=None, more=False, page=page, today=date.today())


@bp.route("/pupils/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_pupil() -> BaseResponse | str:
    user = current()
    if request.method == "GET":
        form = PupilForm(data={"school_id": _default_school(user)})
        form.parents.append_entry()
    else:
        form = PupilForm()
    _set_school_choices(form)
    if _changed_parent_rows(form):
        return render_template("pupils/form.html", form=form, pupil=None, max_parents=MAX_PARENTS)
    if form.validate_on_submit():
        try:
            pupil = pupils.create_pupil(user, _details(form))
        except pupils.PupilError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash("Pupil added.", "success")
            return redirect(url_for("pupils.show_pupil", pupil_id=pupil.id))
    return render_template("pupils/form.html", form=form, pupil=None, max_parents=MAX_PARENTS)


@bp.route("/pupils/<int:pupil_id>")
@roles_required(Role.COMMISSIONER)
def show_pupil(pupil_id: int) -> str:
    user = current()
    pupil = pupils.get_pupil_for(user, pupil_id)
    if pupil is None:
        abort(404)
    db.session.commit()  # the audit log must record the viewing before anything is shown
    # Each feature adds what it shows about the pupil (service/signals.py), so this package imports none of them.
    sections: dict[str, Any] = {}
    for _receiver, variables in pupil_page.send(pupil, user=user):
        sections.update(variables)
    return render_template("pupils/show.html", pupil=pupil, today=date.today(), **sections)


@bp.route("/pupils/<int:pupil_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def edit_pupil(pupil_id: int) -> BaseResponse | str:
    user = current()
    pupil = pupils.get_pupil_for(user, pupil_id)
    if pupil is None:
        abort(404)
    db.session.commit()  # the viewing is audited even if the change is then refused
    # On a post, everything comes from what was submitted, so rows added or removed never pick up stored values.
    form = PupilForm(data=_form_data(pupil)) if request.method == "GET" else PupilForm()
    _set_school_choices(form)
    if pupil.year_group_override is not None and str(pupil.year_group_override) not in dict(YEAR_GROUP_CHOICES):
        form.year_group_override.choices = [
            *YEAR_GROUP_CHOICES,
            (str(pupil.year_group_override), year_group_label(pupil.year_group_override)),
        ]
    if _changed_parent_rows(form):
        return render_template("pupils/form.html", form=form, pupil=pupil, max_parents=MAX_PARENTS)
    if form.validate_on_submit():
        try:
            pupils.update_pupil(user, pupil, _details(form))
        except pupils.PupilError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash("Pupil record updated.", "success")
            return redirect(url_for("pupils.show_pupil", pupil_id=pupil.id))
    return render_template("pupils/form.html", form=form, pupil=pupil, max_parents=MAX_PARENTS)


@bp.route("/pupils/import", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def import_pupils() -> BaseResponse | str:
    user = current()
    form = PupilImportForm()
    row_errors: list[importer.RowError] = []
    more_errors = 0
    if form.validate_on_submit():
        result = importer.import_pupils(form.file.data.read(), user.organisation, user)
        if result.errors:
            db.session.rollback()
            row_errors, more_errors = result.errors, result.more_errors
        else:
            db.session.commit()
            flash(f"Imported {result.created} new and updated {result.updated} existing pupils", "success")
            return redirect(url_for("pupils.list_pupils"))
    return render_template(
        "pupils/import.html",
        form=form,
        row_errors=row_errors,
        row_errors_more=more_errors,
        max_rows=importer.MAX_ROWS,
        columns=importer.COLUMNS,
    )


@bp.route("/pupils/import/template.csv")
@roles_required(Role.COMMISSIONER)
def import_template() -> Response:
    return Response(
        importer.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="apdocs-pupil-import-template.csv"'},
    )


def _default_school(user: User) -> str:
    return str(user.organisation_id) if user.organisation.kind is OrganisationKind.SCHOOL else NO_SCHOOL


def _set_school_choices(form: PupilForm) -> None:
    form.school_id.choices = [(NO_SCHOOL, "No school place")] + [
        (str(school_id), name) for school_id, name in pupils.school_options()
    ]


def _changed_parent_rows(form: PupilForm) -> bool:
    """Handle "Add another parent or carer" and "Remove": change the rows, keep everything typed, save nothing."""
    if request.method != "POST":
        return False
    if "add_parent" in request.form:
        if len(form.parents) < MAX_PARENTS:
            form.parents.append_entry()
        return True
    if "remove_parent" in request.form:
        index = request.form.get("remove_parent", type=int)
        if index is not None and 0 <= index < len(form.parents):
            form.parents.pop_entry(index)
        return True
    return False


def _yes(value: str | None) -> bool:
    return value == "yes"


def _details(form: PupilForm) -> pupils.PupilDetails:
    override = form.year_group_override.data
    return pupils.PupilDetails(
        legal_first_name=form.legal_first_name.data or "",
        legal_last_name=form.legal_last_name.data or "",
        preferred_name=form.preferred_name.data or None,
        date_of_birth=form.date_of_birth.data,
        upn=form.upn.data or None,
        school_id=int(form.school_id.data) if form.school_id.data else None,
        sen_status=SenStatus(form.sen_status.data),
        looked_after=_yes(form.looked_after.data),
        fsm_eligible=_yes(form.fsm_eligible.data),
        safeguarding_status=SafeguardingStatus(form.safeguarding_status.data),
        year_group_override=int(override) if override not in (None, "") else None,
        # Boxes not sent at all (a form from before the field existed) leave the recorded date as it is.
        ehcp_last_annual_review=(
            form.ehcp_last_annual_review.data if form.ehcp_last_annual_review.raw_data is not None else pupils.KEEP
        ),
        parents=[
            pupils.ParentDetails(
                name=entry.form.name.data or "",
                relationship_to_pupil=entry.form.relationship_to_pupil.data or "",
                phone=entry.form.phone.data or "",
                email=entry.form.email.data or "",
                address=entry.form.address.data or "",
                parental_responsibility=_yes(entry.form.parental_responsibility.data),
            )
            for entry in form.parents
            if not entry.form.is_blank()
        ],
    )


def _form_data(pupil: Pupil) -> dict[str, object]:
    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    return {
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": pupil.legal_last_name,
        "preferred_name": pupil.preferred_name or "",
        "date_of_birth": pupil.date_of_birth,
        "upn": pupil.upn or "",
        "school_id": str(pupil.school_id) if pupil.school_id else NO_SCHOOL,
        "sen_status": pupil.sen_status.value,
        "looked_after": yes_no(pupil.looked_after),
        "fsm_eligible": yes_no(pupil.fsm_eligible),
        "safeguarding_status": pupil.safeguarding_status.value,
        "year_group_override": "" if pupil.year_group_override is None else str(pupil.year_group_override),
        "ehcp_last_annual_review": pupil.ehcp_last_annual_review,
        "parents": [
            {
                "name": parent.name,
                "relationship_to_pupil": parent.relationship_to_pupil,
                "phone": parent.phone,
                "email": parent.email,
                "address": parent.address,
                "parental_responsibility": yes_no(parent.parental_responsibility),
            }
            for parent in pupil.parents
        ],
    }
