"""The approved-provider catalogue form: every due-diligence field a commissioner records about a provider.

Sites and contacts are repeating rows with server-side "Add another" and "Remove" buttons, so the form works
without JavaScript: pressing one re-shows the form with a row more or fewer and everything typed kept.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from forms.fields import DateField, date_not_in_future
from service.providers.models import ApprovalCriterion, ApprovedListStatus, OfstedGrade, Provider, QaOutcome
from service.rules.census import SettingType

#: How many sites, and how many contacts, one provider record can hold ("Add another" stops there).
MAX_ROWS = 20

#: The most hours a week a provider can say it offers (a full school week is about 32.5).
MAX_HOURS = 50

YES_NO = [("yes", "Yes"), ("no", "No")]

PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
POSTCODE_MESSAGE = "Enter a real postcode, like SW1A 1AA"
URN_MESSAGE = "Enter a URN of 6 or 7 digits"
UKPRN_MESSAGE = "Enter a UKPRN of 8 digits starting with 1, like 10012345"

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_ROW_ACTION = re.compile(r"^(?P<list>sites|contacts)-(?P<index>[0-9]+)-remove$")


# Filters and validators -------------------------------------------------------------------------------------


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _compact(value: Any) -> Any:
    """Reference numbers are copied from letters and websites: drop the spaces."""
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def _postcode(value: Any) -> Any:
    """Upper case with single spaces, so ``sw1a  1aa`` is kept as ``SW1A 1AA``."""
    return " ".join(value.upper().split()) if isinstance(value, str) else value


def _phone(form: Any, field: StringField) -> None:
    if field.data and not re.fullmatch(r"\+?[0-9 ()\-]{6,40}", field.data):
        raise ValidationError(PHONE_MESSAGE)


def _valid_postcode(form: Any, field: StringField) -> None:
    if field.data and not _POSTCODE.match(field.data):
        raise ValidationError(POSTCODE_MESSAGE)


def _email(label: str = "Email address") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), Email(EMAIL_MESSAGE, check_deliverability=False), Length(max=254)],
    )


def _text(label: str, max_length: int, **kwargs: Any) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), Length(max=max_length, message=_too_long(label, max_length))],
        **kwargs,
    )


def _long_text(label: str, max_length: int = 5000, **kwargs: Any) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Optional(), Length(max=max_length, message=_too_long(label, max_length))],
        **kwargs,
    )


def _too_long(label: str, max_length: int) -> str:
    return f"{label.removesuffix(' (optional)')} must be {max_length} characters or fewer"


def _yes_no(label: str, message: str, **kwargs: Any) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), choices=YES_NO, invalid_choice_message=message, **kwargs)


def _row_name_required(message: str) -> Any:
    """A row's name is needed once anything else in the row is filled in (a blank row is skipped, not validated).

    Unlike DataRequired it sets no ``required`` flag, so the box is not marked required in the HTML.
    """

    def check(form: Any, field: StringField) -> None:
        if not field.data:
            raise StopValidation(message)

    return check


class _RequiredWhen:
    """Required only when another field of the form has a given answer (the URN when the provider is registered).

    A date the user typed that is not a real date keeps its own message ("must be a real date") instead.
    """

    def __init__(self, other: str, answers: tuple[str, ...], message: str) -> None:
        self.other = other
        self.answers = answers
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.errors:
            raise StopValidation()
        if getattr(form, self.other).data not in self.answers:
            return
        if field.data in (None, ""):
            raise StopValidation(self.message)


def _urn(form: Any, field: StringField) -> None:
    if form.dfe_registered.data == "yes" and field.data and not re.fullmatch(r"[0-9]{6,7}", field.data):
        raise ValidationError(URN_MESSAGE)


class HoursField(DecimalField):
    """Hours a week as a plain number with at most one decimal place (``12.5``); blank means not known."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, places=None, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", raw):
            raise ValueError("Hours a week must be a number, like 12.5")
        value = Decimal(raw)
        if value != value.quantize(Decimal("0.1")):
            raise ValueError("Hours a week can have only one decimal place, like 12.5")
        self.data = value


# Repeating rows -----------------------------------------------------------------------------------------------


