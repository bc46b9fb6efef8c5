"""The fields each document's Word template may use: one schema, three uses.

Every document type declares its context as a tree of :class:`Field` s. The schema is the contract between
the code that builds a context (``service/documents/contexts/``) and the people who edit templates in Word:

* tests check every context builder against it (:func:`context_problems`), so a template never meets a
  field the documentation promised but the code forgot, or the other way round;
* the upload checker (``rendering.check_template``) rejects a template that uses a field not declared here;
* ``docs/template-fields.md`` is generated from it: ``python -m service.documents.fields > docs/template-fields.md``
  (a test fails when the committed file differs from what this module prints).

Kinds of field, and the Python value a context holds for each (contexts are JSON-serialisable, because a
document's context is stored with it):

``text``        a string; a newline in it is a line break, a blank line starts a new paragraph.
``paragraphs``  a string of free text typed by a person: the same rendering as ``text``, named separately
                so template authors know to give it room.
``date``        a string in UK long form (``5 January 2026``) or empty when not known; every date field has
                a twin ``<name>_iso`` (``2026-01-05``) for templates that need another format.
``yes/no``      ``True`` or ``False``; print it with ``{{ x|yes_no }}`` or test it with ``{% if x %}``.
``image``       a PNG as base64 text, or empty; printed with ``{{ x }}`` it is the picture (about 1.5 cm tall;
                a chart, ``chart_image``, 15 cm wide), empty prints nothing. Signatures and the end-of-placement
                report's attendance chart are images.
``group``       a dict of sub-fields, used as ``{{ pupil.display_name }}``.
``list``        a list of dicts with the same sub-fields, used in a loop:
                ``{%tr for s in sessions %}`` ... ``{{ s.day }}`` ... ``{%tr endfor %}``.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.documents.types import DocumentType


class Kind(enum.StrEnum):
    TEXT = "text"
    PARAGRAPHS = "paragraphs"
    DATE = "date"
    YES_NO = "yes/no"
    IMAGE = "image"
    GROUP = "group"
    LIST = "list"


#: Names a field may not have: a context is a dict, and in a template ``x.items`` finds the dict's method,
#: not a field called "items".
RESERVED_NAMES = frozenset(name for name in dir(dict) if not name.startswith("_")) | {"loop"}

FROM_THE_PLAN = "Empty while the placement has no support plan, or the plan has no answer yet."


@dataclass(frozen=True)
class Field:
    """One field of a document's context."""

    name: str
    description: str
    example: Any = ""
    kind: Kind = Kind.TEXT
    fields: tuple[Field, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name in RESERVED_NAMES or self.name.startswith("_"):
            raise ValueError(f"{self.name!r} cannot be a template field name")
        if (self.kind in (Kind.GROUP, Kind.LIST)) != bool(self.fields):
            raise ValueError(f"{self.name}: only group and list fields have sub-fields")

    def child(self, name: str) -> Field | None:
        """The sub-field called ``name`` (a date's ``_iso`` twin included), if there is one."""
        for sub in self.fields:
            if sub.name == name:
                return sub
            if sub.kind is Kind.DATE and name == f"{sub.name}_iso":
                return _iso_twin(sub)
        return None


def _iso_twin(date_field: Field) -> Field:
    return Field(f"{date_field.name}_iso", f"{date_field.description} (ISO form)", iso_example(date_field.example))


def iso_example(example: str) -> str:
    return datetime.strptime(example, "%d %B %Y").date().isoformat() if example else ""


@dataclass(frozen=True)
class Schema:
    """The whole context of one document type."""

    doc_type: DocumentType
    fields: tuple[Field, ...]
    intro: str = ""
    root: Field = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Field("context", "", kind=Kind.GROUP, fields=self.fields))

    def lookup(self, name: str) -> Field | None:
        return self.root.child(name)


def _text(name: str, description: str, example: str = "", note: str = "") -> Field:
    return Field(name, description, example, Kind.TEXT, note=note)


def _paras(name: str, description: str, example: str = "", note: str = "") -> Field:
    return Field(name, description, example, Kind.PARAGRAPHS, note=note)


def _date(name: str, description: str, example: str = "", note: str = "") -> Field:
    return Field(name, description, example, Kind.DATE, note=note)


def _yes_no(name: str, description: str, example: bool = False, note: str = "") -> Field:
    return Field(name, description, example, Kind.YES_NO, note=note)


def _group(name: str, description: str, *fields: Field, note: str = "") -> Field:
    return Field(name, description, None, Kind.GROUP, tuple(fields), note=note)


def _list(name: str, description: str, *fields: Field, note: str = "") -> Field:
    return Field(name, description, None, Kind.LIST, tuple(fields), note=note)


def _signature(name: str, who: str) -> Field:
    return _group(
        name,
        f"Signature block: {who}.",
        _text("name", "Name of the person signing", "", note="Empty until the signing journey records it."),
        _text("role", "Their role", who.capitalize()),
        _date("signed_on", "Date signed", "", note="Empty until signed."),
        Field(
            "signature_image",
            "The signature they drew",
            "",
            Kind.IMAGE,
            note="Empty until signed, and when they typed their name instead.",
        ),
        _text("typed_signature", "The name they typed to sign, when they did not draw", "", note="Empty until signed."),
    )


