"""Organisation settings: the safeguarding contacts in every provider pack, and how mail goes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from forms.organisations import OrganisationSettingsForm
from service.access import current, roles_required
from service.extensions import db
from service.organisations import services
from service.rules.roles import Role

bp = Blueprint("organisations", __name__, template_folder="templates")


@bp.route("/organisation", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings() -> Any:
    user = current()
    organisation = services.organisation_of(user)
    fields = services.settings_fields(organisation)
    form = OrganisationSettingsForm(obj=organisation)
    form.for_organisation(fields, [(str(la.id), la.name) for la in services.local_authorities()])
    if not form.is_submitted():
        form.mail_delivery.data = organisation.mail_delivery.value
        if "local_authority_id" in fields:
            form.local_authority_id.data = str(organisation.local_authority_id or "")
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            services.save_settings(user, {name: getattr(form, name).data for name in fields})
            db.session.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("organisations.settings"))
    return render_template("organisations/settings.html", form=form, organisation=organisation), status
