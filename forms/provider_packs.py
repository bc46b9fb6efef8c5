"""The provider information pack's own questions, and which sections stay out of it.

Like the plan's forms, no answer is required: a SENCO fills in what they know and comes back. What the pack
cannot go without (a placement contact's email, the school's DSL, child-protection expectations and concern
procedure) is checked when it is sent. The safeguarding status, the risks and the SEN are kept out only with a
reason (``rules.provider_pack.ALWAYS_CARRIED``): the service refuses a ticked one without it, next to its reason.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea
from wtforms import SelectMultipleField, SubmitField, TextAreaField

from forms.support_plans import LONG_TEXT
from service.rules.provider_pack import ALWAYS_CARRIED, SECTION_NAMES, PackSection

#: Each question: field name, label, hint. The order is the pack's.
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("send_needs", "Special educational needs, and how they show", "What the provider will notice, and what helps."),
    ("literacy", "Reading and writing", "For example: reading age, spelling, whether they need text read to them."),
    (
        "medical_needs",
        "Medical needs, medication and allergies",
        "Who holds medication and what to do in an emergency.",
    ),
    ("what_works", "What works well", "For example: a job to do when they arrive; praise in private."),
    ("what_to_avoid", "What to avoid", "For example: reading aloud in front of the group."),
    ("behaviours_that_challenge", "Behaviours that challenge", "What they look like and what usually sets them off."),
    ("strategies_that_worked", "Strategies that have worked", "What school staff do that calms things down."),
    ("aptitudes_interests", "Aptitudes and interests", "What they are good at and enjoy: the way in."),
    ("transport", "Transport", "How the pupil gets to the provider and home, who arranges it, pick-up times."),
    (
        "other_emergency_contacts",
        "Other emergency contacts",
        "Anyone besides the parents and carers on the pupil's record, with their phone number.",
    ),
)


class ProviderPackForm(FlaskForm):
    send_needs = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    literacy = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    medical_needs = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    what_works = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    what_to_avoid = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    behaviours_that_challenge = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    strategies_that_worked = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    aptitudes_interests = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    transport = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    other_emergency_contacts = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    withheld = SelectMultipleField(
        "Sections the provider does not need",
        choices=[(section.value, section.label) for section in PackSection],
        widget=GovCheckboxesInput(),
        description=(
            "Ticked sections are left out of the pack, and out of the AP Support Plan too (its SEN status, "
            "safeguarding status, free school meals and risks), because the provider reads and signs the plan. "
            "Share only what the provider needs to keep the pupil safe and taught. The safeguarding status, the risks "
            "and the SEN go unless you say below why the provider does not need them; the pack then says they were "
            "withheld by your school. The safeguarding procedure, contacts, attendance, objectives, timetable and "
            "review dates always go."
        ),
    )
    reason_safeguarding_status = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    reason_risks = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    reason_sen = TextAreaField(validators=LONG_TEXT, widget=GovTextArea())
    submit = SubmitField("Save the pack", widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, label, hint in QUESTIONS:
            field = getattr(self, name)
            field.label.text = label
            field.description = hint
        for section in ALWAYS_CARRIED:
            field = getattr(self, f"reason_{section.value}")
            field.label.text = f"Why the provider does not need the {SECTION_NAMES[section]}"
            field.description = (
                f"Only if you tick “{section.label}” above. Your school's record: the provider is told only that it "
                "was withheld."
            )

    def reason_fields(self) -> list[object]:
        """The reason fields, in the order of ``ALWAYS_CARRIED``, for the page."""
        return [getattr(self, f"reason_{section.value}") for section in ALWAYS_CARRIED]
