"""Recording a pupil's exclusion or suspension."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from forms.fields import DateField, WholeNumberField
from forms.support_plans import LONG_TEXT
from service.rules.exclusions import MAX_SUSPENSION_DAYS, ExclusionKind

DAYS_MESSAGE = f"Enter the number of school days of the suspension, from 1 to {MAX_SUSPENSION_DAYS}"


class ExclusionForm(FlaskForm):
    kind = RadioField(
        "What did the headteacher decide?",
        choices=[(k.value, k.label) for k in ExclusionKind],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a permanent exclusion or a suspension")],
    )
    first_day = DateField(
        "First day of the exclusion",
        validators=[InputRequired("Enter the first day of the exclusion")],
        description="Day 1: the first school day the pupil is not allowed in school. For example, 9 3 2026",
    )
    school_days = WholeNumberField(
        "Number of school days (suspension only)",
        widget=GovTextInput(),
        description="A suspension of more than 5 school days means the school must provide full-time education "
        "from the sixth day.",
    )
    decided_on = DateField(
        "Date of the headteacher's decision",
        validators=[InputRequired("Enter the date of the headteacher's decision")],
    )
    notes = TextAreaField(
        "Notes",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="For example, who the parents were told by and when. Not shown to the local authority.",
    )
    submit = SubmitField("Save the exclusion", widget=GovSubmitInput())

    def validate_school_days(self, field: WholeNumberField) -> None:
        """A suspension needs its length, 1 to 45 school days; a permanent exclusion has none (the box is
        ignored, whatever was typed in it)."""
        if self.kind.data != ExclusionKind.SUSPENSION.value:
            field.errors = []
            field.data = None
            return
        if field.errors:
            return
        if field.data is None or not 1 <= field.data <= MAX_SUSPENSION_DAYS:
            raise ValidationError(DAYS_MESSAGE)
