"""The fields more than one document kind declares: the document itself, the pupil, parents, provider,
commissioner, placement and its sessions, an objective of the plan and what a review changed.

Declared once so that a pupil's name or a session's hours mean the same in every template
(``docs/template-fields.md``), and the context builders (``_common``) fill them the same way.
"""

from __future__ import annotations

from service.documents.engine import schema as fields

FROM_THE_PLAN = "Empty while the placement has no support plan, or the plan has no answer yet."

DOCUMENT = fields.group(
    "document",
    "About this document itself.",
    fields.text("title", "The document's title", "Alternative Provision Support Plan"),
    fields.text("version", "Version number of this document for this placement (1, 2, ...)", "2"),
    fields.date("generated_on", "Date the document was produced", "12 January 2026"),
)

PUPIL = fields.group(
    "pupil",
    "The child or young person.",
    fields.text("display_name", "The name they go by: preferred first name and surname", "Jay Smith"),
    fields.text(
        "legal_name", "Legal name (the plan is a legal record: show it with the preferred name)", "Jayden Smith"
    ),
    fields.text("preferred_name", "Preferred first name, or empty when they use their legal first name", "Jay"),
    fields.text("legal_first_name", "Legal first name", "Jayden"),
    fields.text("legal_last_name", "Legal surname", "Smith"),
    fields.date("date_of_birth", "Date of birth", "14 March 2011"),
    fields.text("year_group", "National curriculum year group on the document's date", "Year 9"),
    fields.text("upn", "Unique pupil number, or empty", "A931400119001"),
    fields.text(
        "school", "Home school (school on roll), or empty when the pupil has no school place", "Northbridge Academy"
    ),
    fields.text("sen_status", "Special educational needs status", "SEN support"),
    fields.text("sen_census_code", "SEN status as the school census code (N, K or E)", "K"),
    fields.text("safeguarding_status", "Safeguarding status", "Early help"),
    fields.yes_no("looked_after", "Whether the pupil is looked after (in care)", False),
    fields.yes_no("fsm_eligible", "Whether the pupil is eligible for free school meals", True),
)

PARENTS = fields.list_of(
    "parents",
    "Parents and carers, in the order recorded.",
    fields.text("name", "Name", "Pat Smith"),
    fields.text("relationship", "Relationship to the pupil", "Mother"),
    fields.text("phone", "Phone number", "07700 900123"),
    fields.text("email", "Email address", "pat.smith@example.org"),
    fields.text("address", "Postal address (one line per line of the address)", "1 High Street\nNorthbridge\nNB1 2CD"),
    fields.yes_no("parental_responsibility", "Whether they have parental responsibility", True),
)

PROVIDER = fields.group(
    "provider",
    "The alternative provider.",
    fields.text("name", "Provider's name", "Horizon Skills CIC"),
    fields.text("address", "Address with postcode, one line per line", "Unit 4, Riverside Park\nNorthbridge\nNB3 4EF"),
    fields.text("phone", "Main phone number", "01632 960000"),
    fields.text("email", "Main email address", "office@horizon.example"),
    fields.text("urn", "DfE unique reference number (registered providers), or empty", ""),
    fields.yes_no("dfe_registered", "Whether the provider is registered with the DfE as a school", False),
    fields.text("contact_name", "Placement contact: the provider's named person for this placement", "Alex Jones"),
    fields.text("contact_role", "Placement contact's role", "Centre manager"),
    fields.text("contact_phone", "Placement contact's phone", "01632 960002"),
    fields.text("contact_email", "Placement contact's email", "alex@horizon.example"),
    fields.text("dsl_name", "Designated safeguarding lead", "Dee Safeguarding"),
    fields.text("dsl_phone", "DSL's phone", "01632 960001"),
    fields.text("deputy_dsl_name", "Deputy designated safeguarding lead", "Sam Deputy"),
    fields.text("deputy_dsl_phone", "Deputy DSL's phone", "01632 960003"),
)

COMMISSIONER = fields.group(
    "commissioner",
    "The organisation commissioning the placement (a school or a local-authority team).",
    fields.text("name", "Organisation's name", "Northbridge Academy"),
    fields.text("kind", "What kind of organisation it is", "School"),
)

