"""An organisation's settings: the safeguarding contacts every provider pack carries, and how mail goes."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from forms.placements import parse_time
from forms.support_plans import LONG_TEXT, SHORT_TEXT
from service.rules.delivery import MailDelivery, domain_of

PHONE = [Optional(), Length(max=40, message="Keep the phone number to 40 characters or fewer")]


def _domains(form: object, field: TextAreaField) -> None:
    for line in (field.data or "").replace(",", "\n").splitlines():
        domain = line.strip().lstrip("@").lstrip("*").lstrip(".")
        if domain and ("." not in domain or " " in domain or domain_of("x@" + domain) != domain.lower()):
            raise ValidationError(f"“{line.strip()}” is not a domain. Enter one domain per line, like school.sch.uk")


class TimeOfDayField(StringField):
    """A time of day typed as 09:00: ``data`` is a ``time`` (None when it is not one); what was typed is kept."""

    def process_data(self, value: object) -> None:
        self.data = value if isinstance(value, time) else None

    def process_formdata(self, valuelist: list[str]) -> None:
        # Not posted at all (an older form): keep the saved time rather than refuse the whole page.
        if valuelist:
            self.data = parse_time(valuelist[0])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""


def _a_time(form: object, field: TimeOfDayField) -> None:
    if field.data is None:
        raise ValidationError(f"Enter {field.label.text[0].lower()}{field.label.text[1:]} as a time like 09:00")


class OrganisationSettingsForm(FlaskForm):
    dsl_name = StringField("Designated safeguarding lead", validators=SHORT_TEXT, widget=GovTextInput())
    dsl_phone = StringField("Their phone number", validators=PHONE, widget=GovTextInput())
    deputy_dsl_name = StringField("Deputy designated safeguarding lead", validators=SHORT_TEXT, widget=GovTextInput())
    deputy_dsl_phone = StringField("Their phone number", validators=PHONE, widget=GovTextInput())
    child_protection_expectations = TextAreaField(
        "What you expect of a provider on child protection",
        validators=LONG_TEXT,
        widget=GovTextArea(),
        description="For example: follow our child protection policy and Keeping children safe in education.",
    )
    concern_procedure = TextAreaField(
        "How a provider raises a concern about a pupil",
        validators=LONG_TEXT,
        widget=GovTextArea(),
        description="Who to call, how fast, and how to follow it up in writing.",
    )
    attendance_contact_name = StringField(
        "Who the provider tells about an absence", validators=SHORT_TEXT, widget=GovTextInput()
    )
    attendance_contact_phone = StringField("Phone number for absences", validators=PHONE, widget=GovTextInput())
    attendance_contact_email = StringField(
        "Email address for attendance reports",
        validators=[Optional(), Email("Enter an email address like attendance@school.sch.uk"), Length(max=254)],
        widget=GovTextInput(),
    )
    pack_lead_working_days = IntegerField(
        "Working days before the start to send the provider pack",
        validators=[
            InputRequired("Enter how many working days before the start to send the pack"),
            NumberRange(min=1, max=30, message="Enter a number of working days from 1 to 30"),
        ],
        widget=GovTextInput(),
        description="Weekends and bank holidays in England are not counted. Usually 5.",
    )
    mail_delivery = RadioField(
        "How documents are sent by email",
        choices=[(mode.value, mode.label) for mode in MailDelivery],
        validators=[InputRequired("Select how documents are sent")],
        widget=GovRadioInput(),
    )
    trusted_domains = TextAreaField(
        "Trusted email domains",
        validators=[Optional(), Length(max=4000), _domains],
        widget=GovTextArea(),
        description="One per line. A domain includes its subdomains: sch.uk trusts every school.sch.uk.",
    )
    local_authority_id = SelectField(
        "Your local authority",
        choices=[],
        validators=[Optional()],
        widget=GovSelect(),
        description=(
            "The local authority is told whenever you commission, end or extend a placement, decides for pupils "
            "with an EHC plan, and sees a summary of your placements: pupil, provider, dates, hours, reason, status."
        ),
    )
    ap_contact_name = StringField("Alternative provision contact", validators=SHORT_TEXT, widget=GovTextInput())
    ap_contact_email = StringField(
        "Their email address",
        validators=[Optional(), Email("Enter an email address like ap@council.gov.uk"), Length(max=254)],
        widget=GovTextInput(),
        description="Told whenever one of your schools commissions, ends or extends a placement.",
    )
    sen_contact_name = StringField("SEN team contact", validators=SHORT_TEXT, widget=GovTextInput())
    sen_contact_email = StringField(
        "Their email address",
        validators=[Optional(), Email("Enter an email address like sen@council.gov.uk"), Length(max=254)],
        widget=GovTextInput(),
        description="Told as well when the pupil has an EHC plan.",
    )
    school_day_starts = TimeOfDayField(
        "The time the school day starts", validators=[_a_time], widget=GovTextInput(), description="Usually 09:00"
    )
    school_day_ends = TimeOfDayField(
        "The time the school day ends",
        validators=[_a_time],
        widget=GovTextInput(),
        description="Usually 15:00. A full-time package covers these hours on every school day, across all settings.",
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def validate_school_day_ends(self, field: TimeOfDayField) -> None:
        starts = self.school_day_starts.data
        if field.data is not None and starts is not None and field.data <= starts:
            raise ValidationError("The school day must end after it starts")

    def for_organisation(self, kind_fields: tuple[str, ...], local_authorities: list[tuple[str, str]]) -> None:
        """Keep only the settings this kind of organisation has, and offer the LAs a school may choose."""
        for name in (
            "local_authority_id",
            "ap_contact_name",
            "ap_contact_email",
            "sen_contact_name",
            "sen_contact_email",
        ):
            if name not in kind_fields:
                delattr(self, name)
        if "local_authority_id" in kind_fields:
            self.local_authority_id.choices = [("", "Not chosen yet"), *local_authorities]
