"""Fields shared by apdocs' forms: the GOV.UK date pattern (day, month, year boxes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup
from wtforms import Field, FieldList, FormField, IntegerField
from wtforms.utils import unset_value
from wtforms.validators import ValidationError


class DateInputWidget:
    """Renders the GOV.UK date-input component with its error message and hint."""

    def __call__(self, field: DateField, **kwargs: Any) -> Markup:
        from flask import render_template

        html = render_template("components/date_input.html", field=field, params=kwargs.get("params", {}))
        return Markup(html)  # noqa: S704 - autoescaped template output


class DateField(Field):
    """A date typed as three boxes (``name-day``, ``name-month``, ``name-year``), as GOV.UK forms ask for dates.

    Keeps what the user typed when it is not a real date, so the form can be shown again with the
    message next to the field and nothing retyped.
    """

    widget = DateInputWidget()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts: dict[str, str] = {"day": "", "month": "", "year": ""}

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:  # noqa: ARG002
        self.process_errors = []
        self.data = self.default() if callable(self.default) else self.default
        if data is not None and data is not unset_value:
            self.data = data
        if isinstance(self.data, date):
            self.parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        self.raw_data = None
        if formdata is not None:
            keys = [f"{self.name}-{part}" for part in ("day", "month", "year")]
            if any(key in formdata for key in keys):
                self.parts = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.parts}
                self.raw_data = [self.parts["day"], self.parts["month"], self.parts["year"]]
                self.data = None
                if any(self.parts.values()):
                    self._parse()

    def _parse(self) -> None:
        missing = [part for part, value in self.parts.items() if not value]
        if missing:
            self.process_errors.append(f"{self.label.text} must include a {' and '.join(missing)}")
            return
        try:
            day, month, year = (int(self.parts[p]) for p in ("day", "month", "year"))
        except ValueError:
            self.process_errors.append(f"{self.label.text} must be a real date, in numbers")
            return
        if year < 1900 or year > 2200:
            self.process_errors.append(f"{self.label.text} must include a year with 4 numbers")
            return
        try:
            self.data = date(year, month, day)
        except ValueError:
            self.process_errors.append(f"{self.label.text} must be a real date")

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""


def date_not_in_future(form: Any, field: DateField) -> None:
    if isinstance(field.data, date) and field.data > date.today():
        raise ValidationError(f"{field.label.text} must be today or in the past")


def error_summary(form: Any) -> dict[str, Any]:
    """The GOV.UK error summary for a form, each message linking to the box the user must fix.

    A date is three boxes, so its message links to the day box (``#name-day``), as GOV.UK asks. A message about the
    form as a whole links to the form's ``form_errors_href`` when it names one, else it is listed without a link
    (never to ``#``, which is nowhere).
    """
    from govuk_frontend_wtf.main import wtforms_errors

    params = wtforms_errors(form)
    date_ids = {field.id for field in _fields_of(form) if isinstance(field, DateField)}
    items = []
    for item in params["errorList"]:
        if not item.get("text"):
            continue  # a field marked as wrong without a message of its own (the password on sign-in)
        target = item["href"].removeprefix("#")
        if target in ("", "None"):
            href = getattr(form, "form_errors_href", "")
            item = {"text": item["text"], "href": href} if href else {"text": item["text"]}
        elif target in date_ids:
            item = {**item, "href": f"#{target}-day"}
        items.append(item)
    return {**params, "errorList": items}


def name_row_errors(rows: FieldList, names: list[str]) -> None:
    """Begin each message in a repeating row with the name of what the row is about ("Objective 2 (Attainment):
    Enter the evidence"), by the box and in the error summary.

    Why: rows repeat the same questions, so without it the summary lists the same message once per row and nobody
    can tell which row each is about. A FieldList keeps the errors it found when it was validated, so they are
    gathered again for the summary. Messages already named are left as they are.
    """
    for entry, name in zip(rows.entries, names, strict=False):
        if not isinstance(entry, FormField):
            continue
        for field in entry.form:
            field.errors = [m if str(m).startswith(f"{name}: ") else f"{name}: {m}" for m in field.errors]
    found = [entry.errors for entry in rows.entries]
    if any(found):
        rows.errors = found


def objective_name(number: int, area_label: str, text: str) -> str:
    """An objective as a message names it: its number and area ("Objective 2 (Attainment)"), or the start of
    its words when it has no area."""
    about = area_label or (text if len(text) <= 40 else text[:39].rstrip() + "…")
    return f"Objective {number} ({about})" if about else f"Objective {number}"


def _fields_of(form: Any) -> list[Field]:
    found: list[Field] = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found += _fields_of(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            found += _fields_of(field.form)
        else:
            found.append(field)
    return found


class WholeNumberField(IntegerField):
    """A whole number typed in a text box; a blank box is no answer, and anything else says what to type."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        text = str(text).strip().replace(",", "")
        if not text:
            self.data = None
            return
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(f"Enter {self.label.text.lower()} as a whole number, like 40") from None
