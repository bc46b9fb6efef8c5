"""The dashboard: placements by status for commissioners and providers, counts for viewers."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, render_template

from service.access import current
from service.auth import services as accounts
from service.dashboard import attention
from service.placements import services as placements
from service.placements.models import Placement
from service.provider_packs import services as packs
from service.rules.calendar import add_working_days
from service.rules.dates import UK
from service.rules.placement_status import PlacementStatus
from service.rules.provider_pack import STARTING_SOON_WORKING_DAYS, PackState
from service.rules.roles import Role

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
        pack_board = None
        to_do = None
        every = [p for rows in grouped.values() for p in rows]
        now = datetime.now(UK)
        if user.role is Role.COMMISSIONER:
            pack_board = provider_pack_board(every, now.date())
            to_do = attention.needs_action(user, every, now.date(), now)
        else:
            to_do = attention.provider_to_do(user, every, now.date(), now)
        return render_template(
            "dashboard/placements.html", grouped=grouped, statuses=DASHBOARD_ORDER, packs=pack_board, to_do=to_do
        )
    if user.role is Role.VIEWER:
        counts = placements.status_counts(user.organisation_id)
        return render_template("dashboard/summary.html", counts=counts, statuses=list(PlacementStatus))
    return render_template("dashboard/admin.html", users=accounts.users_of(user.organisation_id))


def provider_pack_board(every_placement: list[Placement], today: date) -> dict[str, list[packs.PackStatus]]:
    """The packs on the dashboard: what needs doing (failed, late, due), placements starting within five
    working days with no pack sent, packs coming up in the next five working days, and the latest sent."""
    statuses = packs.statuses(every_placement, today)
    horizon = add_working_days(today, STARTING_SOON_WORKING_DAYS)
    unsent = (PackState.WAITING, PackState.DUE, PackState.LATE)  # a failed one is listed first already
    return {
        "failed": [s for s in statuses if s.state is PackState.FAILED],
        "late": [s for s in statuses if s.state is PackState.LATE],
        "due": [s for s in statuses if s.state is PackState.DUE],
        "starting_soon": [s for s in statuses if s.starting_soon and s.state in unsent],
        "coming_up": [s for s in statuses if s.state is PackState.WAITING and s.send_on <= horizon],
        "sending": [s for s in statuses if s.state is PackState.SENDING],
        "sent": sorted(
            (s for s in statuses if s.state is PackState.SENT),
            key=lambda s: s.message.id if s.message else 0,
            reverse=True,
        )[:10],
    }
