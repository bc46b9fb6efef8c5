"""The half-term dates form: an admin enters the organisation's school year, one half-term at a time."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from forms.fields import DateField


class TermDateForm(FlaskForm):
    name = StringField(
        "Half-term",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a name for the half-term, like Autumn 1"), Length(max=60)],
        description="For example: Autumn 1",
    )
    starts_on = DateField("First day", validators=[InputRequired("Enter the first day of the half-term")])
    ends_on = DateField("Last day", validators=[InputRequired("Enter the last day of the half-term")])
    submit = SubmitField("Add half-term", widget=GovSubmitInput())