DOCUMENT = _group(
    "document",
    "About this document itself.",
    _text("title", "The document's title", "Alternative Provision Support Plan"),
    _text("version", "Version number of this document for this placement (1, 2, ...)", "2"),
    _date("generated_on", "Date the document was produced", "12 January 2026"),
)

PUPIL = _group(
    "pupil",
    "The child or young person.",
    _text("display_name", "The name they go by: preferred first name and surname", "Jay Smith"),
    _text("legal_name", "Legal name (the plan is a legal record: show it with the preferred name)", "Jayden Smith"),
    _text("preferred_name", "Preferred first name, or empty when they use their legal first name", "Jay"),
    _text("legal_first_name", "Legal first name", "Jayden"),
    _text("legal_last_name", "Legal surname", "Smith"),
    _date("date_of_birth", "Date of birth", "14 March 2011"),
    _text("year_group", "National curriculum year group on the document's date", "Year 9"),
    _text("upn", "Unique pupil number, or empty", "A931400119001"),
    _text("school", "Home school (school on roll), or empty when the pupil has no school place", "Northbridge Academy"),
    _text("sen_status", "Special educational needs status", "SEN support"),
    _text("sen_census_code", "SEN status as the school census code (N, K or E)", "K"),
    _text("safeguarding_status", "Safeguarding status", "Early help"),
    _yes_no("looked_after", "Whether the pupil is looked after (in care)", False),
    _yes_no("fsm_eligible", "Whether the pupil is eligible for free school meals", True),
)

PARENTS = _list(
    "parents",
    "Parents and carers, in the order recorded.",
    _text("name", "Name", "Pat Smith"),
    _text("relationship", "Relationship to the pupil", "Mother"),
    _text("phone", "Phone number", "07700 900123"),
    _text("email", "Email address", "pat.smith@example.org"),
    _text("address", "Postal address (one line per line of the address)", "1 High Street\nNorthbridge\nNB1 2CD"),
    _yes_no("parental_responsibility", "Whether they have parental responsibility", True),
)

PROVIDER = _group(
    "provider",
    "The alternative provider.",
    _text("name", "Provider's name", "Horizon Skills CIC"),
    _text("address", "Address with postcode, one line per line", "Unit 4, Riverside Park\nNorthbridge\nNB3 4EF"),
    _text("phone", "Main phone number", "01632 960000"),
    _text("email", "Main email address", "office@horizon.example"),
    _text("urn", "DfE unique reference number (registered providers), or empty", ""),
    _yes_no("dfe_registered", "Whether the provider is registered with the DfE as a school", False),
    _text("contact_name", "Placement contact: the provider's named person for this placement", "Alex Jones"),
    _text("contact_role", "Placement contact's role", "Centre manager"),
    _text("contact_phone", "Placement contact's phone", "01632 960002"),
    _text("contact_email", "Placement contact's email", "alex@horizon.example"),
    _text("dsl_name", "Designated safeguarding lead", "Dee Safeguarding"),
    _text("dsl_phone", "DSL's phone", "01632 960001"),
    _text("deputy_dsl_name", "Deputy designated safeguarding lead", "Sam Deputy"),
    _text("deputy_dsl_phone", "Deputy DSL's phone", "01632 960003"),
)

COMMISSIONER = _group(
    "commissioner",
    "The organisation commissioning the placement (a school or a local-authority team).",
    _text("name", "Organisation's name", "Northbridge Academy"),
    _text("kind", "What kind of organisation it is", "School"),
)

PLACEMENT = _group(
    "placement",
    "The placement: where, when, and who decided.",
    _text("status", "Where the placement is in its lifecycle", "Agreed"),
    _text("circumstance", "The pupil's circumstances, which decide who must agree the placement", "On a school's roll"),
    _text("decision_maker", "Who must agree the placement", "The school's senior leadership team"),
    _text("decided_by", "Who agreed it, by name and role, or empty until agreed", "Ms R Patel, Deputy Head"),
    _date("planned_start", "Planned start date", "5 January 2026"),
    _date("planned_end", "Planned end date, or empty", "27 March 2026"),
    _date("actual_start", "Actual start date, or empty until it starts", ""),
    _date("actual_end", "Actual end date, or empty until it ends", ""),
    _text("hours_per_week", "Hours a week at the provider: the total of the sessions", "9"),
)

SESSIONS = _list(
    "sessions",
    "The weekly timetable at the provider, Monday first.",
    _text("day", "Day of the week", "Tuesday"),
    _text("starts_at", "Start time, 24-hour clock", "09:00"),
    _text("ends_at", "End time, 24-hour clock", "12:00"),
    _text("hours", "Length in hours", "3"),
)

REFERRAL = _group(
    "referral",
    "Appendix A, Initial referral: the planning meeting.",
    _date("planning_meeting_date", "Date of the planning meeting", "8 December 2025"),
    _text("school_rep", "School representative at the meeting", "Ms K Owen, SENCO"),
    _text("provider_rep", "Alternative provider representative", "Alex Jones, Centre manager"),
    _list(
        "parents",
        "Parents and carers taking part in the planning, in the order recorded.",
        _text("name", "Name", "Pat Smith"),
        _text("relationship", "Relationship to the pupil", "Mother"),
    ),
    _paras("other_professionals", "Other professionals involved", "Educational psychologist"),
    note=FROM_THE_PLAN,
)

