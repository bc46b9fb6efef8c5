"""The approved-provider catalogue: list, show, add and change providers. Parse, call a service, commit.

Who gets in:

* Commissioners and admins see the whole catalogue and add to it. Only the commissioners and admins of the
  organisation that owns an entry change it (403 for everyone else): the record is its due-diligence evidence.
* A commissioner of another organisation confirms a changed placement contact before its packs and signing
  links go there (``contacts``).
* Provider staff see their own organisation's record (list and detail), read-only; another provider's page
  answers 404 so they cannot learn which providers are in the catalogue.
* Viewers have no use for the catalogue and get 403 on every page of it.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from forms.providers import ProviderForm, initial_data
from service.access import current, roles_required
from service.extensions import db
from service.providers import contacts
from service.providers import services as catalogue
from service.providers.models import ApprovalCriterion, ApprovedListStatus, OfstedGrade, QaOutcome
from service.rules.census import SettingType
from service.rules.dates import UK
from service.rules.roles import Role

bp = Blueprint("providers", __name__, template_folder="templates")

CATALOGUE_READERS = (Role.COMMISSIONER, Role.ADMIN, Role.PROVIDER_STAFF)


class ConfirmForm(FlaskForm):
    """A button that changes something: the CSRF token only."""


def _today() -> date:
    """Today in England, which is what "expired" and "out of date" mean to the people using the service."""
    return datetime.now(UK).date()


@bp.route("/providers")
@roles_required(*CATALOGUE_READERS)
def list_providers() -> str:
    user = current()
    today = _today()
    rows = [
        (provider, len(catalogue.provider_warnings(provider, today))) for provider in catalogue.list_providers(user)
    ]
    return render_template(
        "providers/list.html",
        rows=rows,
        is_commissioner=user.role is not Role.PROVIDER_STAFF,
        may_add=catalogue.may_add(user),
        organisation_id=user.organisation_id,
    )


@bp.route("/providers/<int:provider_id>")
@roles_required(*CATALOGUE_READERS)
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
        is_commissioner=user.role is not Role.PROVIDER_STAFF,
        may_change=catalogue.may_change(user, provider),
        owned_here=provider.owner_organisation_id == user.organisation_id,
        contact_check=contacts.contact_check(user.organisation_id, provider)
        if user.role is Role.COMMISSIONER
        else None,
        confirm_form=ConfirmForm(),
    )


@bp.route("/providers/<int:provider_id>/confirm-contact", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def confirm_contact(provider_id: int) -> Response:
    """Accept the provider's changed placement contact for the commissioner's organisation (audited)."""
    user = current()
    provider = catalogue.get_provider_for(user, provider_id)
    if provider is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        check = contacts.confirm_contact(user, provider)
    except ValueError:
        flash("This provider has no contact with an email address to confirm.", "error")
    else:
        db.session.commit()
        flash(f"Packs and signing links from your organisation now go to {check.current_email}.", "success")
    return redirect(url_for("providers.show_provider", provider_id=provider.id))


@bp.route("/providers/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER, Role.ADMIN)
def new_provider() -> Response | str:
    """Add a provider to the catalogue, owned by the user's organisation. Provider staff and viewers get 403."""
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
@roles_required(Role.COMMISSIONER, Role.ADMIN)
def edit_provider(provider_id: int) -> Response | str:
    """Change a provider's record: commissioners and admins of the organisation that owns it.

    Provider staff get 403 here for every provider id, their own included and whether or not the id exists:
    the role check comes before any look-up, so the answer reveals nothing about other providers, and a
    provider cannot change the due-diligence record that commissioners rely on. Another organisation's
    commissioner or admin gets 403 too: they read the entry, its owner changes it.
    """
    user = current()
    provider = catalogue.get_provider_for(user, provider_id)
    if provider is None:
        abort(404)
    if not catalogue.may_change(user, provider):
        abort(403)
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
