"""Placement forms: starting a placement (pupil, provider, who decides, dates, weekly sessions) and moving it on."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Form, FormField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import FieldList
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms.fields import DateField
from service.placements.models import Weekday
from service.rules.decision import Circumstance
from service.rules.full_time import DeliveredBy

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_time(text: str) -> time | None:
    """``9:00``, ``09:00`` or ``9.30`` as a time, or None if it is not a time of day."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _time_of_day(form: Any, field: StringField) -> None:
    if parse_time(field.data or "") is None:
        raise ValidationError(f"Enter the {field.label.text.lower()} as a time like 09:00")


class SessionForm(Form):
    weekday = SelectField(
        "Day", choices=[(str(d.value), d.label) for d in Weekday], widget=GovSelect(), validators=[InputRequired()]
    )
    starts_at = StringField(
        "Start time", widget=GovTextInput(), validators=[InputRequired("Enter a start time"), _time_of_day]
    )
    ends_at = StringField(
        "End time", widget=GovTextInput(), validators=[InputRequired("Enter an end time"), _time_of_day]
    )
    # Where the session happens: the timetable holds the pupil's whole week, so that full time is judged per day
    # across every setting (service.rules.full_time). A row posted without it is at the provider.
    setting = SelectField(
        "Where",
        choices=[(d.value, d.label) for d in DeliveredBy],
        default=DeliveredBy.PROVIDER.value,
        widget=GovSelect(),
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


def _dual_registered_field() -> RadioField:
    return RadioField(
        "Is the pupil dual registered at the provider?",
        choices=YES_NO,
        widget=GovRadioInput(),
        validators=[InputRequired("Select yes if the pupil is dual registered at the provider")],
        description="Only at a pupil referral unit or an AP academy, where the pupil is on the provider's admission "
        "register as well as their home school's. The home school's register then records D for the sessions there, "
        "not B or K.",
    )


def _census_reason_field() -> RadioField:
    # The choices depend on who arranged the placement (a school's six reasons, or an LA's AP census list): the view
    # sets them from registration_details.census_reason_choices before validating. A value from another list is
    # refused by the service (registration_details.checked), with the same message as a missing one.
    return RadioField(
        "The reason for the placement, for the census",
        choices=[],
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Select the reason for the placement, for the census")],
    )


class RegisterAndCensusForm(FlaskForm):
    """The register and census answers of a placement made before they were asked, or to correct them."""

    dual_registered = _dual_registered_field()
    census_reason = _census_reason_field()
    submit = SubmitField("Save", widget=GovSubmitInput())


class PlacementForm(FlaskForm):
    pupil_id = SelectField("Pupil", coerce=int, widget=GovSelect(), validators=[InputRequired("Select a pupil")])
    provider_id = SelectField(
        "Provider", coerce=int, widget=GovSelect(), validators=[InputRequired("Select a provider")]
    )
    circumstance = RadioField(
        "The pupil's circumstances",
        choices=[(c.value, c.label) for c in Circumstance],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the pupil's circumstances")],
        description="This decides who must agree the placement.",
    )
    decided_by = StringField(
        "Who is making the decision",
        widget=GovTextInput(),
        description="Name and role, for example: Jo Patel, Deputy Headteacher",
        validators=[InputRequired("Enter who is making the decision"), Length(max=200)],
    )
    dual_registered = _dual_registered_field()
    census_reason = _census_reason_field()
    planned_start = DateField("Planned start date", validators=[InputRequired("Enter the planned start date")])
    planned_end = DateField("Planned end date (optional)", validators=[Optional()])
    reason_for_referral = TextAreaField(
        "Reason for referral",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for referral"), Length(max=20000)],
    )
    sessions = FieldList(FormField(SessionForm), min_entries=1, max_entries=20)
    add_session = SubmitField("Add another session", widget=GovSubmitInput())
    submit = SubmitField("Save placement as draft", widget=GovSubmitInput())


class StatusChangeForm(FlaskForm):
    new_status = StringField(validators=[InputRequired()])
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
