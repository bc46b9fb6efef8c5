"""The provider information pack (what the Oxfordshire commissioning guidance says the provider must have before the
pupil arrives): the fields its template may use, its context, and when it can be produced (from the placement page,
until the placement ends).

Sent to the provider before the placement starts: what they need to keep the pupil safe and taught. The
needs, what works, behaviour, interests, transport and other emergency contacts come from the placement's
``provider_pack``; the risks, objectives, interventions, attendance arrangements and first review date from
its support plan; the safeguarding lead, child-protection expectations, concern procedure and attendance
contact from the commissioning organisation; the emergency contacts from the pupil's parents and carers.

Data minimisation (UK GDPR art. 5(1)(c)): the pupil group holds only what a provider needs (no UPN, no
census codes), emergency contacts only names, relationships and phone numbers, and a section the
commissioner keeps out of the pack (``ProviderPack.withheld``) is empty here -- not merely hidden by the
template -- because the context is stored with the document. ``shared`` says which sections go. The
safeguarding status, the risks and the SEN are kept out only with a reason (``rules.provider_pack``); in their
place the pack says they were withheld by the commissioner (``withheld_note``), never what they hold or why.

What the pack must always say (``home_school``): that only the home school can suspend or exclude the pupil,
and from Year 8 the pupil's entitlement to careers guidance (``rules.provider_pack``).

A placement may have no pack row and no plan yet: every answer is then empty and every section shared.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from service.documents.engine import schema as fields
from service.documents.engine.schema import Schema
from service.documents.kinds import _common as common
from service.documents.kinds._fields import (
    COMMISSIONER,
    DOCUMENT,
    FROM_THE_PLAN,
    OBJECTIVE,
    PLACEMENT,
    PROVIDER,
    SESSIONS,
    WEEK,
)
from service.documents.kinds._kind import DocumentKind, MadeFrom
from service.documents.types import DocumentType
from service.placements import registration_details
from service.placements.models import Placement
from service.pupils.models import ParentCarer, Pupil
from service.rules.provider_pack import (
    PackSection,
    careers_guidance_sentence,
    exclusion_sentence,
    withheld_sentence,
)

# Feature models for the signatures only: a kind reads what it needs through the placement's relationships, so
# the documents package sits below the features it makes documents of.
if TYPE_CHECKING:
    from service.provider_packs.models import ProviderPack
    from service.support_plans.models import PlanIntervention, SupportPlan

# -- the fields its template may use ------------------------------------------------------------------

WITHHELD = "Empty when the commissioner keeps this section out of the pack: see `shared`."

PACK_PUPIL = fields.group(
    "pupil",
    "The child or young person: only what the provider needs (no UPN, no census codes).",
    fields.text("display_name", "The name they go by: preferred first name and surname", "Jay Smith"),
    fields.text("legal_name", "Legal name", "Jayden Smith"),
    fields.text("preferred_name", "Preferred first name, or empty when they use their legal first name", "Jay"),
    fields.date("date_of_birth", "Date of birth", "14 March 2011"),
    fields.text("year_group", "National curriculum year group on the document's date", "Year 9"),
    fields.text(
        "school", "Home school (school on roll), or empty when the pupil has no school place", "Northbridge Academy"
    ),
    fields.yes_no("looked_after", "Whether the pupil is looked after (in care)", False),
)

#: Section of the pack -> what it holds, for ``shared.<section>``. Kept in step with ``PackSection``.
PACK_SECTIONS = (
    ("sen", "special educational needs: `needs.sen_status` and `needs.send_needs`"),
    ("literacy", "reading and writing: `needs.literacy`"),
    ("medical", "medical needs: `needs.medical_needs`"),
    ("what_works", "what works and what to avoid: `needs.what_works` and `needs.what_to_avoid`"),
    (
        "behaviour",
        "behaviours that challenge and strategies that have worked: "
        "`needs.behaviours_that_challenge` and `needs.strategies_that_worked`",
    ),
    ("risks", "the risks from the support plan: `needs.risks`"),
    ("interests", "aptitudes and interests: `needs.aptitudes_interests`"),
    ("safeguarding_status", "the safeguarding status: `safeguarding.status`"),
    ("fsm", "free school meal eligibility: `fsm_eligible`"),
    ("transport", "transport: `transport`"),
)

PACK_SHARED = fields.group(
    "shared",
    "Which sections go to the provider. The commissioner may keep a section out (data minimisation): "
    "put the whole section, heading included, inside `{%p if shared.<section> %}` ... `{%p endif %}`, so a "
    "section kept out leaves no trace. The safeguarding status, the risks and the SEN are kept out only with a "
    "recorded reason, and the pack says so: print `withheld_note` in their place "
    "(`{% if shared.sen %}` ... `{% else %}{{ withheld_note }}{% endif %}`). All true when nothing is kept out.",
    *(fields.yes_no(name, f"Whether the pack shares {what}", True) for name, what in PACK_SECTIONS),
)

PACK_NEEDS = fields.group(
    "needs",
    "What the provider needs to know to teach the pupil well. Each field is empty when its section is kept out.",
    fields.text("sen_status", "Special educational needs status (section `sen`)", "SEN support", note=WITHHELD),
    fields.paras(
        "send_needs",
        "The pupil's special educational needs and disabilities, and how to support them (section `sen`)",
        "Dyslexia: give instructions one at a time.",
        note=WITHHELD,
    ),
    fields.paras(
        "literacy",
        "Reading and writing: reading age, what helps (section `literacy`)",
        "Reading age 9 years 2 months; uses a coloured overlay.",
        note=WITHHELD,
    ),
    fields.paras(
        "medical_needs",
        "Medical needs and medication (section `medical`)",
        "Asthma: inhaler in the front pocket of the bag.",
        note=WITHHELD,
    ),
    fields.paras("what_works", "What works with the pupil (section `what_works`)", "Praise in private.", note=WITHHELD),
    fields.paras(
        "what_to_avoid", "What to avoid (section `what_works`)", "Reading aloud in front of the group.", note=WITHHELD
    ),
    fields.paras(
        "behaviours_that_challenge",
        "Behaviours that challenge (section `behaviour`)",
        "Walks out when frustrated.",
        note=WITHHELD,
    ),
    fields.paras(
        "strategies_that_worked",
        "Strategies that have worked with those behaviours (section `behaviour`)",
        "An agreed time-out card and a quiet space.",
        note=WITHHELD,
    ),
    fields.paras(
        "aptitudes_interests",
        "What the pupil is good at and interested in (section `interests`)",
        "Bikes, drawing, looking after animals.",
        note=WITHHELD,
    ),
    fields.paras(
        "risks",
        "Risks identified in the support plan, e.g. leaving the site (section `risks`); also empty while there is "
        "no support plan",
        "Has left the school site twice.",
        note=WITHHELD,
    ),
)

PACK_SAFEGUARDING = fields.group(
    "safeguarding",
    "Keeping the pupil safe: the commissioning organisation's safeguarding lead, expectations and procedure. "
    "Always in the pack.",
    fields.text(
        "status",
        "The pupil's safeguarding status (section `safeguarding_status`)",
        "Early help",
        note=WITHHELD,
    ),
    fields.text("dsl_name", "The commissioning organisation's designated safeguarding lead (DSL)", "Mrs P Grant"),
    fields.text("dsl_phone", "The DSL's phone number", "01632 960001"),
    fields.text("deputy_dsl_name", "The deputy DSL", "Mr D Shah"),
    fields.text("deputy_dsl_phone", "The deputy DSL's phone number", "01632 960002"),
    fields.paras(
        "expectations",
        "What the commissioning organisation expects of the provider on child protection",
        "Follow the school's child protection policy and Keeping children safe in education.",
    ),
    fields.paras(
        "concern_procedure",
        "What to do when worried about the pupil",
        "Phone the DSL the same day; record the concern in writing within 24 hours.",
    ),
)

PACK_HOME_SCHOOL = fields.group(
    "home_school",
    "What stays with the home school (or the commissioning local authority) while the pupil is with the provider. "
    "Always in the pack.",
    fields.paras(
        "exclusion",
        "That only the home school can suspend or permanently exclude the pupil (the pupil stays on its roll), or, "
        "for a pupil on no school's roll, that no one can; and to phone the commissioner the same day instead",
        "Only Northbridge Academy, the pupil's home school, can suspend or permanently exclude Jay Smith: they stay "
        "on its roll while they are with you, and only its headteacher can decide.",
    ),
    fields.paras(
        "careers_guidance",
        "The pupil's entitlement to independent careers guidance, which the school must secure (Year 8 to Year 13, "
        "in the year group the pupil is in by the end of the placement)",
        "From Year 8 Jay Smith is entitled to independent careers guidance, and Northbridge Academy must make sure "
        "they get it while they are with you.",
        note="Empty before Year 8: print it only `{%p if home_school.careers_guidance %}`.",
    ),
)

PACK_OBJECTIVES = fields.list_of(
    "objectives",
    "The support plan's objectives, in the plan's order; an empty list while there is no plan.",
    *OBJECTIVE,
)

PACK_INTERVENTIONS = fields.list_of(
    "interventions",
    "The support plan's interventions in every setting, in the plan's order; an empty list while there is no plan.",
    fields.text("intervention_type", "What the intervention is", "Construction skills"),
    fields.text("hours_per_week", "Hours a week, or empty", "15"),
    fields.text(
        "delivered_by",
        "Where it happens: The alternative provider, The home school or Another setting",
        "The alternative provider",
    ),
    fields.date("start_date", "Start date, or empty", "5 January 2026"),
)

PACK_ATTENDANCE = fields.group(
    "attendance",
    "How the provider reports attendance. The template says the fixed part: report twice a day (morning and "
    "afternoon), and phone the same day about any absence.",
    fields.text(
        "register_code",
        "The code the home school records in its register for the pupil's sessions here: D when the pupil is dual "
        "registered at the provider (a pupil referral unit or AP academy), else K for a placement the local "
        "authority arranged, B for one the school arranged",
        "B",
    ),
    fields.text(
        "register_code_meaning",
        "What that code means",
        "attending an approved educational activity arranged by the school (counts as present)",
    ),
    fields.text(
        "register_code_reason",
        'Why the school records that code, to follow "because": dual registered at the provider, or who arranged '
        "the placement",
        "Northbridge Academy arranged the placement and the pupil is not registered at Horizon Skills CIC",
    ),
    fields.text(
        "contact_name", "Whom to tell about attendance and absence at the commissioning organisation", "Mrs J Lee"
    ),
    fields.text("contact_phone", "Their phone number", "01632 960010"),
    fields.text("contact_email", "Their email address", "attendance@northbridge.example"),
    fields.paras(
        "arrangements",
        "The arrangements to report and monitor attendance agreed in the support plan",
        "Text the attendance office by 09:30 and 13:30.",
        note=FROM_THE_PLAN,
    ),
)

PACK_EMERGENCY_CONTACTS = fields.list_of(
    "emergency_contacts",
    "The pupil's parents and carers to call in an emergency, in the order recorded: names, relationships and "
    "phone numbers only.",
    fields.text("name", "Name", "Pat Smith"),
    fields.text("relationship", "Relationship to the pupil", "Mother"),
    fields.text("phone", "Phone number", "07700 900123"),
)

PACK_REVIEWS = fields.group(
    "reviews",
    "When the placement is reviewed.",
    fields.date("first_review_date", "Date of the first review meeting, from the support plan", "9 February 2026"),
    fields.date(
        "next_review_date",
        "Date of the next review meeting: the one set at the latest review, or the first review date before any "
        "review has been held; empty when not set",
        "23 March 2026",
    ),
    fields.list_of(
        "held",
        "Reviews held so far, first review first.",
        fields.text("number", "Review number (1, 2, ...)", "1"),
        fields.date("meeting_date", "Date of the review meeting", "9 February 2026"),
    ),
)

PACK_FIELDS = (
    DOCUMENT,
    PACK_PUPIL,
    PROVIDER,
    COMMISSIONER,
    PLACEMENT,
    SESSIONS,
    WEEK,
    PACK_SHARED,
    PACK_NEEDS,
    PACK_SAFEGUARDING,
    fields.text(
        "withheld_note",
        "What to print in place of the safeguarding status, the risks or the SEN when the commissioner keeps it out "
        "(`shared.safeguarding_status`, `shared.risks`, `shared.sen` false): that it was withheld, by whom",
        "Withheld by Northbridge Academy: we decided you do not need this to keep the pupil safe and taught. If you "
        "think you do, ask our designated safeguarding lead.",
    ),
    PACK_HOME_SCHOOL,
    fields.yes_no(
        "fsm_eligible",
        "Whether the pupil is eligible for free school meals (section `fsm`): print it only under `shared.fsm`",
        True,
        note="False when the commissioner keeps this section out of the pack.",
    ),
    PACK_OBJECTIVES,
    PACK_INTERVENTIONS,
    PACK_ATTENDANCE,
    fields.paras(
        "transport",
        "How the pupil gets to and from the provider (section `transport`)",
        "Taxi at 08:30.",
        note=WITHHELD,
    ),
    PACK_EMERGENCY_CONTACTS,
    fields.paras(
        "other_emergency_contacts",
        "Other people to call in an emergency, as the commissioner wrote them",
        "Aunt: Grace Hill 07700 900124",
    ),
    PACK_REVIEWS,
)

SCHEMA = Schema(
    DocumentType.PROVIDER_PACK.label,
    PACK_FIELDS,
    intro=(
        "What the provider needs, before the pupil starts, to keep them safe and taught: their needs, the "
        "safeguarding contacts and procedure, the objectives and timetable, attendance reporting, transport, "
        "emergency contacts and review dates. A section the commissioner keeps out of the pack is empty "
        "(`shared` says which)."
    ),
)


# -- its context --------------------------------------------------------------------------------------

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
        "sessions": [common.session(session) for session in placement.provider_sessions],
        "week": common.week(placement, with_detail=False),
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
        "withheld_note": withheld_sentence(organisation.name),
        "home_school": _home_school(placement, on),
        "fsm_eligible": bool(pupil.fsm_eligible) and shared[PackSection.FSM],
        "objectives": [common.objective(objective) for objective in plan.objectives] if plan is not None else [],
        "interventions": [_intervention(item) for item in plan.interventions] if plan is not None else [],
        "attendance": _attendance(placement, plan),
        "transport": _answer(pack, "transport") if shared[PackSection.TRANSPORT] else "",
        "emergency_contacts": [_emergency_contact(parent) for parent in pupil.parents],
        "other_emergency_contacts": _answer(pack, "other_emergency_contacts"),
        "reviews": _reviews(placement, plan),
    }


def _home_school(placement: Placement, on: date) -> dict[str, str]:
    """Who alone can exclude the pupil, and their careers guidance entitlement in the year group they reach by the
    end of the placement (or its start, when no end is planned): a pack sent in July for September is read in the
    new school year."""
    pupil = placement.pupil
    school = pupil.school.name if pupil.school is not None else ""
    commissioner = placement.commissioning_organisation.name
    until = max(on, placement.planned_end or placement.planned_start)
    return {
        "exclusion": exclusion_sentence(pupil.display_name, school, commissioner),
        "careers_guidance": careers_guidance_sentence(
            pupil.display_name, pupil.year_group_on(until), school, commissioner
        ),
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
    # D, K or B from the placement (dual registered, else who arranged it), what it means and why.
    code, meaning, reason = registration_details.register_code(placement)
    return {
        "register_code": code,
        "register_code_meaning": meaning,
        "register_code_reason": reason,
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


#: Sent before the pupil starts and again when something changes; an ended placement needs no new pack.
STATUSES = ("referred", "agreed", "active", "under_review")
KIND = DocumentKind(DocumentType.PROVIDER_PACK, SCHEMA, build_provider_pack_context, STATUSES, MadeFrom.PLACEMENT)
