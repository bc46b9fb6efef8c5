"""Ending a placement: why, what it achieved against each objective, accreditation, and what comes next."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from forms.fields import DateField
from forms.support_plans import LONG_TEXT
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason


class OutcomeRowForm(Form):
    objective_id = HiddenField()
    rating = SelectField(
        "Progress",
        choices=[("", "Choose")] + [(r.value, r.label) for r in ProgressRating],
        widget=GovSelect(),
        validators=[InputRequired("Choose the progress made against this objective")],
    )
    outcome = TextAreaField(
        "Where the pupil is now, and the evidence",
        widget=GovTextArea(),
        validators=[InputRequired("Say where the pupil is now against this objective"), *LONG_TEXT[1:]],
    )


class EndOfPlacementForm(FlaskForm):
    ended_on = DateField("Last day of the placement", validators=[InputRequired("Enter the last day of the placement")])
    reason = RadioField(
        "Why it ended",
        choices=[(r.value, r.label) for r in EndReason],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose why the placement ended")],
    )
    reason_detail = TextAreaField("More about why it ended", widget=GovTextArea(), validators=LONG_TEXT)
    outcomes = FieldList(FormField(OutcomeRowForm), min_entries=0, max_entries=40)
    accreditation_english = TextAreaField(
        "English",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="Qualifications or units gained, with the level and grade, or 'None'.",
    )
    accreditation_maths = TextAreaField("Maths", widget=GovTextArea(), validators=LONG_TEXT)
    accreditation_other = TextAreaField("Other accreditation", widget=GovTextArea(), validators=LONG_TEXT)
    behaviour_change = TextAreaField(
        "Evidence of change in behaviour",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="For example: removals, suspensions, incidents, before and during the placement.",
    )
    personal_development = TextAreaField(
        "Personal development and well-being", widget=GovTextArea(), validators=LONG_TEXT
    )
    pupil_assessment = TextAreaField(
        "The pupil's own assessment of the placement",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="In their own words where you can.",
    )
    destination = RadioField(
        "Where the pupil goes next",
        choices=[(d.value, d.label) for d in Destination],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    destination_detail = TextAreaField(
        "About the destination",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description=("Which school, college or employer, the course, and from when. Required for “Something else”."),
    )
    # Not in education, employment or training: for a pupil under 18 never recorded without these three
    # (``rules.destination``); the service checks them, so the message sits next to the one missing.
    neet_confirmed = BooleanField(
        "I confirm the pupil has no education, employment or training to go to",
        widget=GovCheckboxInput(),
        description="Only for “Not in education, employment or training”.",
    )
    neet_follow_up = TextAreaField(
        "What is being done so the pupil takes part in education or training",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description=(
            "Required for a pupil under 18 with no destination. For example: referred to the local authority's "
            "post-16 participation team (who), a careers adviser meeting booked, or, before 16, the children "
            "missing education officer told."
        ),
    )
    neet_follow_up_on = DateField("Date of the referral or of what is being done", validators=[Optional()])
    submit = SubmitField("End the placement and produce the report", widget=GovSubmitInput())