class CriterionForm(Form):
    """One approved-provider-list criterion: met or not, when it was evidenced, notes.

    The criteria list has one fixed row per :class:`ApprovalCriterion`, in the enum's order; each row takes
    its criterion from its position, so every label and message names the criterion it is about.
    """

    met = _yes_no("Is this criterion met?", "Select yes if the provider meets this criterion, or no if it does not")
    evidence_date = DateField(
        "Date of evidence",
        description="When you last saw evidence for it, for example 27 3 2025",
        validators=[date_not_in_future],
    )
    notes = _long_text("Notes (optional)", max_length=2000)

    criterion: ApprovalCriterion | None = None

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any) -> None:
        match = re.search(r"-([0-9]+)-$", self._prefix)
        criteria = list(ApprovalCriterion)
        if match and int(match.group(1)) < len(criteria):
            self.criterion = criteria[int(match.group(1))]
            label = self.criterion.label
            self.met.label.text = f"Does the provider meet \u2018{label}\u2019?"
            self.met.invalid_choice_message = (
                f"Select yes if the provider meets \u2018{label}\u2019, or no if it does not"
            )
            self.evidence_date.label.text = f"Date of evidence for \u2018{label}\u2019"
            self.notes.label.text = f"Notes on \u2018{label}\u2019 (optional)"
        super().process(formdata, obj, data=data, **kwargs)


class SiteForm(Form):
    """One site where the provider teaches. A row left completely blank is ignored rather than refused."""

    name = StringField(
        "Site name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            _row_name_required("Enter the site's name"),
            Length(max=200, message="Site name must be 200 characters or fewer"),
        ],
    )
    address = _long_text("Site address", max_length=1000)
    postcode = StringField(
        "Site postcode", widget=GovTextInput(), filters=[_postcode], validators=[Optional(), _valid_postcode]
    )
    remove = SubmitField("Remove", widget=GovSubmitInput())

    def is_blank(self) -> bool:
        return not any(f.data for f in (self.name, self.address, self.postcode))

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            return True
        return super().validate(extra_validators)