PLACEMENT = fields.group(
    "placement",
    "The placement: where, when, and who decided.",
    fields.text("status", "Where the placement is in its lifecycle", "Agreed"),
    fields.text(
        "circumstance", "The pupil's circumstances, which decide who must agree the placement", "On a school's roll"
    ),
    fields.text("decision_maker", "Who must agree the placement", "The school's senior leadership team"),
    fields.text("decided_by", "Who agreed it, by name and role, or empty until agreed", "Ms R Patel, Deputy Head"),
    fields.date("planned_start", "Planned start date", "5 January 2026"),
    fields.date("planned_end", "Planned end date, or empty", "27 March 2026"),
    fields.date("actual_start", "Actual start date, or empty until it starts", ""),
    fields.date("actual_end", "Actual end date, or empty until it ends", ""),
    fields.text("hours_per_week", "Hours a week at the provider: the total of the sessions", "9"),
)

SESSIONS = fields.list_of(
    "sessions",
    "The weekly timetable at the provider, Monday first.",
    fields.text("day", "Day of the week", "Tuesday"),
    fields.text("starts_at", "Start time, 24-hour clock", "09:00"),
    fields.text("ends_at", "End time, 24-hour clock", "12:00"),
    fields.text("hours", "Length in hours", "3"),
)

#: The pupil's whole week across every setting, judged day by day (service.rules.full_time).
WEEK = fields.group(
    "week",
    "The pupil's whole week in every setting, and whether it is full time judged day by day.",
    fields.list_of(
        "timetable",
        "Every weekly session in every setting, Monday first.",
        fields.text("day", "Day of the week", "Tuesday"),
        fields.text("starts_at", "Start time, 24-hour clock", "09:00"),
        fields.text("ends_at", "End time, 24-hour clock", "12:00"),
        fields.text("hours", "Length in hours", "3"),
        fields.text(
            "where", "Where: The alternative provider, The home school or Another setting", "The alternative provider"
        ),
    ),
    fields.text("school_day", "The normal school day a full-time package covers every school day", "09:00 to 15:00"),
    fields.yes_no("full_time", "Whether the week covers the school day on every school day, across all settings", True),
    fields.text("not_covered", "The days and times no setting covers, or empty", "Friday 12:00–15:00"),
    fields.text(
        "reason",
        "Why the week is shorter, or empty when it is full time",
        "Part-time AP: the pupil attends school for the rest of the week",
    ),
    fields.paras(
        "reason_detail",
        "The detail of that reason (never in the provider pack, where it is always empty: it may be medical)",
        "In school on Friday afternoons.",
    ),
    fields.text(
        "parents_consulted",
        "For an intensive or one-to-one package: when the parents were consulted about supervision for the rest of "
        "the day, and with whom; otherwise empty",
        "",
    ),
    fields.paras("hours_difference_reason", "Why the interventions' hours differ from the timetable, or empty", ""),
)

#: One SMART objective of the plan, as the support plan and the provider pack both print it.
OBJECTIVE = (
    fields.text(
        "area", "Outcome area (Attendance, Attitude, Attainment, Behaviour, Destination), or empty", "Attendance"
    ),
    fields.paras("objective", "What the pupil will achieve", "Attend every session for six weeks"),
    fields.paras("baseline", "Where the pupil is now", "62% attendance last half-term"),
    fields.paras("target", "Where the pupil should be", "95% attendance"),
    fields.paras("measure", "How progress is measured", "The provider's register"),
    fields.date("due_by", "By when", "13 February 2026"),
)

#: What a review changed, as the review record and the plan's list of reviews both print it.
REVIEW_CHANGES = (
    fields.paras("changes_to_need", "Changes to the assessed need", "Anxiety about travel is now the main barrier."),
    fields.paras(
        "changes_to_outcomes", "Changes to the desired outcomes or timescales", "Reintegration moved to Easter."
    ),
    fields.paras(
        "changes_to_plan",
        "Changes to the support plan, including arrangements for reintegration to school",
        "One day a week in school from March.",
    ),
)
