"""The dashboard: placements by status for commissioners and providers, counts for viewers."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.access import current
from service.auth import services as accounts
from service.auth.models import Role
from service.placements import services as placements
from service.rules.placement_status import PlacementStatus

bp = Blueprint("dashboard", __name__, template_folder="templates")


# What needs attention first: running placements, then those about to start, then the rest.
DASHBOARD_ORDER = [
    PlacementStatus.ACTIVE,
    PlacementStatus.UNDER_REVIEW,
    PlacementStatus.AGREED,
    PlacementStatus.REFERRED,
    PlacementStatus.DRAFT,
    PlacementStatus.ENDED,
    PlacementStatus.CANCELLED,
]


@bp.route("/")
def index() -> str:
    user = current()
    if user.role in (Role.COMMISSIONER, Role.PROVIDER_STAFF):
        grouped = placements.placements_by_status(user)
        return render_template("dashboard/placements.html", grouped=grouped, statuses=DASHBOARD_ORDER)
    if user.role is Role.VIEWER:
        counts = placements.status_counts(user.organisation_id)
        return render_template("dashboard/summary.html", counts=counts, statuses=list(PlacementStatus))
    return render_template("dashboard/admin.html", users=accounts.users_of(user.organisation_id))