class ContactForm(Form):
    """One person at the provider. A row left completely blank is ignored rather than refused."""

    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            _row_name_required("Enter the contact's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    role = _text("Role or job title", 100)
    phone = StringField("Phone number", widget=GovTextInput(), filters=[_strip], validators=[Optional(), _phone])
    email = _email()
    is_placement_contact = BooleanField("Contact this person about placements", widget=GovCheckboxInput())
    remove = SubmitField("Remove", widget=GovSubmitInput())

    def is_blank(self) -> bool:
        return not any(f.data for f in (self.name, self.role, self.phone, self.email, self.is_placement_contact))

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            return True
        return super().validate(extra_validators)


# The provider form ----------------------------------------------------------------------------------------------


class ProviderForm(FlaskForm):
    max_rows = MAX_ROWS

    name = StringField(
        "Provider name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the provider's name"),
            Length(max=200, message="Provider name must be 200 characters or fewer"),
        ],
    )
    address = _long_text("Address", max_length=1000)
    postcode = StringField(
        "Postcode", widget=GovTextInput(), filters=[_postcode], validators=[Optional(), _valid_postcode]
    )
    phone = StringField("Phone number", widget=GovTextInput(), filters=[_strip], validators=[Optional(), _phone])
    email = _email()

    dfe_registered = _yes_no(
        "Is the provider registered with the DfE as an independent school?",
        "Select yes if the provider is registered with the DfE as an independent school, or no if it is not",
        description=(
            "A provider that is not a school must register if it gives full-time education to 5 or more pupils "
            "of compulsory school age, or to 1 who is looked after or has an EHC plan"
        ),
    )
    urn = StringField(
        "Unique reference number (URN)",
        widget=GovTextInput(),
        description="6 or 7 digits, on Get Information about Schools",
        filters=[_compact],
        validators=[_RequiredWhen("dfe_registered", ("yes",), "Enter the provider's URN"), _urn],
    )
    ukprn = StringField(
        "UK provider reference number (UKPRN) (optional)",
        widget=GovTextInput(),
        description="8 digits starting with 1, on the UK Register of Learning Providers",
        filters=[_compact],
        validators=[Optional(), Regexp(r"^1[0-9]{7}$", message=UKPRN_MESSAGE)],
    )
    setting_type = SelectField(
        "Type of setting, for the school census (optional)",
        widget=GovSelect(),
        choices=[("", "Not recorded")] + [(t.value, t.label) for t in SettingType],
        description="The school census asks for it only when the provider has no URN and no UKPRN",
        default="",
        validate_choice=True,
        invalid_choice_message="Choose the type of setting from the list, or Not recorded",
    )
    ofsted_grade = RadioField(
        "Ofsted grade",
        widget=GovRadioInput(),
        choices=[(g.value, g.label) for g in OfstedGrade],
        invalid_choice_message="Select the provider's Ofsted grade, or Not inspected",
    )
    ofsted_date = DateField(
        "Date of the Ofsted inspection",
        description="For example, 27 3 2024",
        validators=[
            _RequiredWhen(
                "ofsted_grade",
                tuple(g.value for g in OfstedGrade if g is not OfstedGrade.NOT_INSPECTED),
                "Enter the date of the Ofsted inspection",
            ),
            date_not_in_future,
        ],
    )

    approved_list_status = RadioField(
        "Approved provider list",
        widget=GovRadioInput(),
        choices=[(s.value, s.label) for s in ApprovedListStatus],
        invalid_choice_message="Select whether the provider is on the approved provider list",
    )
    criteria = FieldList(
        FormField(CriterionForm), min_entries=len(ApprovalCriterion), max_entries=len(ApprovalCriterion)
    )

    dsl_name = _text("Designated safeguarding lead's name", 200)
    dsl_phone = StringField(
        "Designated safeguarding lead's phone number",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), _phone],
    )
    dsl_training_date = DateField(
        "Date of the designated safeguarding lead's latest safeguarding training",
        description="For example, 27 3 2024. Training should be refreshed at least every 2 years.",
        validators=[date_not_in_future],
    )
    deputy_dsl_name = _text("Deputy designated safeguarding lead's name", 200)
    deputy_dsl_phone = StringField(
        "Deputy designated safeguarding lead's phone number",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), _phone],
    )
    deputy_dsl_training_date = DateField(
        "Date of the deputy designated safeguarding lead's latest safeguarding training",
        description="For example, 27 3 2024. Training should be refreshed at least every 2 years.",
        validators=[date_not_in_future],
    )

    vetting_confirmed = _yes_no(
        "Has the provider confirmed in writing that its staff have enhanced DBS checks?",
        "Select yes if the provider has confirmed staff vetting in writing, or no if it has not",
    )
    vetting_confirmed_on = DateField(
        "Date of the written confirmation",
        description="For example, 27 3 2025",
        validators=[
            _RequiredWhen("vetting_confirmed", ("yes",), "Enter the date the provider confirmed staff vetting"),
            date_not_in_future,
        ],
    )
    insurance_expiry = DateField(
        "Insurance expiry date", description="The last day the provider's insurance covers, for example 31 8 2026"
    )

    qa_outcome = RadioField(
        "Quality assurance outcome",
        widget=GovRadioInput(),
        choices=[(q.value, q.label) for q in QaOutcome],
        invalid_choice_message="Select the quality assurance outcome, or Not yet assessed",
    )
    qa_date = DateField(
        "Date of the quality assurance",
        description="For example, 27 3 2025",
        validators=[
            _RequiredWhen(
                "qa_outcome",
                tuple(q.value for q in QaOutcome if q is not QaOutcome.NOT_YET_ASSESSED),
                "Enter the date of the quality assurance",
            ),
            date_not_in_future,
        ],
    )

    services_offered = _long_text("Services offered (optional)")
    subjects_offered = _long_text("Subjects and qualifications offered (optional)")
    hours_available_per_week = HoursField(
        "Hours a week the provider can offer (optional)",
        widget=GovTextInput(),
        description=f"Up to {MAX_HOURS}, for example 12.5",
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_HOURS, message=f"Hours a week must be between 0 and {MAX_HOURS}"),
        ],
    )
    availability_notes = _long_text("Availability notes (optional)", max_length=2000)

    sites = FieldList(FormField(SiteForm), min_entries=0, max_entries=MAX_ROWS)
    add_site = SubmitField("Add another site", widget=GovSubmitInput())
    contacts = FieldList(FormField(ContactForm), min_entries=0, max_entries=MAX_ROWS)
    add_contact = SubmitField("Add another contact", widget=GovSubmitInput())

    submit = SubmitField("Save provider", widget=GovSubmitInput())

    def criteria_rows(self) -> list[tuple[ApprovalCriterion, FormField]]:
        """Each criterion with its row of the form, in the catalogue's order."""
        return list(zip(ApprovalCriterion, self.criteria.entries, strict=False))

    def change_rows(self, formdata: MultiDict[str, Any]) -> bool:
        """Act on an "Add another" or "Remove" button, if one was pressed; True means show the form again.

        Nothing is validated or saved: the rows are changed and everything typed, in every row, is kept.
        Rows stay numbered 0, 1, 2... so each error message links to the right box.
        """
        for key in formdata:
            match = _ROW_ACTION.match(key)
            if match:
                rows: FieldList = getattr(self, match["list"])
                rows.process(_without_row(formdata, match["list"], int(match["index"])))
                return True
        for rows, button in ((self.sites, self.add_site), (self.contacts, self.add_contact)):
            if button.data:
                if len(rows.entries) < MAX_ROWS:
                    rows.append_entry()
                return True
        return False

    def ensure_rows(self) -> None:
        """Show at least one (blank) site and contact row to fill in."""
        for rows in (self.sites, self.contacts):
            if not rows.entries:
                rows.append_entry()


