"""Sign-in and account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from service.auth.services import MIN_PASSWORD_LENGTH
from service.rules.roles import Role


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password"), Length(max=200)]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class UserForm(FlaskForm):
    name = StringField(
        "Full name", widget=GovTextInput(), validators=[InputRequired("Enter the person's name"), Length(max=200)]
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter an email address"),
            Email("Enter an email address in the correct format, like name@example.org", check_deliverability=False),
            Length(max=254),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[(r.value, r.label) for r in Role],
        validators=[InputRequired("Select a role")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Leave blank to keep the current password.",
        validators=[
            Optional(),
            Length(
                min=MIN_PASSWORD_LENGTH, max=200, message=f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
            ),
        ],
    )
    is_active = BooleanField("Account is active", default=True)
    senior_leader = BooleanField("Senior leader: may override a provider check, with a reason", default=False)
    submit = SubmitField("Save account", widget=GovSubmitInput())
