"""Recording a visit to the provider."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from forms.fields import DateField
from forms.support_plans import LONG_TEXT


class VisitForm(FlaskForm):
    visited_on = DateField("Date of the visit", validators=[InputRequired("Enter the date of the visit")])
    visitors = StringField(
        "Who visited",
        widget=GovTextInput(),
        validators=[InputRequired("Enter who visited, with their roles"), Length(max=300)],
        description="Names and roles, for example: Ms K Owen, SENCO",
    )
    what_was_seen = TextAreaField(
        "What you saw",
        widget=GovTextArea(),
        validators=[InputRequired("Enter what you saw: the session, the setting, the pupil's work"), *LONG_TEXT[1:]],
        description="The session, the setting, the pupil's work and how they were getting on.",
    )
    pupil_views = TextAreaField(
        "What the pupil said",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="In their own words where you can.",
    )
    concerns = TextAreaField(
        "Concerns and actions",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="Anything that worried you, and what happens next. Safeguarding concerns go to your DSL as well.",
    )
    submit = SubmitField("Save the visit", widget=GovSubmitInput())
