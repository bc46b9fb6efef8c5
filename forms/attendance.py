"""Attendance forms: the CSV upload, the register's period, the commissioner's decision on an absence."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import Form, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.fields import DateField
from service.rules.attendance_codes import CODES, DECISION_CODES

#: Largest CSV accepted by the import screen: 50,000 marks are about 1.5MB (``AP-12345,2026-03-02,am,/``), so 4MB
#: leaves room for long references and spreadsheet quoting while keeping the request bounded.
MAX_IMPORT_BYTES = 4 * 1024 * 1024


class AttendanceImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description="A CSV file with the columns below, up to 4MB and 50,000 lines",
        validators=[
            FileRequired("Select a CSV file"),
            FileAllowed(["csv"], "The selected file must be a CSV"),
            FileSize(max_size=MAX_IMPORT_BYTES, message="The selected file must be smaller than 4MB"),
        ],
    )
    submit = SubmitField("Import attendance", widget=GovSubmitInput())


class PeriodForm(Form):
    """The register's period, read from the query string (a GET form: no CSRF, nothing changes)."""

    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])


class DecisionForm(FlaskForm):
    code = SelectField(
        "Decision",
        choices=[(code, f"{code} — {CODES[code].label}") for code in DECISION_CODES],
        validators=[InputRequired("Choose why the pupil was absent, or record it as unauthorised")],
        validate_choice=False,  # the service checks the code and says what to choose
    )
    note = TextAreaField(
        "Note (optional)", validators=[Length(max=500, message="The note must be 500 characters or fewer")]
    )
