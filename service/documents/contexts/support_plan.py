"""The AP Support Plan's context (seed 001, Appendix A; domain.md, documents, item 1).

Everything apdocs records today is filled in: the pupil (preferred and legal names, since the plan is a
legal record), parents and carers, the home school, the provider and its placement contact, the
commissioning organisation, who must decide and who decided, dates, the weekly sessions and the reason for
referral. The rest of Appendix A (the planning meeting, the assessment of need, objectives, interventions,
links with school, attendance arrangements, agreed actions, review date) and the signature names are
declared with empty values: the referral and signing journeys fill them in, and the template already has
their place.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from service.documents.fields import ASSESSMENT, REFERRAL, SIGNATURES, SUPPORT, empty_values
from service.formatting import uk_date
from service.placements.models import Placement, PlacementSession
from service.providers.models import Provider
from service.pupils.models import ParentCarer, Pupil


def build_support_plan_context(placement: Placement, *, on: date, version: int = 1) -> dict[str, Any]:
    """The AP Support Plan for ``placement`` as it stands on ``on`` (the year group is the one on that date)."""
    pupil = placement.pupil
    organisation = placement.commissioning_organisation
    assessment = empty_values(ASSESSMENT)
    assessment["reason_for_referral"] = placement.reason_for_referral or ""
    signatures = empty_values(SIGNATURES)
    for key, role in (
        ("parent_carer", "Parent or carer"),
        ("school_representative", "School representative"),
        ("provider_representative", "Alternative provider representative"),
    ):
        signatures[key]["role"] = role
    return {
        "document": {
            "title": "Alternative Provision Support Plan",
            "version": str(version),
            **_date("generated_on", on),
        },
        "pupil": _pupil(pupil, on),
        "parents": [_parent(parent) for parent in pupil.parents],
        "provider": _provider(placement.provider),
        "commissioner": {"name": organisation.name, "kind": organisation.kind_label},
        "placement": {
            "status": placement.status.label,
            "circumstance": placement.circumstance.label,
            "decision_maker": placement.decision_maker.label,
            "decided_by": placement.decided_by or "",
            **_date("planned_start", placement.planned_start),
            **_date("planned_end", placement.planned_end),
            **_date("actual_start", placement.actual_start),
            **_date("actual_end", placement.actual_end),
            "hours_per_week": _hours(placement.hours_per_week),
        },
        "sessions": [_session(session) for session in placement.sessions],
        "referral": empty_values(REFERRAL),
        "assessment": assessment,
        "support": empty_values(SUPPORT),
        "signatures": signatures,
    }


def _pupil(pupil: Pupil, on: date) -> dict[str, Any]:
    return {
        "display_name": pupil.display_name,
        "legal_name": pupil.legal_name,
        "preferred_name": pupil.preferred_name or "",
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": pupil.legal_last_name,
        **_date("date_of_birth", pupil.date_of_birth),
        "year_group": pupil.year_group_label_on(on),
        "upn": pupil.upn or "",
        "school": pupil.school.name if pupil.school is not None else "",
        "sen_status": pupil.sen_status.label,
        "sen_census_code": pupil.sen_status.census_code,
        "safeguarding_status": pupil.safeguarding_status.label,
        "looked_after": bool(pupil.looked_after),
        "fsm_eligible": bool(pupil.fsm_eligible),
    }


def _parent(parent: ParentCarer) -> dict[str, Any]:
    return {
        "name": parent.name,
        "relationship": parent.relationship_to_pupil or "",
        "phone": parent.phone or "",
        "email": parent.email or "",
        "address": parent.address or "",
        "parental_responsibility": bool(parent.parental_responsibility),
    }


def _provider(provider: Provider) -> dict[str, Any]:
    contact = next((c for c in provider.contacts if c.is_placement_contact), None)
    if contact is None and provider.contacts:
        contact = provider.contacts[0]
    address = "\n".join(part.strip() for part in (provider.address, provider.postcode) if part and part.strip())
    return {
        "name": provider.name,
        "address": address,
        "phone": provider.phone or "",
        "email": provider.email or "",
        "urn": provider.urn or "",
        "dfe_registered": bool(provider.dfe_registered),
        "contact_name": contact.name if contact else "",
        "contact_role": contact.role if contact else "",
        "contact_phone": contact.phone if contact else "",
        "contact_email": contact.email if contact else "",
        "dsl_name": provider.dsl_name or "",
        "dsl_phone": provider.dsl_phone or "",
        "deputy_dsl_name": provider.deputy_dsl_name or "",
        "deputy_dsl_phone": provider.deputy_dsl_phone or "",
    }


def _session(session: PlacementSession) -> dict[str, str]:
    return {
        "day": session.weekday_label,
        "starts_at": _clock(session.starts_at),
        "ends_at": _clock(session.ends_at),
        "hours": _hours(Decimal(session.minutes) / Decimal(60)),
    }


def _date(name: str, value: date | None) -> dict[str, str]:
    return {name: uk_date(value), f"{name}_iso": value.isoformat() if value else ""}


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


def _hours(value: Decimal) -> str:
    """Hours as people write them: 3, 2.5, 1.75 (never 3.0 or 1E+1)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
