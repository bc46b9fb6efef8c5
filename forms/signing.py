"""Signing the AP Support Plan: asking for signatures, the signer's code, signing and declining."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from service.signing.models import SignerRole, SigningMethod

MAX_SIGNERS = 6


class SignerRowForm(Form):
    include = BooleanField("Ask this person to sign", widget=GovCheckboxInput())
    name = StringField("Name", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    role = SelectField("Signs as", choices=[(r.value, r.label) for r in SignerRole], widget=GovSelect())
    method = RadioField(
        "How they sign",
        choices=[(m.value, m.label) for m in SigningMethod],
        default=SigningMethod.LINK.value,
        widget=GovRadioInput(),
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=254)],
        description="Needed to sign by link: the link and a one-time code go to this address.",
    )


class RequestSignaturesForm(FlaskForm):
    #: Where the error summary links a message about the signers as a whole (``forms.fields.error_summary``).
    form_errors_href = "#signers"
    signers = FieldList(FormField(SignerRowForm), min_entries=1, max_entries=MAX_SIGNERS)
    submit = SubmitField("Ask for signatures", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the 6-digit code from the email"), Length(max=12)],
        description="The 6-digit code in the email we sent you. It works for 15 minutes.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SendCodeForm(FlaskForm):
    submit = SubmitField("Email me a code", widget=GovSubmitInput())


class SignForm(FlaskForm):
    drawn = HiddenField()
    typed = StringField(
        "Or type your full name to sign",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message="Keep your name to 200 characters or fewer")],
    )
    read_confirmed = BooleanField("I have read the plan and I agree to it", widget=GovCheckboxInput())
    submit = SubmitField("Sign the plan", widget=GovSubmitInput())


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why do you not want to sign?",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Keep this to 5,000 characters or fewer")],
        description="The school will see this and talk it through with you.",
    )
    decline = SubmitField("Decline to sign", widget=GovSubmitInput())


class CancelForm(FlaskForm):
    reason = TextAreaField("Why (optional)", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Cancel this round", widget=GovSubmitInput())


class VerifyForm(FlaskForm):
    pdf = FileField(
        "The PDF to check",
        widget=GovFileInput(),
        validators=[FileRequired("Choose the signed plan's PDF to check")],
        description="The signed AP Support Plan, as emailed or downloaded. It is checked, not kept.",
    )
    submit = SubmitField("Check it", widget=GovSubmitInput())
