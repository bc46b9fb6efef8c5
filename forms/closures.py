"""The provider's report of a day (or half day) it was closed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from forms.fields import DateField
from service.attendance.closures import MAX_REASON, PARTS


class ClosureForm(FlaskForm):
    provider = SelectField(
        "Which provider was closed?",
        widget=GovSelect(),
        coerce=str,
        validate_choice=False,  # the service checks it is one of the user's providers and says what to choose
    )
    closed_on = DateField(
        "Date your provision was closed",
        validators=[InputRequired("Enter the date your provision was closed")],
        description="Today or a day in the past, Monday to Friday. For example, 9 3 2026",
    )
    part = RadioField(
        "How long were you closed?",
        choices=[(key, label) for key, (label, _) in PARTS.items()],
        default="day",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose whether you were closed all day, the morning or the afternoon")],
    )
    reason = TextAreaField(
        "Why were you closed?",
        widget=GovCharacterCount(),
        validators=[
            InputRequired("Enter why your provision was closed"),
            Length(max=MAX_REASON, message=f"The reason must be {MAX_REASON} characters or fewer"),
        ],
        description="For example, a burst pipe flooded the workshop. The commissioner reads this when they record "
        "the code for each pupil's session. Do not name pupils.",
    )
    submit = SubmitField("Report the closure", widget=GovSubmitInput())
