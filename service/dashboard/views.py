"""The dashboard: counts by status and by To do list with the first rows of each for commissioners and providers,
counts for viewers; and a page per list ("See all") for the rest, sorted and filtered."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, render_template, request

from service.access import current, roles_required
from service.auth import services as accounts
from service.auth.models import User
from service.dashboard import attention, services
from service.dashboard.read_model import PlacementRow
from service.placements import services as placements
from service.provider_packs import services as packs
from service.rules.calendar import add_working_days
from service.rules.dates import UK, uk_date
from service.rules.placement_status import PlacementStatus
from service.rules.provider_pack import STARTING_SOON_WORKING_DAYS, PackState
from service.rules.roles import Role

bp = Blueprint("dashboard", __name__, template_folder="templates")

DASHBOARD_ORDER = services.DASHBOARD_ORDER


@bp.route("/")
def index() -> str:
    user = current()
    if user.role in (Role.COMMISSIONER, Role.PROVIDER_STAFF):
        now = datetime.now(UK)
        involved = services.to_do_placements(user, now.date())
        pack_board = None
        if user.role is Role.COMMISSIONER:
            pack_board = provider_pack_board(involved, now.date())
        return render_template(
            "dashboard/placements.html",
            counts=services.status_counts(user),
            grouped=services.first_rows(user),
            statuses=DASHBOARD_ORDER,
            packs=pack_board,
            to_do=_to_do(user, involved, now),
            first_rows=services.FIRST_ROWS,
        )
    if user.role is Role.VIEWER:
        counts = placements.status_counts(user.organisation_id)
        return render_template("dashboard/summary.html", counts=counts, statuses=list(PlacementStatus))
    return render_template("dashboard/admin.html", users=accounts.users_of(user.organisation_id))


def _to_do(user: User, involved: list[PlacementRow], now: datetime, only: str | None = None) -> list[attention.Group]:
    """The user's To do lists (or the one named ``only``): the commissioner's, or provider staff's."""
    if user.role is Role.COMMISSIONER:
        return attention.needs_action(user, involved, now.date(), now, only=only)
    return attention.provider_to_do(user, involved, now.date(), now, only=only)


@bp.route("/placements")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def placement_list() -> tuple[str, int]:
    """Every placement the user may see, a page at a time ("See all" from a status on the dashboard)."""
    user = current()
    providers = services.provider_choices(user)
    filters, errors = _filters({provider_id for provider_id, _name in providers})
    page = services.placements_page(user, filters, _page_number())
    return (
        render_template(
            "dashboard/placement_list.html",
            page=page,
            providers=providers,
            statuses=DASHBOARD_ORDER,
            sorts={"": "Start date", "pupil": "Pupil", "provider": "Provider"},
            filters=filters,
            errors=errors,
        ),
        400 if errors else 200,
    )


@bp.route("/to-do/<group>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def to_do_list(group: str) -> tuple[str, int]:
    """One To do list in full, a page at a time ("See all" from the dashboard). A list the user's role does not
    have is not found."""
    user = current()
    keys = attention.COMMISSIONER_GROUPS if user.role is Role.COMMISSIONER else attention.PROVIDER_GROUPS
    pack_lists = PACK_LISTS if user.role is Role.COMMISSIONER else {}
    if group not in keys and group not in pack_lists:
        abort(404)
    now = datetime.now(UK)
    involved = services.to_do_placements(user, now.date())
    if group in pack_lists:
        board = provider_pack_board(involved, now.date())
        found = attention.Group(group, pack_lists[group], [_pack_item(s) for s in board[group.removeprefix("packs-")]])
    else:
        found = _to_do(user, involved, now, only=group)[0]
    providers = services.provider_choices(user)
    filters, errors = _filters({provider_id for provider_id, _name in providers})
    page = services.to_do_page(found.items, filters, _page_number())
    return (
        render_template(
            "dashboard/to_do_list.html",
            group=found,
            page=page,
            providers=providers,
            statuses=DASHBOARD_ORDER,
            sorts=services.SORTS,
            filters=filters,
            errors=errors,
        ),
        400 if errors else 200,
    )


def _filters(provider_ids: set[int]) -> tuple[services.Filters, dict[str, str]]:
    """The filters and sort asked for; one that is not a choice is left out and named next to its field."""
    errors: dict[str, str] = {}
    provider_id = status = None
    raw_provider = request.args.get("provider", "").strip()
    if raw_provider:
        if raw_provider.isdigit() and int(raw_provider) in provider_ids:
            provider_id = int(raw_provider)
        else:
            errors["provider"] = "Choose one of the providers from the list"
    raw_status = request.args.get("status", "").strip()
    if raw_status:
        try:
            status = PlacementStatus(raw_status)
        except ValueError:
            errors["status"] = "Choose a status from the list"
    sort = request.args.get("sort", "").strip()
    if sort not in services.SORTS:
        errors["sort"] = "Choose how to sort the list"
        sort = ""
    return services.Filters(provider_id=provider_id, status=status, sort=sort), errors


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) <= 6 else 1


#: The pack tables that can grow with the caseload, by the key of their see-all page ("packs-" and the board's key).
PACK_LISTS = {
    "packs-failed": "Provider packs not sent, or that may have been sent: a person must check",
    "packs-starting_soon": "Provider packs: starting within 5 working days, no pack sent",
    "packs-due_now": "Provider packs due now",
    "packs-started": "Provider packs: placement started, no pack sent",
    "packs-coming_up": "Provider packs going out in the next 5 working days",
    "packs-sending": "Provider packs being sent",
}


def _pack_item(status: packs.PackStatus) -> attention.Item:
    """One pack as a row of its see-all page: what to do about it, and where."""
    placement = status.placement
    about = {
        "provider_id": placement.provider_id,
        "provider": placement.provider.name,
        "status": placement.status,
        "on": status.send_on,
    }
    if status.state is PackState.FAILED and status.message is not None:
        reason = f"{status.message.status.label}: check the email"
        return attention.Item(
            placement.pupil.display_name, reason, "mail.show_message", {"message_id": status.message.id}, **about
        )
    if status.problems:
        count = len(status.problems)
        reason = (
            f"Send by {uk_date(status.send_on)}. Cannot be sent yet: {count} thing{'s' if count > 1 else ''} to fix"
        )
    elif status.state is PackState.SENDING:
        reason = "Sending"
    else:
        reason = f"Send by {uk_date(status.send_on)}"
    return attention.Item(
        placement.pupil.display_name,
        reason,
        "provider_packs.preview_pack",
        {"placement_id": placement.id},
        **about,
    )


def provider_pack_board(every_placement: list[PlacementRow], today: date) -> dict[str, list[packs.PackStatus]]:
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
        "due_now": [s for s in statuses if s.state is PackState.DUE and not s.starting_soon],
        "started": [s for s in statuses if s.state is PackState.LATE and not s.starting_soon],
        "coming_up": [s for s in statuses if s.state is PackState.WAITING and s.send_on <= horizon],
        "sending": [s for s in statuses if s.state is PackState.SENDING],
        "sent": sorted(
            (s for s in statuses if s.state is PackState.SENT),
            key=lambda s: s.message.id if s.message else 0,
            reverse=True,
        )[:10],
    }