DESIRED_OUTCOMES = _group(
    "desired_outcomes",
    "Desired outcomes, by area (the Oxfordshire commissioning guidance: attendance, attitude, attainment, "
    "behaviour, destination).",
    _paras("attendance", "Attendance", "Attend every session."),
    _paras("attitude", "Attitude to learning", "Feel confident working in a group."),
    _paras("attainment", "Attainment", "Entry level 3 functional skills English."),
    _paras("behaviour", "Behaviour", "No removals from class."),
    _paras("destination", "Destination after the placement", "Back in lessons full time."),
)

ASSESSMENT = _group(
    "assessment",
    "Appendix A, Assessment of need.",
    _paras(
        "child_views", "The child's views (always shown on the plan: `or_dash` when empty)", "I like making things."
    ),
    _paras(
        "parental_views",
        "Parental views and relevant home background (always shown on the plan: `or_dash` when empty)",
        "Jay's mum says mornings are hard.",
    ),
    _paras(
        "academic_progress",
        "Academic progress, including barriers to learning",
        "Working below expected level in English.",
    ),
    _paras("risks", "Risks identified, e.g. leaving site", "Has left the school site twice."),
    _text(
        "separate_risk_assessment",
        'Is a separate risk assessment required? "Yes", "No", or empty until answered',
        "Yes",
    ),
    _paras("reason_for_referral", "Reason for referral (recorded with the placement)", "Struggling in lessons."),
    DESIRED_OUTCOMES,
    note=FROM_THE_PLAN,
)

#: One SMART objective of the plan, as the support plan and the provider pack both print it.
OBJECTIVE = (
    _text("area", "Outcome area (Attendance, Attitude, Attainment, Behaviour, Destination), or empty", "Attendance"),
    _paras("objective", "What the pupil will achieve", "Attend every session for six weeks"),
    _paras("baseline", "Where the pupil is now", "62% attendance last half-term"),
    _paras("target", "Where the pupil should be", "95% attendance"),
    _paras("measure", "How progress is measured", "The provider's register"),
    _date("due_by", "By when", "13 February 2026"),
)

SUPPORT = _group(
    "support",
    "Appendix A, Support plan.",
    _list(
        "objectives", "SMART objectives: what, from which baseline, to which target, measured how, by when.", *OBJECTIVE
    ),
    _list(
        "interventions",
        "Interventions in every setting: type, hours a week, who delivers it and start date.",
        _text("type", "Intervention type", "Construction skills"),
        _text("hours", "Hours a week, or empty", "15"),
        _text(
            "delivered_by",
            "Where it happens: The alternative provider, The home school or Another setting",
            "The alternative provider",
        ),
        _date("start_date", "Start date", "5 January 2026"),
    ),
    _text(
        "total_hours",
        "Hours a week of the whole package, all settings added together; empty when no hours are recorded",
        "30",
    ),
    _text("hours_at_provider", "Hours a week at the alternative provider (its interventions)", "15"),
    _text("full_time_hours", "Hours a week that count as full time (a normal school week)", "30"),
    _yes_no("full_time", "Whether the package adds up to full time", False),
    _text(
        "part_time_reason",
        "Why the package is below full time, or empty",
        "Part-time AP: the pupil attends school for the rest of the week",
    ),
    _paras("part_time_detail", "The detail of that reason", "In school on Monday, Wednesday and Friday."),
    _paras(
        "school_links",
        "How the home school maintains links with the child and parents (shared time in school, visits, "
        "review meetings, phone calls)",
        "Weekly phone call from the SENCO.",
    ),
    _paras(
        "attendance_arrangements",
        "Arrangements to report and monitor attendance",
        "The provider reports attendance twice daily.",
    ),
    _paras(
        "agreed_actions",
        "Agreed actions: other referrals, special transition arrangements",
        "Referral to the school nurse.",
    ),
    _date("review_meeting_date", "Date of the review meeting", "9 February 2026"),
    note=FROM_THE_PLAN,
)

AGREEMENT = _group(
    "agreement",
    "Whether the plan has been agreed in apdocs, when and by whom.",
    _yes_no("agreed", "Whether the plan has been agreed", True),
    _date("agreed_on", "Date it was agreed", "15 December 2025"),
    _text("agreed_by", "Who recorded the agreement", "Ms K Owen"),
    _paras(
        "registration_override_reason",
        "Why the plan was agreed although the provider may need to register as an independent school; "
        "empty when there was no such warning",
        "",
    ),
    note=FROM_THE_PLAN,
)

#: What a review changed, as the review record and the plan's list of reviews both print it.
REVIEW_CHANGES = (
    _paras("changes_to_need", "Changes to the assessed need", "Anxiety about travel is now the main barrier."),
    _paras("changes_to_outcomes", "Changes to the desired outcomes or timescales", "Reintegration moved to Easter."),
    _paras(
        "changes_to_plan",
        "Changes to the support plan, including arrangements for reintegration to school",
        "One day a week in school from March.",
    ),
)

