"""The LA officer's read-only summary of their schools' placements. Thin: the scoping and the audit are in
services.py."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from service.access import current, roles_required
from service.extensions import db
from service.la_notices import services
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role

bp = Blueprint("la_notices", __name__, template_folder="templates")


@bp.route(services.SUMMARY_PATH)
@roles_required(Role.COMMISSIONER)
def school_placements() -> tuple[str, int]:
    user = current()
    la = services.officer_local_authority(user)
    if la is None:
        abort(403)  # a school's commissioner, or anyone else: this section is for LA officers only
    schools = services.schools_choosing(la)
    filters, errors = _filters({school_id for school_id, _name in schools})
    page = services.school_placements(user, la, filters, _page_number())
    db.session.commit()  # the audit record of this view
    return (
        render_template(
            "la_notices/school_placements.html",
            la=la,
            page=page,
            schools=schools,
            statuses=services.LA_STATUSES,
            filters=filters,
            errors=errors,
        ),
        400 if errors else 200,
    )


def _filters(school_ids: set[int]) -> tuple[services.Filters, dict[str, str]]:
    """The filters asked for; one that is not a choice is left out and named next to its field."""
    errors: dict[str, str] = {}
    school_id = status = placement_id = None
    raw_school = request.args.get("school", "").strip()
    if raw_school:
        if raw_school.isdigit() and int(raw_school) in school_ids:
            school_id = int(raw_school)
        else:
            errors["school"] = "Choose one of your schools from the list"
    raw_status = request.args.get("status", "").strip()
    if raw_status:
        try:
            status = PlacementStatus(raw_status)
        except ValueError:
            status = None
        if status is None or status not in services.LA_STATUSES:
            status = None
            errors["status"] = "Choose a status from the list"
    raw_reference = request.args.get("reference", "").strip().upper().removeprefix("AP-")
    if raw_reference:
        if raw_reference.isdigit() and len(raw_reference) <= 9:
            placement_id = int(raw_reference)
        else:
            errors["reference"] = "Enter a placement reference like AP-123"
    return services.Filters(school_id=school_id, status=status, placement_id=placement_id), errors


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) <= 6 else 1
