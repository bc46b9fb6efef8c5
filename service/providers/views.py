"""The approved-provider catalogue: list, show, add and change providers. Parse, call a service, commit.

Who gets in:

* Commissioners see the whole catalogue and are the only ones who add or change records: the record is
  their due-diligence evidence.
* Provider staff see their own organisation's record (list and detail), read-only; another provider's page
  answers 404 so they cannot learn which providers are in the catalogue.
* Admins and viewers have no use for the catalogue and get 403 on every page of it.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forms.providers import ProviderForm, initial_data
from service.access import current, roles_required
from service.auth.models import Role
from service.extensions import db
from service.formatting import UK
from service.providers import services as catalogue
from service.providers.models import ApprovalCriterion, ApprovedListStatus, OfstedGrade, QaOutcome
from service.rules.census import SettingType

bp = Blueprint("providers", __name__, template_folder="templates")


def _today() -> date:
    """Today in England, which is what "expired" and "out of date" mean to the people using the service."""
    return datetime.now(UK).date()


@bp.route("/providers")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def list_providers() -> str:
    user = current()
    today = _today()
    rows = [
        (provider, len(catalogue.provider_warnings(provider, today))) for provider in catalogue.list_providers(user)
    ]
    return render_template("providers/list.html", rows=rows, is_commissioner=user.role is Role.COMMISSIONER)


@bp.route("/providers/<int:provider_id>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def show_provider(provider_id: int) -> str:
    user = current()
    provider = catalogue.get_provider_for(user, provider_id)
    if provider is None:
        abort(404)
    return render_template(
        "providers/show.html",
        provider=provider,
        warnings=catalogue.provider_warnings(provider, _today()),
        criteria=[(c, provider.criterion(c)) for c in ApprovalCriterion],
        is_commissioner=user.role is Role.COMMISSIONER,
    )


@bp.route("/providers/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_provider() -> Response | str:
    """Add a provider to the catalogue. Commissioners only: provider staff get 403, like everyone else."""
    user = current()
    form = ProviderForm()
    if form.is_submitted() and form.change_rows(request.form):
        pass  # "Add another" or "Remove": show the form again with everything typed
    elif form.validate_on_submit():
        try:
            provider = catalogue.create_provider(user, _details(form))
        except catalogue.ProviderError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash("Provider added to the catalogue.", "success")
            return redirect(url_for("providers.show_provider", provider_id=provider.id))
    form.ensure_rows()
    return render_template("providers/form.html", form=form, provider=None)


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def edit_provider(provider_id: int) -> Response | str:
    """Change a provider's record. Commissioners only.

    Provider staff get 403 here for every provider id, their own included and whether or not the id exists:
    the role check comes before any look-up, so the answer reveals nothing about other providers, and a
    provider cannot change the due-diligence record that commissioners rely on.
    """
    user = current()
    provider = catalogue.get_provider_for(user, provider_id)
    if provider is None:
        abort(404)
    # Prefill only when showing the form: a posted form is taken entirely from what was posted.
    form = ProviderForm() if request.method == "POST" else ProviderForm(data=initial_data(provider))
    if form.is_submitted() and form.change_rows(request.form):
        pass
    elif form.validate_on_submit():
        try:
            catalogue.update_provider(user, provider, _details(form))
        except catalogue.ProviderError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash("Provider details updated.", "success")
            return redirect(url_for("providers.show_provider", provider_id=provider.id))
    form.ensure_rows()
    return render_template("providers/form.html", form=form, provider=provider)


def _details(form: ProviderForm) -> catalogue.ProviderDetails:
    return catalogue.ProviderDetails(
        name=form.name.data or "",
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        dfe_registered=form.dfe_registered.data == "yes",
        urn=form.urn.data or None,
        ukprn=form.ukprn.data or None,
        setting_type=SettingType(form.setting_type.data) if form.setting_type.data else None,
        ofsted_grade=OfstedGrade(form.ofsted_grade.data),
        ofsted_date=form.ofsted_date.data,
        approved_list_status=ApprovedListStatus(form.approved_list_status.data),
        criteria=[
            catalogue.CriterionDetails(
                criterion=criterion,
                met=row.form.met.data == "yes",
                evidence_date=row.form.evidence_date.data,
                notes=row.form.notes.data or "",
            )
            for criterion, row in form.criteria_rows()
        ],
        dsl_name=form.dsl_name.data or "",
        dsl_phone=form.dsl_phone.data or "",
        dsl_training_date=form.dsl_training_date.data,
        deputy_dsl_name=form.deputy_dsl_name.data or "",
        deputy_dsl_phone=form.deputy_dsl_phone.data or "",
        deputy_dsl_training_date=form.deputy_dsl_training_date.data,
        vetting_confirmed=form.vetting_confirmed.data == "yes",
        vetting_confirmed_on=form.vetting_confirmed_on.data,
        insurance_expiry=form.insurance_expiry.data,
        qa_outcome=QaOutcome(form.qa_outcome.data),
        qa_date=form.qa_date.data,
        services_offered=form.services_offered.data or "",
        subjects_offered=form.subjects_offered.data or "",
        hours_available_per_week=form.hours_available_per_week.data,
        availability_notes=form.availability_notes.data or "",
        sites=[
            catalogue.SiteDetails(
                name=row.form.name.data or "",
                address=row.form.address.data or "",
                postcode=row.form.postcode.data or "",
            )
            for row in form.sites
            if not row.form.is_blank()
        ],
        contacts=[
            catalogue.ContactDetails(
                name=row.form.name.data or "",
                role=row.form.role.data or "",
                phone=row.form.phone.data or "",
                email=row.form.email.data or "",
                is_placement_contact=bool(row.form.is_placement_contact.data),
            )
            for row in form.contacts
            if not row.form.is_blank()
        ],
    )
