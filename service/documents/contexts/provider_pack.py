"""The provider information pack's context (what the Oxfordshire commissioning guidance says the provider must have
before the pupil arrives).

Sent to the provider before the placement starts: what they need to keep the pupil safe and taught. The
needs, what works, behaviour, interests, transport and other emergency contacts come from the placement's
``provider_pack``; the risks, objectives, interventions, attendance arrangements and first review date from
its support plan; the safeguarding lead, child-protection expectations, concern procedure and attendance
contact from the commissioning organisation; the emergency contacts from the pupil's parents and carers.

Data minimisation (UK GDPR art. 5(1)(c)): the pupil group holds only what a provider needs (no UPN, no
census codes), emergency contacts only names, relationships and phone numbers, and a section the
commissioner keeps out of the pack (``ProviderPack.withheld``) is empty here -- not merely hidden by the
template -- because the context is stored with the document. ``shared`` says which sections go.

A placement may have no pack row and no plan yet: every answer is then empty and every section shared.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from service.documents.contexts import common
from service.documents.contexts.support_plan import _objective
from service.placements.models import Placement
from service.provider_packs.models import PackSection, ProviderPack
from service.pupils.models import ParentCarer, Pupil
from service.rules.attendance_codes import MEANINGS, off_site_register_code
from service.support_plans.models import PlanIntervention, SupportPlan

TITLE = "Provider information pack"

#: The shared pupil fields a provider needs; the UPN, census codes and the statuses of withheld sections are not.
PUPIL_FIELDS = (
    "display_name",
    "legal_name",
    "preferred_name",
    "date_of_birth",
    "date_of_birth_iso",
    "year_group",
    "school",
    "looked_after",
)


def build_provider_pack_context(placement: Placement, *, on: date, version: int = 1) -> dict[str, Any]:
    """The provider information pack for ``placement`` as it stands on ``on``."""
    pupil = placement.pupil
    pack = placement.provider_pack
    plan = placement.support_plan
    shared = {section.value: pack is None or pack.shares(section) for section in PackSection}
    organisation = placement.commissioning_organisation
    return {
        "document": common.document(TITLE, version, on),
        "pupil": _pupil(pupil, on),
        "provider": common.provider(placement.provider),
        "commissioner": common.commissioner(placement),
        "placement": common.placement_fields(placement),
        "sessions": [common.session(session) for session in placement.sessions],
        "shared": shared,
        "needs": _needs(pupil, pack, plan, shared),
        "safeguarding": {
            "status": pupil.safeguarding_status.label if shared[PackSection.SAFEGUARDING_STATUS] else "",
            "dsl_name": common.text(organisation.dsl_name),
            "dsl_phone": common.text(organisation.dsl_phone),
            "deputy_dsl_name": common.text(organisation.deputy_dsl_name),
            "deputy_dsl_phone": common.text(organisation.deputy_dsl_phone),
            "expectations": common.text(organisation.child_protection_expectations),
            "concern_procedure": common.text(organisation.concern_procedure),
        },
        "fsm_eligible": bool(pupil.fsm_eligible) and shared[PackSection.FSM],
        "objectives": [_objective(objective) for objective in plan.objectives] if plan is not None else [],
        "interventions": [_intervention(item) for item in plan.interventions] if plan is not None else [],
        "attendance": _attendance(placement, plan),
        "transport": _answer(pack, "transport") if shared[PackSection.TRANSPORT] else "",
        "emergency_contacts": [_emergency_contact(parent) for parent in pupil.parents],
        "other_emergency_contacts": _answer(pack, "other_emergency_contacts"),
        "reviews": _reviews(placement, plan),
    }


def _pupil(record: Pupil, on: date) -> dict[str, Any]:
    """The pupil as a provider needs them: names, age, year group, school, whether in care."""
    full = common.pupil(record, on)
    return {name: full[name] for name in PUPIL_FIELDS}


def _answer(pack: ProviderPack | None, name: str) -> str:
    return common.text(getattr(pack, name)) if pack is not None else ""


def _needs(
    pupil: Pupil, pack: ProviderPack | None, plan: SupportPlan | None, shared: dict[str, bool]
) -> dict[str, str]:
    def section(value: PackSection, text: str) -> str:
        return text if shared[value] else ""

    return {
        "sen_status": section(PackSection.SEN, pupil.sen_status.label),
        "send_needs": section(PackSection.SEN, _answer(pack, "send_needs")),
        "literacy": section(PackSection.LITERACY, _answer(pack, "literacy")),
        "medical_needs": section(PackSection.MEDICAL, _answer(pack, "medical_needs")),
        "what_works": section(PackSection.WHAT_WORKS, _answer(pack, "what_works")),
        "what_to_avoid": section(PackSection.WHAT_WORKS, _answer(pack, "what_to_avoid")),
        "behaviours_that_challenge": section(PackSection.BEHAVIOUR, _answer(pack, "behaviours_that_challenge")),
        "strategies_that_worked": section(PackSection.BEHAVIOUR, _answer(pack, "strategies_that_worked")),
        "aptitudes_interests": section(PackSection.INTERESTS, _answer(pack, "aptitudes_interests")),
        "risks": section(PackSection.RISKS, common.text(plan.risks) if plan is not None else ""),
    }


def _intervention(intervention: PlanIntervention) -> dict[str, str]:
    return {
        "intervention_type": common.text(intervention.intervention_type),
        "hours_per_week": common.hours(intervention.hours_per_week),
        "delivered_by": intervention.delivered_by.label,
        **common.date_fields("start_date", intervention.start_date),
    }


def _attendance(placement: Placement, plan: SupportPlan | None) -> dict[str, str]:
    organisation = placement.commissioning_organisation
    code = off_site_register_code(organisation.kind)
    meaning = MEANINGS[code]
    return {
        "register_code": code,
        # MEANINGS reads "B — attending ...": the template prints the code itself, so only the meaning here.
        "register_code_meaning": meaning.removeprefix(f"{code} — "),
        "contact_name": common.text(organisation.attendance_contact_name),
        "contact_phone": common.text(organisation.attendance_contact_phone),
        "contact_email": common.text(organisation.attendance_contact_email),
        "arrangements": common.text(plan.attendance_arrangements) if plan is not None else "",
    }


def _emergency_contact(parent: ParentCarer) -> dict[str, str]:
    """A parent or carer to phone: no email, no address (the provider phones in an emergency)."""
    return {"name": parent.name, "relationship": parent.relationship_to_pupil or "", "phone": parent.phone or ""}


def _reviews(placement: Placement, plan: SupportPlan | None) -> dict[str, Any]:
    first = plan.review_date if plan is not None else None
    latest = placement.reviews[-1] if placement.reviews else None
    # Once a review has been held the first review date is past: the next one is whatever that review set.
    upcoming = latest.next_review_date if latest is not None else first
    return {
        **common.date_fields("first_review_date", first),
        **common.date_fields("next_review_date", upcoming),
        "held": [
            {"number": str(review.number), **common.date_fields("meeting_date", review.meeting_date)}
            for review in placement.reviews
        ],
    }
