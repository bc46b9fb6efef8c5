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
    GROUP = "group"
    LIST = "list"


#: Names a field may not have: a context is a dict, and in a template ``x.items`` finds the dict's method,
#: not a field called "items".
RESERVED_NAMES = frozenset(name for name in dir(dict) if not name.startswith("_")) | {"loop"}

REFERRAL_JOURNEY = "Filled in by the referral journey; empty until it is recorded."


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
    _date("planning_meeting_date", "Date of the planning meeting", "8 December 2025", note=REFERRAL_JOURNEY),
    _text("school_rep", "School representative at the meeting", "Ms K Owen, SENCO", note=REFERRAL_JOURNEY),
    _text("provider_rep", "Alternative provider representative", "Alex Jones", note=REFERRAL_JOURNEY),
    _paras("other_professionals", "Other professionals involved", "Educational psychologist", note=REFERRAL_JOURNEY),
)

ASSESSMENT = _group(
    "assessment",
    "Appendix A, Assessment of need.",
    _paras("child_views", "The child's views", "I like making things.", note=REFERRAL_JOURNEY),
    _paras(
        "parental_views",
        "Parental views and relevant home background",
        "Jay's mum says mornings are hard.",
        note=REFERRAL_JOURNEY,
    ),
    _paras(
        "academic_progress",
        "Academic progress, including barriers to learning",
        "Working below expected level in English.",
        note=REFERRAL_JOURNEY,
    ),
    _paras("risks", "Risks identified, e.g. leaving site", "Has left the school site twice.", note=REFERRAL_JOURNEY),
    _text(
        "separate_risk_assessment",
        'Is a separate risk assessment required? "Yes", "No", or empty until answered',
        "Yes",
        note=REFERRAL_JOURNEY,
    ),
    _paras("reason_for_referral", "Reason for referral (recorded with the placement)", "Struggling in lessons."),
    _paras("desired_outcomes", "Desired outcomes", "Back in lessons full-time by Easter.", note=REFERRAL_JOURNEY),
)

SUPPORT = _group(
    "support",
    "Appendix A, Support plan.",
    _list(
        "objectives",
        "SMART objectives, each with its baseline and timescale.",
        _paras("objective", "What the pupil will achieve", "Attend every session for six weeks"),
        _paras("baseline", "Where the pupil is now", "Attendance 62% last half-term"),
        _text("timescale", "By when", "By February half-term"),
        note=REFERRAL_JOURNEY,
    ),
    _list(
        "interventions",
        "Interventions: type, number of hours and start date.",
        _text("type", "Intervention type", "Construction skills"),
        _text("hours", "Number of hours", "6"),
        _date("start_date", "Start date", "5 January 2026"),
        note=REFERRAL_JOURNEY,
    ),
    _paras(
        "school_links",
        "How the home school maintains links with the child and parents (shared time in school, visits, "
        "review meetings, phone calls)",
        "Weekly phone call from the SENCO.",
        note=REFERRAL_JOURNEY,
    ),
    _paras(
        "attendance_arrangements",
        "Arrangements to report and monitor attendance",
        "The provider reports attendance twice daily.",
        note=REFERRAL_JOURNEY,
    ),
    _paras(
        "agreed_actions",
        "Agreed actions: other referrals, special transition arrangements",
        "Referral to the school nurse.",
        note=REFERRAL_JOURNEY,
    ),
    _date("review_meeting_date", "Date of the review meeting", "9 February 2026", note=REFERRAL_JOURNEY),
)

SIGNATURES = _group(
    "signatures",
    "Who signs the plan. Names are empty until the signing journey records them.",
    _signature("parent_carer", "parent or carer"),
    _signature("school_representative", "school representative"),
    _signature("provider_representative", "alternative provider representative"),
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
            SIGNATURES,
        ),
        intro="The personalised plan of seed 001's Appendix A, with what apdocs records about the placement.",
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
        "- Fields marked *referral journey* are part of the plan's layout now and stay empty until that part",
        "  of apdocs records them.",
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
    return "(referral journey)" if note == REFERRAL_JOURNEY else f"({note.rstrip('.')})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
