"""The audit log screen: an admin sees what happened in their own organisation."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.access import current, roles_required
from service.audit import services as audit
from service.rules.roles import Role

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log() -> str:
    admin = current()
    return render_template("audit/log.html", events=audit.events_for_organisation(admin.organisation_id))
