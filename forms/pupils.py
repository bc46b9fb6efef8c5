"""Pupil record, parents/carers and MIS import forms."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import FieldList, Form, FormField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, StopValidation, ValidationError

from forms.fields import DateField, date_not_in_future
from service.pupils.models import SafeguardingStatus, SenStatus
from service.rules.school_age import year_group_label
from service.rules.upn import is_valid_upn

#: How many parents or carers one pupil record can hold (the form stops offering "Add another" there).
MAX_PARENTS = 8

#: Largest CSV accepted by the import screen: 50,000 pupils with two parents each are 8-12MB in a MIS export, so
#: 24MB leaves room and keeps the request bounded (the site-wide ``MAX_CONTENT_LENGTH`` is just above it).
MAX_IMPORT_BYTES = 24 * 1024 * 1024

UPN_MESSAGE = "Enter a valid UPN: 13 characters starting with a check letter, like A123456789012"

YES_NO = [("yes", "Yes"), ("no", "No")]

#: Year group override choices: the statutory year (blank) or Reception to Year 13.
YEAR_GROUP_CHOICES = [("", "Use the statutory year group")] + [(str(n), year_group_label(n)) for n in range(0, 14)]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _compact_upn(value: Any) -> Any:
    """UPNs are copied from letters and spreadsheets: drop spaces and upper-case."""
    return re.sub(r"\s+", "", value).upper() if isinstance(value, str) else value


def _valid_upn(form: Any, field: StringField) -> None:
    if field.data and not is_valid_upn(field.data):
        raise ValidationError(UPN_MESSAGE)


class _DateRequired:
    """Like DataRequired for the three-box date, but keeps the field's own "must be a real date" message."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: DateField) -> None:
        if field.process_errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(self.message)


def _yes_no(label: str, message: str, **kwargs: Any) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), choices=YES_NO, invalid_choice_message=message, **kwargs)


class ParentCarerForm(Form):
    """One parent or carer. A row left completely blank is ignored rather than refused."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter the parent or carer's name"), Length(max=200)],
    )
    relationship_to_pupil = StringField(
        "Relationship to the pupil",
        widget=GovTextInput(),
        description="For example, mother, father, foster carer or grandparent",
        filters=[_strip],
        validators=[Optional(), Length(max=100, message="Relationship must be 100 characters or fewer")],
    )
    phone = StringField(
        "Phone number",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Regexp(
                r"^\+?[0-9 ()\-]{6,40}$",
                message="Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            ),
        ],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Email("Enter an email address in the correct format, like name@example.com", check_deliverability=False),
            Length(max=254),
        ],
    )
    address = TextAreaField(
        "Address",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Optional(), Length(max=1000, message="Address must be 1000 characters or fewer")],
    )
    parental_responsibility = _yes_no(
        "Do they have parental responsibility?",
        "Select yes if they have parental responsibility for the pupil",
        description="Parents usually have it. Others, such as relatives or carers, may have it through a court order.",
    )

    def is_blank(self) -> bool:
        texts = (self.name, self.relationship_to_pupil, self.phone, self.email, self.address)
        return not any((f.data or "").strip() for f in texts) and not self.parental_responsibility.data

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            return True
        return super().validate(extra_validators)


class PupilForm(FlaskForm):
    legal_first_name = StringField(
        "Legal first name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter the pupil's legal first name"), Length(max=100)],
    )
    legal_last_name = StringField(
        "Legal last name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter the pupil's legal last name"), Length(max=100)],
    )
    preferred_name = StringField(
        "Preferred first name (optional)",
        widget=GovTextInput(),
        description="The name the pupil likes to be called, if it is not their legal first name",
        filters=[_strip],
        validators=[Optional(), Length(max=100)],
    )
    date_of_birth = DateField(
        "Date of birth",
        description="For example, 27 3 2012",
        validators=[_DateRequired("Enter the pupil's date of birth"), date_not_in_future],
    )
    upn = StringField(
        "Unique pupil number (UPN) (optional)",
        widget=GovTextInput(),
        description="13 characters, on the pupil's school records. Leave blank if the pupil does not have one yet.",
        filters=[_compact_upn],
        validators=[Optional(), _valid_upn],
    )
    school_id = SelectField(
        "School on roll",
        widget=GovSelect(),
        description="The school the pupil is on the roll of. Choose \u201cNo school place\u201d if there is none.",
        choices=[],
        invalid_choice_message="Select the pupil's school, or No school place",
    )
    sen_status = RadioField(
        "Special educational needs (SEN)",
        widget=GovRadioInput(),
        description="As recorded in the school census",
        choices=[(s.value, s.label) for s in SenStatus],
        invalid_choice_message="Select the pupil's SEN status",
    )
    looked_after = _yes_no(
        "Is the pupil looked after by a local authority?",
        "Select yes if the pupil is looked after",
        description="A child in care, including one placed with foster carers or in a children's home",
    )
    fsm_eligible = _yes_no(
        "Is the pupil eligible for free school meals?",
        "Select yes if the pupil is eligible for free school meals",
        description="As recorded in the school census. Providers need to know, to arrange meals.",
    )
    safeguarding_status = RadioField(
        "Safeguarding status",
        widget=GovRadioInput(),
        description="The current level. Record the details through your safeguarding procedures, not here.",
        choices=[(s.value, s.label) for s in SafeguardingStatus],
        invalid_choice_message="Select the pupil's safeguarding status",
    )
    ehcp_last_annual_review = DateField(
        "Date of the last EHCP annual review (optional)",
        description="Only for a pupil with an EHC plan: the next review is due within 12 months of it.",
        validators=[date_not_in_future],
    )
    year_group_override = SelectField(
        "Year group",
        widget=GovSelect(),
        description=(
            "Only change this for a child taught out of their year group. Otherwise apdocs works out the "
            "year group from the date of birth."
        ),
        choices=YEAR_GROUP_CHOICES,
        invalid_choice_message="Select a year group, or Use the statutory year group",
    )
    parents = FieldList(FormField(ParentCarerForm), "Parents and carers", min_entries=0, max_entries=MAX_PARENTS)
    submit = SubmitField("Save pupil", widget=GovSubmitInput())


class PupilSearchForm(FlaskForm):
    """Search by name or UPN. Posted, never put in a URL: the term is personal data."""

    term = StringField(
        "Search by name or UPN",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter a name or UPN to search for"), Length(max=100)],
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


class PupilImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description="A CSV export from your management information system, up to 24MB and 50,000 pupils",
        validators=[
            FileRequired("Select a CSV file"),
            FileAllowed(["csv"], "The selected file must be a CSV"),
            FileSize(max_size=MAX_IMPORT_BYTES, message="The selected file must be smaller than 24MB"),
        ],
    )
    submit = SubmitField("Import pupils", widget=GovSubmitInput())
