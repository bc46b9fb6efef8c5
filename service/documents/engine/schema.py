"""Template fields: the types a document kind declares its context with, and what the engine does with them.

Every document kind (``service/documents/kinds/``) declares its context as a tree of :class:`Field` s, a
:class:`Schema`. The schema is the contract between the code that builds a context and the people who edit
templates in Word:

* tests check every context builder against it (:func:`context_problems`), so a template never meets a
  field the documentation promised but the code forgot, or the other way round;
* the upload check (``engine.upload_check``) rejects a template that uses a field not declared in it;
* ``docs/template-fields.md`` is generated from it (``engine.reference``; ``python -m service.documents.kinds >
  docs/template-fields.md``, and a test fails when the committed file differs).

The engine knows these types and nothing of any kind: a schema travels to a render worker as JSON
(:func:`schema_to_json`), so the worker needs no list of kinds either.

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
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
    """The whole context of one document kind: ``label`` names the kind in the upload check's messages."""

    label: str
    fields: tuple[Field, ...]
    intro: str = ""
    root: Field = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Field("context", "", kind=Kind.GROUP, fields=self.fields))

    def lookup(self, name: str) -> Field | None:
        return self.root.child(name)


# -- declaring fields: what a kind's schema is written with ------------------------------------------


def text(name: str, description: str, example: str = "", note: str = "") -> Field:
    return Field(name, description, example, Kind.TEXT, note=note)


def paras(name: str, description: str, example: str = "", note: str = "") -> Field:
    return Field(name, description, example, Kind.PARAGRAPHS, note=note)


def date(name: str, description: str, example: str = "", note: str = "") -> Field:
    return Field(name, description, example, Kind.DATE, note=note)


def yes_no(name: str, description: str, example: bool = False, note: str = "") -> Field:
    return Field(name, description, example, Kind.YES_NO, note=note)


def group(name: str, description: str, *fields: Field, note: str = "") -> Field:
    return Field(name, description, None, Kind.GROUP, tuple(fields), note=note)


def list_of(name: str, description: str, *fields: Field, note: str = "") -> Field:
    return Field(name, description, None, Kind.LIST, tuple(fields), note=note)


# -- contexts against a schema -----------------------------------------------------------------------


def example_context(schema: Schema) -> dict[str, Any]:
    """A complete context made of the schema's examples: for previews and tests of templates."""
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


def context_problems(schema: Schema, context: Mapping[str, Any]) -> list[str]:
    """Every way ``context`` differs from ``schema``: missing, extra or wrongly typed fields."""
    return _group_problems(schema.fields, context, "")


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


# -- a schema as JSON, for the render worker ---------------------------------------------------------


def schema_to_json(schema: Schema) -> bytes:
    """``schema`` as JSON: the upload check runs in a render worker, which is sent the schema it checks against."""
    return json.dumps(
        {"label": schema.label, "intro": schema.intro, "fields": [_field_to_dict(f) for f in schema.fields]},
        ensure_ascii=False,
    ).encode("utf-8")


def schema_from_json(data: bytes) -> Schema:
    """The schema :func:`schema_to_json` wrote."""
    value = json.loads(data)
    return Schema(value["label"], tuple(_field_from_dict(f) for f in value["fields"]), value["intro"])


def _field_to_dict(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "description": f.description,
        "example": f.example,
        "kind": f.kind.value,
        "fields": [_field_to_dict(sub) for sub in f.fields],
        "note": f.note,
    }


def _field_from_dict(value: Mapping[str, Any]) -> Field:
    subs = tuple(_field_from_dict(sub) for sub in value["fields"])
    return Field(value["name"], value["description"], value["example"], Kind(value["kind"]), subs, value["note"])