def _without_row(formdata: MultiDict[str, Any], list_name: str, drop: int) -> MultiDict[str, Any]:
    """A copy of the posted data without row ``drop`` of ``list_name``, the rows after it renumbered."""
    pattern = re.compile(rf"^{list_name}-([0-9]+)-(.+)$")
    indices = sorted({int(m.group(1)) for key in formdata if (m := pattern.match(key))})
    renumber = {old: new for new, old in enumerate(i for i in indices if i != drop)}
    copy: MultiDict[str, Any] = MultiDict()
    for key, values in formdata.lists():
        match = pattern.match(key)
        if match is None:
            copy.setlist(key, values)
        elif int(match.group(1)) != drop and match.group(2) != "remove":
            copy.setlist(f"{list_name}-{renumber[int(match.group(1))]}-{match.group(2)}", values)
    return copy


def _plain_hours(hours: Decimal | None) -> Decimal | None:
    """``25`` rather than the database's ``25.0``, as a person would type it."""
    return None if hours is None else Decimal(f"{hours:.1f}".removesuffix(".0"))


def initial_data(provider: Provider) -> dict[str, Any]:
    """The form's starting values for an existing provider (criteria in the catalogue's fixed order)."""

    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    def criterion(which: ApprovalCriterion) -> dict[str, Any]:
        row = provider.criterion(which)
        if row is None:
            return {}
        return {"met": yes_no(row.met), "evidence_date": row.evidence_date, "notes": row.notes}

    return {
        "name": provider.name,
        "address": provider.address,
        "postcode": provider.postcode,
        "phone": provider.phone,
        "email": provider.email,
        "dfe_registered": yes_no(provider.dfe_registered),
        "urn": provider.urn or "",
        "ukprn": provider.ukprn or "",
        "setting_type": provider.setting_type.value if provider.setting_type else "",
        "ofsted_grade": OfstedGrade(provider.ofsted_grade).value,
        "ofsted_date": provider.ofsted_date,
        "approved_list_status": ApprovedListStatus(provider.approved_list_status).value,
        "criteria": [criterion(c) for c in ApprovalCriterion],
        "dsl_name": provider.dsl_name,
        "dsl_phone": provider.dsl_phone,
        "dsl_training_date": provider.dsl_training_date,
        "deputy_dsl_name": provider.deputy_dsl_name,
        "deputy_dsl_phone": provider.deputy_dsl_phone,
        "deputy_dsl_training_date": provider.deputy_dsl_training_date,
        "vetting_confirmed": yes_no(provider.vetting_confirmed),
        "vetting_confirmed_on": provider.vetting_confirmed_on,
        "insurance_expiry": provider.insurance_expiry,
        "qa_outcome": QaOutcome(provider.qa_outcome).value,
        "qa_date": provider.qa_date,
        "services_offered": provider.services_offered,
        "subjects_offered": provider.subjects_offered,
        "hours_available_per_week": _plain_hours(provider.hours_available_per_week),
        "availability_notes": provider.availability_notes,
        "sites": [{"name": s.name, "address": s.address, "postcode": s.postcode} for s in provider.sites],
        "contacts": [
            {
                "name": c.name,
                "role": c.role,
                "phone": c.phone,
                "email": c.email,
                "is_placement_contact": c.is_placement_contact,
            }
            for c in provider.contacts
        ],
    }
