"""The review / transition meeting form (the Oxfordshire commissioning guidance, Appendix A, "Review / Transition
Meeting")."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import FieldList, Form, FormField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.fields import DateField, WholeNumberField
from forms.support_plans import LONG_TEXT, MAX_TEXT
from service.rules.outcomes import ProgressRating


class ProgressRowForm(Form):
    objective_id = HiddenField(validators=[InputRequired()])
    rating = RadioField(
        "Progress",
        choices=[(r.value, r.label) for r in ProgressRating],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the progress made against this objective")],
    )
    evidence = TextAreaField(
        "Evidence",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the evidence of progress"), Length(max=MAX_TEXT)],
        description="What shows it: the register, work, assessments, reports from the provider",
    )


class ReviewForm(FlaskForm):
    meeting_date = DateField("Date of the review meeting", validators=[InputRequired("Enter the date of the review")])
    present = TextAreaField(
        "Who was present",
        widget=GovTextArea(),
        validators=[InputRequired("Enter who was at the review"), Length(max=MAX_TEXT)],
        description="Names and roles, including the pupil and parents or carers if they came",
    )
    attendance_from = DateField("Attendance from")
    attendance_to = DateField("Attendance to")
    sessions_possible = WholeNumberField(
        "Sessions possible",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, max=1000, message="Enter a number of sessions from 1 to 1000")],
        description="Morning and afternoon sessions count separately",
    )
    sessions_attended = WholeNumberField(
        "Sessions attended",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=1000, message="Enter a number of sessions from 0 to 1000")],
    )
    attendance_notes = TextAreaField("Notes on attendance (optional)", widget=GovTextArea(), validators=LONG_TEXT)
    pupil_views = TextAreaField(
        "The pupil's views",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the pupil's views on the placement"), Length(max=MAX_TEXT)],
    )
    parent_views = TextAreaField(
        "Parents' or carers' views",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the parents' or carers' views"), Length(max=MAX_TEXT)],
    )
    notes = TextAreaField("Notes from the review meeting", widget=GovTextArea(), validators=LONG_TEXT)
    progress = FieldList(FormField(ProgressRowForm), min_entries=0, max_entries=40)
    changes_to_need = TextAreaField(
        "Changes to the assessed need (leave blank if none)", widget=GovTextArea(), validators=LONG_TEXT
    )
    changes_to_outcomes = TextAreaField(
        "Changes to the desired outcomes or timescales (leave blank if none)",
        widget=GovTextArea(),
        validators=LONG_TEXT,
    )
    changes_to_plan = TextAreaField(
        "Changes to the support plan, including arrangements for reintegration to school (leave blank if none)",
        widget=GovTextArea(),
        validators=LONG_TEXT,
    )
    extension_agreed = RadioField(
        "Extension agreed?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select yes if an extension to the placement was agreed")],
    )
    new_end_date = DateField("New finish or off-roll date", description="Only if an extension was agreed")
    next_review_date = DateField("Date of the next review (optional)")
    submit = SubmitField("Save the review and produce the record", widget=GovSubmitInput())