PLAN_REVIEWS = _list(
    "reviews",
    "The changes agreed at each review so far, first review first: only reviews that changed the plan.",
    _text("number", "Review number (1, 2, ...)", "1"),
    _date("meeting_date", "Date of the review meeting", "9 February 2026"),
    *REVIEW_CHANGES,
    _yes_no("extension_agreed", "Whether an extension was agreed", True),
    _date("new_end_date", "New finish / off-roll date, or empty", "22 May 2026"),
)

REVIEW = _group(
    "review",
    "Appendix A, Review / Transition Meeting: the review this record is of.",
    _text("number", "Review number for this placement (1, 2, ...)", "2"),
    _date("meeting_date", "Date of the review meeting", "9 February 2026"),
    _paras("present", "Who was present", "Ms K Owen (SENCO), Alex Jones (provider), Pat Smith (parent)"),
    _group(
        "attendance",
        "Attendance since the last review.",
        _date("from_date", "First day of the period", "5 January 2026"),
        _date("to_date", "Last day of the period", "6 February 2026"),
        _text("sessions_possible", "Possible sessions (am and pm), or empty", "50"),
        _text("sessions_attended", "Sessions attended, or empty", "44"),
        _text("percent", "Sessions attended as a percentage of possible sessions, or empty", "88%"),
        _paras("notes", "Notes on attendance", "Late twice after the bus changed."),
        Field(
            "chart_image",
            "A bar chart of each week's attendance over the period, from the register, with a line at 90%; "
            "printed 15 cm wide",
            "",
            Kind.IMAGE,
            note="Empty when the period is not given or the register has no possible session in it.",
        ),
    ),
    _paras(
        "pupil_views", "The pupil's views (always shown on the record: `or_dash` when empty)", "I like the workshop."
    ),
    _paras(
        "parent_views",
        "The parents' or carers' views (always shown on the record: `or_dash` when empty)",
        "Much happier in the mornings.",
    ),
    _paras("notes", "Notes from the review meeting", "A good start."),
    *REVIEW_CHANGES,
    _yes_no("extension_agreed", "Whether an extension was agreed", False),
    _date("new_end_date", "New finish / off-roll date, or empty", ""),
    _date("next_review_date", "Date of the next review, or empty", "23 March 2026"),
    _text("recorded_by", "Who recorded the review in apdocs, or empty", "Ms K Owen"),
    _list(
        "progress",
        "Progress against each objective of the plan, in the plan's order.",
        _paras("objective", "The objective, as it stood at the review", "Attend every session"),
        _paras("baseline", "Its baseline, from the plan (empty if the objective was since removed)", "62% attendance"),
        _paras("target", "Its target, from the plan (empty if the objective was since removed)", "95% attendance"),
        _text(
            "rating",
            "Progress made: Not started, Little or no progress, Some progress, Good progress, Achieved",
            "Some progress",
        ),
        _paras("evidence", "The evidence for the rating", "88% attendance this half-term."),
    ),
)

SIGNATURES = _group(
    "signatures",
    "Who signs the plan. Names are empty until the signing journey records them.",
    _signature("parent_carer", "parent or carer"),
    _signature("school_representative", "school representative"),
    _signature("provider_representative", "alternative provider representative"),
)

# -- the provider information pack ---------------------------------------------------------------------

WITHHELD = "Empty when the commissioner keeps this section out of the pack: see `shared`."

