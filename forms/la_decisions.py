"""The local authority officer's decision on a placement.

The fields check only the shape of an answer; what a decision must say on its route (the EHCP review, the health
input) and which dates can be right are the rule's (``service.rules.decision.record_problems``), so the messages
come back from the service beside the right field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from forms.fields import DateField
from service.rules.decision import LaOutcome


class LaDecisionForm(FlaskForm):
    outcome = RadioField(
        "Does the local authority agree to this placement?",
        choices=[(LaOutcome.AGREE.value, "Yes, the local authority agrees"), (LaOutcome.NOT_AGREE.value, "No")],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    decided_on = DateField("Date of the decision", validators=[Optional()])
    officer_name = StringField(
        "Officer who decided",
        widget=GovTextInput(),
        validators=[Length(max=200)],
        description="Name and role, for example: Lee Officer, SEN casework officer",
    )
    ehcp_review_date = DateField(
        "Date of the early or annual review of the EHCP that considered it",
        validators=[Optional()],
        description="Needed for a pupil with an EHCP: the placement must be considered at a review of the plan.",
    )
    health_input_by = StringField(
        "Health input given by",
        widget=GovTextInput(),
        validators=[Length(max=200)],
        description="Medical placements: the consultant who confirmed the child cannot attend school, with role.",
    )
    health_input_on = DateField("Date of the health input", validators=[Optional()])
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Length(max=20000)])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
