"""The termly progress report the provider writes (the Oxfordshire commissioning guidance: "termly progress reports ...
prepared as a result of a review meeting, in consultation with the pupil, parents and relevant professionals")."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import FieldList, Form, FormField, HiddenField, RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from forms.fields import DateField
from forms.support_plans import LONG_TEXT
from service.rules.outcomes import ProgressRating

CONSULTED = (("pupil", "The pupil"), ("parents", "Parents or carers"), ("professionals", "Other professionals"))


class ReportObjectiveForm(Form):
    objective_id = HiddenField(validators=[InputRequired()])
    # Checked by the service on submit, so a draft can be saved without it (validate_choice: a blank is fine).
    rating = RadioField(
        "Progress", choices=[(r.value, r.label) for r in ProgressRating], widget=GovRadioInput(), validate_choice=False
    )
    comment = TextAreaField(
        "Evidence and comment",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="What shows it: work, assessments, observations, the register",
    )


class ProgressReportForm(FlaskForm):
    meeting_date = DateField(
        "Date of the review meeting", description="The meeting this report was prepared from. For example, 27 3 2026"
    )
    consulted_with = SelectMultipleField(
        "Who was consulted", choices=list(CONSULTED), widget=GovCheckboxesInput(), description="Select all that apply"
    )
    consulted = TextAreaField(
        "Names and roles of those consulted (optional)",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="For example: Pat Smith (mother), Ms K Owen (SENCO), the educational psychologist",
    )
    objectives = FieldList(FormField(ReportObjectiveForm), min_entries=0, max_entries=40)
    attendance_engagement = TextAreaField("Attendance and engagement", widget=GovTextArea(), validators=LONG_TEXT)
    pupil_view = TextAreaField(
        "The pupil's view", widget=GovTextArea(), validators=LONG_TEXT, description="In their own words where you can"
    )
    next_steps = TextAreaField("Next steps", widget=GovTextArea(), validators=LONG_TEXT)
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_report = SubmitField("Submit the report", widget=GovSubmitInput())


class CorrectionForm(FlaskForm):
    reason = TextAreaField(
        "What needs correcting",
        widget=GovTextArea(),
        validators=[InputRequired("Enter what needs correcting"), *LONG_TEXT[1:]],
        description="The corrected report says why, and the version it replaces stays on file",
    )
    submit = SubmitField("Correct the report", widget=GovSubmitInput())