PACK_PUPIL = _group(
    "pupil",
    "The child or young person: only what the provider needs (no UPN, no census codes).",
    _text("display_name", "The name they go by: preferred first name and surname", "Jay Smith"),
    _text("legal_name", "Legal name", "Jayden Smith"),
    _text("preferred_name", "Preferred first name, or empty when they use their legal first name", "Jay"),
    _date("date_of_birth", "Date of birth", "14 March 2011"),
    _text("year_group", "National curriculum year group on the document's date", "Year 9"),
    _text("school", "Home school (school on roll), or empty when the pupil has no school place", "Northbridge Academy"),
    _yes_no("looked_after", "Whether the pupil is looked after (in care)", False),
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

PACK_SHARED = _group(
    "shared",
    "Which sections go to the provider. The commissioner may keep a section out (data minimisation): "
    "put the whole section, heading included, inside `{%p if shared.<section> %}` ... `{%p endif %}`, so a "
    "section kept out leaves no trace. All true when nothing is kept out.",
    *(_yes_no(name, f"Whether the pack shares {what}", True) for name, what in PACK_SECTIONS),
)

#: The pack's sections the AP Support Plan also carries. The provider reads and signs the plan, so a section the
#: commissioner keeps out of the pack is kept out of the plan too, and the two never disagree.
PLAN_SECTIONS = (
    ("sen", "the SEN status: `pupil.sen_status` and `pupil.sen_census_code`"),
    ("safeguarding_status", "the safeguarding status: `pupil.safeguarding_status`"),
    ("fsm", "free school meal eligibility: `pupil.fsm_eligible`"),
    ("risks", "the risks: `assessment.risks` and `assessment.separate_risk_assessment`"),
)

PLAN_SHARED = _group(
    "shared",
    "Which of the plan's details the provider may see. The provider reads and signs the plan, so a section the "
    "commissioner keeps out of the provider pack is kept out of the plan too: its fields are empty (`fsm_eligible` "
    "is false), and the template says so with `{% if shared.<section> %}` ... `{% else %}Not shared with the "
    "provider{% endif %}`. All true when nothing is kept out.",
    *(_yes_no(name, f"Whether the plan shows {what}", True) for name, what in PLAN_SECTIONS),
)

PACK_NEEDS = _group(
    "needs",
    "What the provider needs to know to teach the pupil well. Each field is empty when its section is kept out.",
    _text("sen_status", "Special educational needs status (section `sen`)", "SEN support", note=WITHHELD),
    _paras(
        "send_needs",
        "The pupil's special educational needs and disabilities, and how to support them (section `sen`)",
        "Dyslexia: give instructions one at a time.",
        note=WITHHELD,
    ),
    _paras(
        "literacy",
        "Reading and writing: reading age, what helps (section `literacy`)",
        "Reading age 9 years 2 months; uses a coloured overlay.",
        note=WITHHELD,
    ),
    _paras(
        "medical_needs",
        "Medical needs and medication (section `medical`)",
        "Asthma: inhaler in the front pocket of the bag.",
        note=WITHHELD,
    ),
    _paras("what_works", "What works with the pupil (section `what_works`)", "Praise in private.", note=WITHHELD),
    _paras(
        "what_to_avoid", "What to avoid (section `what_works`)", "Reading aloud in front of the group.", note=WITHHELD
    ),
    _paras(
        "behaviours_that_challenge",
        "Behaviours that challenge (section `behaviour`)",
        "Walks out when frustrated.",
        note=WITHHELD,
    ),
    _paras(
        "strategies_that_worked",
        "Strategies that have worked with those behaviours (section `behaviour`)",
        "An agreed time-out card and a quiet space.",
        note=WITHHELD,
    ),
    _paras(
        "aptitudes_interests",
        "What the pupil is good at and interested in (section `interests`)",
        "Bikes, drawing, looking after animals.",
        note=WITHHELD,
    ),
    _paras(
        "risks",
        "Risks identified in the support plan, e.g. leaving the site (section `risks`); also empty while there is "
        "no support plan",
        "Has left the school site twice.",
        note=WITHHELD,
    ),
)

PACK_SAFEGUARDING = _group(
    "safeguarding",
    "Keeping the pupil safe: the commissioning organisation's safeguarding lead, expectations and procedure. "
    "Always in the pack.",
    _text(
        "status",
        "The pupil's safeguarding status (section `safeguarding_status`)",
        "Early help",
        note=WITHHELD,
    ),
    _text("dsl_name", "The commissioning organisation's designated safeguarding lead (DSL)", "Mrs P Grant"),
    _text("dsl_phone", "The DSL's phone number", "01632 960001"),
    _text("deputy_dsl_name", "The deputy DSL", "Mr D Shah"),
    _text("deputy_dsl_phone", "The deputy DSL's phone number", "01632 960002"),
    _paras(
        "expectations",
        "What the commissioning organisation expects of the provider on child protection",
        "Follow the school's child protection policy and Keeping children safe in education.",
    ),
    _paras(
        "concern_procedure",
        "What to do when worried about the pupil",
        "Phone the DSL the same day; record the concern in writing within 24 hours.",
    ),
)

PACK_OBJECTIVES = _list(
    "objectives",
    "The support plan's objectives, in the plan's order; an empty list while there is no plan.",
    *OBJECTIVE,
)

PACK_INTERVENTIONS = _list(
    "interventions",
    "The support plan's interventions in every setting, in the plan's order; an empty list while there is no plan.",
    _text("intervention_type", "What the intervention is", "Construction skills"),
    _text("hours_per_week", "Hours a week, or empty", "15"),
    _text(
        "delivered_by",
        "Where it happens: The alternative provider, The home school or Another setting",
        "The alternative provider",
    ),
    _date("start_date", "Start date, or empty", "5 January 2026"),
)

PACK_ATTENDANCE = _group(
    "attendance",
    "How the provider reports attendance. The template says the fixed part: report twice a day (morning and "
    "afternoon), and phone the same day about any absence.",
    _text("register_code", "The code the school records in its register for the pupil's sessions here: B or K", "B"),
    _text(
        "register_code_meaning",
        "What that code means",
        "attending an approved educational activity arranged by the school (counts as present)",
    ),
    _text("contact_name", "Whom to tell about attendance and absence at the commissioning organisation", "Mrs J Lee"),
    _text("contact_phone", "Their phone number", "01632 960010"),
    _text("contact_email", "Their email address", "attendance@northbridge.example"),
    _paras(
        "arrangements",
        "The arrangements to report and monitor attendance agreed in the support plan",
        "Text the attendance office by 09:30 and 13:30.",
        note=FROM_THE_PLAN,
    ),
)

PACK_EMERGENCY_CONTACTS = _list(
    "emergency_contacts",
    "The pupil's parents and carers to call in an emergency, in the order recorded: names, relationships and "
    "phone numbers only.",
    _text("name", "Name", "Pat Smith"),
    _text("relationship", "Relationship to the pupil", "Mother"),
    _text("phone", "Phone number", "07700 900123"),
)

PACK_REVIEWS = _group(
    "reviews",
    "When the placement is reviewed.",
    _date("first_review_date", "Date of the first review meeting, from the support plan", "9 February 2026"),
    _date(
        "next_review_date",
        "Date of the next review meeting: the one set at the latest review, or the first review date before any "
        "review has been held; empty when not set",
        "23 March 2026",
    ),
    _list(
        "held",
        "Reviews held so far, first review first.",
        _text("number", "Review number (1, 2, ...)", "1"),
        _date("meeting_date", "Date of the review meeting", "9 February 2026"),
    ),
)

PACK_FIELDS = (
    DOCUMENT,
    PACK_PUPIL,
    PROVIDER,
    COMMISSIONER,
    PLACEMENT,
    SESSIONS,
    PACK_SHARED,
    PACK_NEEDS,
    PACK_SAFEGUARDING,
    _yes_no(
        "fsm_eligible",
        "Whether the pupil is eligible for free school meals (section `fsm`): print it only under `shared.fsm`",
        True,
        note="False when the commissioner keeps this section out of the pack.",
    ),
    PACK_OBJECTIVES,
    PACK_INTERVENTIONS,
    PACK_ATTENDANCE,
    _paras(
        "transport",
        "How the pupil gets to and from the provider (section `transport`)",
        "Taxi at 08:30.",
        note=WITHHELD,
    ),
    PACK_EMERGENCY_CONTACTS,
    _paras(
        "other_emergency_contacts",
        "Other people to call in an emergency, as the commissioner wrote them",
        "Aunt: Grace Hill 07700 900124",
    ),
    PACK_REVIEWS,
)

# -- the end-of-placement report --------------------------------------------------------------------

NOT_ENDED = "Empty, and `recorded` false, until the placement's end is recorded."

END = _group(
    "end",
    "How the placement ended and what it achieved, as recorded when it ended.",
    _yes_no(
        "recorded",
        "Whether the placement's end has been recorded; every other field here is empty until it is",
        True,
    ),
    _date("ended_on", "The placement's last day", "17 July 2026"),
    _text(
        "reason",
        "Why it ended: Completed as planned, Returned to school earlier than planned, Moved to another provision, "
        "The placement broke down, The pupil moved out of the area, Medical reasons, Another reason",
        "Completed as planned",
    ),
    _paras("reason_detail", "More about why it ended", "The placement ran its planned two terms."),
    _paras("accreditation_english", "Accreditation gained in English", "Functional Skills English Entry Level 3"),
    _paras("accreditation_maths", "Accreditation gained in maths", "Functional Skills maths Level 1"),
    _paras("accreditation_other", "Other accreditation gained", "BTEC Level 1 construction (two units)"),
    _paras(
        "behaviour_change",
        "Evidence of change in behaviour",
        "No removals from lessons this term; three last year.",
    ),
    _paras(
        "personal_development",
        "Evidence of personal development and well-being",
        "Joined the youth club; travels alone by bus.",
    ),
    _paras(
        "pupil_assessment",
        "The pupil's own assessment of the placement (always shown on the report: `or_dash` when empty)",
        "I liked doing real work. I want to do the college course.",
    ),
    _text(
        "destination",
        "Where the pupil goes next: Back to their school full time, Another school, Further education (college or "
        "sixth form), Training or an apprenticeship, Employment with training, Something else; empty when not "
        "recorded",
        "Further education (college or sixth form)",
    ),
    _paras(
        "destination_detail",
        "The destination in detail: where, what, from when",
        "Westshire College, construction foundation course, September.",
    ),
    note=NOT_ENDED,
)

OUTCOMES = _list(
    "outcomes",
    "Where the pupil ended against each objective of the plan, in the plan's order; an empty list until the end is "
    "recorded.",
    _paras("objective", "The objective, as it stood when the placement ended", "Attend every session"),
    _paras("baseline", "Where the pupil started (the objective's baseline)", "62% attendance last half-term"),
    _paras("target", "The objective's target", "95% attendance"),
    _text(
        "rating",
        "Progress made: Not started, Little or no progress, Some progress, Good progress, Achieved",
        "Good progress",
    ),
    _paras("outcome", "Where the pupil is now, with the evidence", "91% attendance over the placement"),
)

END_ATTENDANCE = _group(
    "attendance",
    "Attendance over the whole placement, from the register: from its actual start (or planned start, before it "
    "started) to its last day (or the document's date, before the end is recorded). Counted as the DfE counts it: "
    "sessions attended (present, or approved education elsewhere) out of possible sessions.",
    _date("from_date", "First day counted", "5 January 2026"),
    _date("to_date", "Last day counted", "17 July 2026"),
    _text("possible", "Possible sessions (am and pm)", "240"),
    _text("present", "Sessions attended", "219"),
    _text("authorised", "Sessions of authorised absence", "15"),
    _text("unauthorised", "Sessions of unauthorised absence", "6"),
    _text("percent", "Sessions attended as a percentage of possible sessions; empty when none was possible", "91.3%"),
    _yes_no("persistent", "Whether attendance was below 90% (persistent absence)", False),
    _yes_no("severe", "Whether attendance was below 50% (severe absence)", False),
    _text(
        "summary",
        'One sentence saying it all, e.g. "No attendance was recorded between ..." when there is nothing',
        "91.3% of 240 possible sessions attended between 5 January 2026 and 17 July 2026",
    ),
    _list(
        "weeks",
        "Each week (Monday to Friday) of the period, first week first; an empty list when no session was possible.",
        _date("week_beginning", "The week's Monday", "5 January 2026"),
        _text("percent", "The week's attendance; empty for a week with no possible session", "90%"),
        _text("possible", "Possible sessions that week", "10"),
        _text("present", "Sessions attended that week", "9"),
    ),
    Field(
        "chart_image",
        "A bar chart of each week's attendance with a line at 90%, printed 15 cm wide",
        "",
        Kind.IMAGE,
        note="Empty when no session was possible.",
    ),
)

SCHEMAS: dict[DocumentType, Schema] = {
    DocumentType.SUPPORT_PLAN: Schema(
        DocumentType.SUPPORT_PLAN,
        (
            DOCUMENT,
            PUPIL,
            PARENTS,
            PROVIDER,
            COMMISSIONER,
            PLACEMENT,
            SESSIONS,
            REFERRAL,
            ASSESSMENT,
            SUPPORT,
            AGREEMENT,
            PLAN_REVIEWS,
            SIGNATURES,
            PLAN_SHARED,
        ),
        intro=(
            "The personalised plan of the Oxfordshire commissioning guidance's Appendix A: what apdocs records about "
            "the placement and its support plan, and the changes agreed at its reviews so far."
        ),
    ),
    DocumentType.REVIEW_RECORD: Schema(
        DocumentType.REVIEW_RECORD,
        (DOCUMENT, PUPIL, PROVIDER, COMMISSIONER, PLACEMENT, REVIEW),
        intro=(
            "The record of one review or transition meeting (the Oxfordshire commissioning guidance's Appendix A, "
            '"Review / Transition Meeting"), with progress against each objective of the plan.'
        ),
    ),
    DocumentType.PROVIDER_PACK: Schema(
        DocumentType.PROVIDER_PACK,
        PACK_FIELDS,
        intro=(
            "What the provider needs, before the pupil starts, to keep them safe and taught: their needs, the "
            "safeguarding contacts and procedure, the objectives and timetable, attendance reporting, transport, "
            "emergency contacts and review dates. A section the commissioner keeps out of the pack is empty "
            "(`shared` says which)."
        ),
    ),
    DocumentType.END_OF_PLACEMENT_REPORT: Schema(
        DocumentType.END_OF_PLACEMENT_REPORT,
        (DOCUMENT, PUPIL, PROVIDER, COMMISSIONER, PLACEMENT, END, OUTCOMES, END_ATTENDANCE),
        intro=(
            "What the placement achieved and where the pupil goes next: progress against each objective from its "
            "baseline, accreditation (English and maths in particular), attendance over the placement with a chart "
            "of each week, the evidence of change in behaviour, personal development and well-being, the pupil's "
            "own assessment and the next destination."
        ),
    ),
}


def schema_for(doc_type: DocumentType) -> Schema | None:
    return SCHEMAS.get(doc_type)


# -- contexts against the schema ---------------------------------------------------------------------


def example_context(doc_type: DocumentType) -> dict[str, Any]:
    """A complete context made of the schema's examples: for previews and tests of templates."""
    schema = SCHEMAS[doc_type]
    return _example_group(schema.fields)


def _example_group(fields: Iterable[Field]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind is Kind.GROUP:
            values[f.name] = _example_group(f.fields)
        elif f.kind is Kind.LIST:
            values[f.name] = [_example_group(f.fields), _example_group(f.fields)]
        else:
            values[f.name] = f.example
            if f.kind is Kind.DATE:
                values[f"{f.name}_iso"] = iso_example(f.example)
    return values


def empty_values(group: Field) -> dict[str, Any]:
    """The empty value of every field of a group: empty text, False, empty lists. For context builders."""
    values: dict[str, Any] = {}
    for f in group.fields:
        if f.kind is Kind.GROUP:
            values[f.name] = empty_values(f)
        elif f.kind is Kind.LIST:
            values[f.name] = []
        elif f.kind is Kind.YES_NO:
            values[f.name] = False
        else:
            values[f.name] = ""
            if f.kind is Kind.DATE:
                values[f"{f.name}_iso"] = ""
    return values


def context_problems(doc_type: DocumentType, context: Mapping[str, Any]) -> list[str]:
    """Every way ``context`` differs from the schema: missing, extra or wrongly typed fields."""
    return _group_problems(SCHEMAS[doc_type].fields, context, "")


def _group_problems(fields: Sequence[Field], values: Any, path: str) -> list[str]:
    if not isinstance(values, Mapping):
        return [f"{path or 'context'}: expected a dict, got {type(values).__name__}"]
    problems: list[str] = []
    expected: set[str] = set()
    for f in fields:
        names = [f.name, f"{f.name}_iso"] if f.kind is Kind.DATE else [f.name]
        expected.update(names)
        for name in names:
            where = f"{path}{name}"
            if name not in values:
                problems.append(f"{where}: missing")
                continue
            value = values[name]
            if f.kind is Kind.GROUP:
                problems += _group_problems(f.fields, value, f"{where}.")
            elif f.kind is Kind.LIST:
                if not isinstance(value, list):
                    problems.append(f"{where}: expected a list, got {type(value).__name__}")
                else:
                    for i, item in enumerate(value):
                        problems += _group_problems(f.fields, item, f"{where}[{i}].")
            elif f.kind is Kind.YES_NO:
                if not isinstance(value, bool):
                    problems.append(f"{where}: expected True or False, got {type(value).__name__}")
            elif not isinstance(value, str):
                problems.append(f"{where}: expected text, got {type(value).__name__}")
    problems += [f"{path}{name}: not in the schema" for name in sorted(set(values) - expected)]
    return problems


# -- the generated reference -------------------------------------------------------------------------


def render_markdown() -> str:
    """``docs/template-fields.md``: every field of every document type, the filters, and the rules."""
    from service.documents.rendering import FILTERS

    out: list[str] = [
        "# Template fields",
        "",
        "<!-- Generated by `python -m service.documents.fields > docs/template-fields.md`: do not edit by hand. -->",
        "",
        "The fields each Word template can use, by document type. How to edit a template safely in Word is in",
        "[templates.md](templates.md).",
        "",
        "## How fields behave",
        "",
        "- Print a field with `{{ pupil.display_name }}`. Text is printed exactly as recorded: `&`, `<`, quotes,",
        "  emoji and right-to-left scripts are safe. In text, a line break stays a line break and a blank line",
        "  starts a new paragraph, which takes the formatting of the paragraph the tag is in.",
        "- A field that does not exist stops the document with an error naming it; it never prints blank.",
        "  Uploading a template checks every tag against this list first.",
        "- **date** fields are written out (`5 January 2026`) or empty when not known. Each has a twin ending",
        "  in `_iso` (`2026-01-05`).",
        "- **yes/no** fields are true or false: print them with `{{ pupil.looked_after|yes_no }}`, or use",
        "  them in a condition: `{% if pupil.looked_after %}...{% endif %}`.",
        "- **list** fields are repeated with a loop. In a table, put `{%tr for s in sessions %}` alone in the",
        "  row before the repeated row and `{%tr endfor %}` alone in the row after it; in the repeated row use",
        "  `{{ s.day }}`. `{%tr else %}` in its own row, before `endfor`, starts rows shown when the list is",
        "  empty. Outside tables use `{%p for ... %}` / `{%p endfor %}` in paragraphs of their own.",
        "- The support plan's answers (`referral`, `assessment`, `support`, `agreement`) are empty, or false,",
        "  while the placement has no support plan or the plan has no answer yet: a draft plan still prints.",
        "  Put `|or_dash` after a field that must never look forgotten, such as the child's views.",
        "",
        "## Filters",
        "",
        "Use a filter after a field and a bar: `{{ provider.address|one_line }}`. Besides these, Jinja's",
        "built-in filters work (`upper`, `default`, `length`, `join` ...).",
        "",
        "| Filter | What it does |",
        "|---|---|",
    ]
    for name, function in FILTERS.items():
        doc = " ".join((function.__doc__ or "").split())
        out.append(f"| `{name}` | {_cell(doc)} |")
    for doc_type in DocumentType:
        out += ["", f"## {doc_type.label} (`{doc_type.value}`)", ""]
        schema = SCHEMAS.get(doc_type)
        if schema is None:
            out.append("No fields yet: this document arrives with a later part of apdocs.")
            continue
        out += [
            f"{schema.intro} Default template: `templates_docx/{doc_type.default_template}`.",
            "",
            "| Field | Kind | Meaning | Example |",
            "|---|---|---|---|",
        ]
        for f in schema.fields:
            out += _field_rows(f, "")
    return "\n".join(out) + "\n"


def _field_rows(f: Field, prefix: str) -> list[str]:
    if f.kind is Kind.LIST:
        item = f.name[:-1] if f.name.endswith("s") else "item"
        # a list's items are named as a loop variable would be: `for s in sessions` -> `s.day`
        rows = [_row(f"{prefix}{f.name}", f, f"{f.description} Loop: `for {item[0]} in {prefix}{f.name}`.")]
        for sub in f.fields:
            rows += _field_rows(sub, f"{item[0]}.")
        return rows
    if f.kind is Kind.GROUP:
        rows = [_row(f"{prefix}{f.name}", f, f.description)]
        for sub in f.fields:
            rows += _field_rows(sub, f"{prefix}{f.name}.")
        return rows
    return [_row(f"{prefix}{f.name}", f, f.description)]


def _row(path: str, f: Field, description: str) -> str:
    if f.kind is Kind.DATE:
        description += f" (ISO form: `{path}_iso`)"
    meaning = description + (f" *{_note_label(f.note)}*" if f.note else "")
    if f.kind in (Kind.GROUP, Kind.LIST):
        example = ""
    elif f.kind is Kind.YES_NO:
        example = "true" if f.example else "false"
    else:
        example = f"`{f.example}`".replace("\n", "`<br>`") if f.example else ""
    return f"| `{path}` | {f.kind.value} | {_cell(meaning)} | {example} |"


def _note_label(note: str) -> str:
    return f"({note.rstrip('.')})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
