"""The parts every document's context shares: the document itself, the pupil, parents, provider, commissioner,
placement and its weekly sessions, and the small formatters for dates, times and hours.

Each function returns exactly the fields its group declares (``_fields``), as plain strings, booleans and lists, so
builders can put them together and the result is still JSON. Templates never reach into models: a context can be
stored with the document it produced, and the document produced again from it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from service.placements.models import Placement, PlacementSession
from service.providers.models import Provider
from service.pupils.models import ParentCarer, Pupil
from service.rules.dates import UK, uk_date
from service.rules.full_time import ParentsConsulted, PartTimeReason, day_check

# Feature models for the signatures only: a kind reads what it needs through the placement's relationships, so
# the documents package sits below the features it makes documents of.
if TYPE_CHECKING:
    from service.support_plans.models import PlanObjective


def document(title: str, version: int, on: date) -> dict[str, str]:
    return {"title": title, "version": str(version), **date_fields("generated_on", on)}


def pupil(record: Pupil, on: date) -> dict[str, Any]:
    """The pupil as of ``on`` (the year group is the one on that date)."""
    return {
        "display_name": record.display_name,
        "legal_name": record.legal_name,
        "preferred_name": record.preferred_name or "",
        "legal_first_name": record.legal_first_name,
        "legal_last_name": record.legal_last_name,
        **date_fields("date_of_birth", record.date_of_birth),
        "year_group": record.year_group_label_on(on),
        "upn": record.upn or "",
        "school": record.school.name if record.school is not None else "",
        "sen_status": record.sen_status.label,
        "sen_census_code": record.sen_status.census_code,
        "safeguarding_status": record.safeguarding_status.label,
        "looked_after": bool(record.looked_after),
        "fsm_eligible": bool(record.fsm_eligible),
    }


def parent(record: ParentCarer) -> dict[str, Any]:
    return {
        "name": record.name,
        "relationship": record.relationship_to_pupil or "",
        "phone": record.phone or "",
        "email": record.email or "",
        "address": record.address or "",
        "parental_responsibility": bool(record.parental_responsibility),
    }


def provider(record: Provider) -> dict[str, Any]:
    """The provider, with its placement contact (the first contact when none is marked as such)."""
    contact = next((c for c in record.contacts if c.is_placement_contact), None)
    if contact is None and record.contacts:
        contact = record.contacts[0]
    address = "\n".join(part.strip() for part in (record.address, record.postcode) if part and part.strip())
    return {
        "name": record.name,
        "address": address,
        "phone": record.phone or "",
        "email": record.email or "",
        "urn": record.urn or "",
        "dfe_registered": bool(record.dfe_registered),
        "contact_name": contact.name if contact else "",
        "contact_role": contact.role if contact else "",
        "contact_phone": contact.phone if contact else "",
        "contact_email": contact.email if contact else "",
        "dsl_name": record.dsl_name or "",
        "dsl_phone": record.dsl_phone or "",
        "deputy_dsl_name": record.deputy_dsl_name or "",
        "deputy_dsl_phone": record.deputy_dsl_phone or "",
    }


def commissioner(placement: Placement) -> dict[str, str]:
    organisation = placement.commissioning_organisation
    return {"name": organisation.name, "kind": organisation.kind_label}


def placement_fields(record: Placement) -> dict[str, Any]:
    return {
        "status": record.status.label,
        "circumstance": record.circumstance.label,
        "decision_maker": record.decision_maker.label,
        "decided_by": record.decided_by or "",
        **date_fields("planned_start", record.planned_start),
        **date_fields("planned_end", record.planned_end),
        **date_fields("actual_start", record.actual_start),
        **date_fields("actual_end", record.actual_end),
        "hours_per_week": hours(record.hours_per_week),
    }


def session(record: PlacementSession) -> dict[str, str]:
    return {
        "day": record.weekday_label,
        "starts_at": clock(record.starts_at),
        "ends_at": clock(record.ends_at),
        "hours": hours(Decimal(record.minutes) / Decimal(60)),
    }


def week(placement: Placement, with_detail: bool) -> dict[str, Any]:
    """The pupil's week in every setting and the full-time judgement, as the plan's check makes it (the same rule,
    the organisation's school day and the plan's reason). ``with_detail`` False leaves out the reason's detail,
    which may be medical: the provider pack carries only the reason itself."""
    plan = placement.support_plan
    organisation = placement.commissioning_organisation
    consulted = ParentsConsulted(plan.parents_consulted_on, plan.parents_consulted_with) if plan else None
    reason = _known_reason(plan.part_time_reason if plan else None)
    check = day_check(
        placement.timetable,
        reason,
        plan.part_time_detail if plan else "",
        consulted,
        day_starts=organisation.school_day_starts,
        day_ends=organisation.school_day_ends,
    )
    intensive = not check.full_time and reason is PartTimeReason.INTENSIVE and consulted is not None
    return {
        "timetable": [{**session(s), "where": s.setting.label} for s in placement.sessions],
        "school_day": f"{clock(organisation.school_day_starts)} to {clock(organisation.school_day_ends)}",
        "full_time": check.full_time,
        "not_covered": ", ".join(gap.label for gap in check.gaps),
        "reason": "" if check.full_time or reason is None else reason.label,
        "reason_detail": text(plan.part_time_detail) if plan and with_detail and not check.full_time else "",
        "parents_consulted": (
            ", ".join(
                part for part in (uk_date(consulted.on) if consulted.on else "", consulted.with_whom.strip()) if part
            )
            if intensive and consulted
            else ""
        ),
        "hours_difference_reason": text(plan.hours_difference_reason) if plan else "",
    }


def _known_reason(value: str | None) -> PartTimeReason | None:
    """A stored reason the rule knows; an older or unknown code is read as none rather than stop the document."""
    try:
        return PartTimeReason(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def date_fields(name: str, value: date | datetime | None) -> dict[str, str]:
    """A date field and its ISO twin: ``{"x": "5 January 2026", "x_iso": "2026-01-05"}``, both empty for None.

    A datetime (a moment stored in UTC) is the date it was in the UK, as people there would write it.
    """
    if value is None:
        return {name: "", f"{name}_iso": ""}
    day = value.astimezone(UK).date() if isinstance(value, datetime) else value
    return {name: uk_date(day), f"{name}_iso": day.isoformat()}


def clock(value: time) -> str:
    return f"{value:%H:%M}"


def hours(value: Decimal | int | None) -> str:
    """Hours as people write them: 3, 2.5, 1.75 (never 3.0 or 1E+1); empty when not known."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Decimal | None) -> str:
    """An attendance percentage as ``rules.attendance_codes.attendance_percent`` rounded it: "91.2%", "88%" (not
    "88.0%"); empty when unknown. Every document writes percentages through this, so none differs from another."""
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0") + "%"


def text(value: str | None) -> str:
    """Free text as recorded, or empty: a context never holds None."""
    return value or ""


def yes_no_blank(value: bool | None) -> str:
    """A question that may not be answered yet: "Yes", "No" or empty."""
    if value is None:
        return ""
    return "Yes" if value else "No"


def objective(record: PlanObjective) -> dict[str, str]:
    """One SMART objective of the plan, as the support plan and the provider pack both print it."""
    return {
        "area": record.area.label if record.area is not None else "",
        "objective": text(record.objective),
        "baseline": text(record.baseline),
        "target": text(record.target),
        "measure": text(record.measure),
        **date_fields("due_by", record.due_by),
    }
