"""The AP Support Plan journey's forms, one per step (the Oxfordshire commissioning guidance, Appendix A).

Fields only check the shape of an answer (a real date, a number of hours, a sane length), never that it
was given: a SENCO saves a draft at any step. "Save and continue" then asks for the step's missing answers
with the messages in ``REQUIRED_MESSAGES``; agreement checks the whole plan.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
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
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms.fields import DateField
from service.rules.full_time import DeliveredBy, PartTimeReason
from service.rules.outcomes import OutcomeArea
from service.rules.plan_requirements import MAX_DIRECTION_WEEKS, HealthSafetyOutcome

MAX_TEXT = 20_000
MAX_ROWS = 20
LONG_TEXT = [Optional(), Length(max=MAX_TEXT, message=f"Keep this to {MAX_TEXT:,} characters or fewer")]
SHORT_TEXT = [Optional(), Length(max=200, message="Keep this to 200 characters or fewer")]

#: What "Save and continue" says when an answer the plan needs is missing.
REQUIRED_MESSAGES: dict[str, str] = {
    "planning_meeting_date": "Enter the date of the planning meeting",
    "school_rep": "Enter the school representative's name and role",
    "provider_rep": "Enter the alternative provider representative's name and role",
    "pupil_details_confirmed": "Confirm the pupil's details are correct, or change the pupil record",
    "child_views": "Enter the pupil's views, in their own words where possible",
    "parental_views": "Enter the parents' or carers' views and relevant home background",
    "academic_progress": "Enter the pupil's academic progress and barriers to learning",
    "risks": "Enter the risks identified, or 'None identified'",
    "separate_risk_assessment": "Select yes if a separate risk assessment is required",
    "reason_for_referral": "Enter the reason for referral",
    "outcome_attendance": "Enter the desired outcome for attendance",
    "outcome_attitude": "Enter the desired outcome for attitude to learning",
    "outcome_attainment": "Enter the desired outcome for attainment",
    "outcome_behaviour": "Enter the desired outcome for behaviour",
    "outcome_destination": "Enter the desired outcome for the pupil's next destination",
    "school_links": "Enter how the home school will keep in touch with the pupil and parents",
    "attendance_arrangements": "Enter how attendance will be reported and monitored",
    "review_date": "Enter the date of the first review meeting",
    **{
        # The plan itself (rules.plan_requirements): risks said explicitly, the end, an off-site direction.
        "risks_identified": "Select yes if the plan identifies risks",
        "planned_end": "Enter the planned end date",
        "off_site_direction": "Select yes if the governing body has directed the pupil off site",
    },
}

#: What "Save and continue" says next to each missing answer of a joint risk assessment (when risks are identified).
RISK_ASSESSMENT_MESSAGES: dict[str, str] = {
    "joint_risk_assessment_date": "Enter the date of the joint risk assessment with the provider",
    "joint_risk_assessment_by": "Enter who took part in the joint risk assessment",
    "joint_risk_assessment_attached": "Select yes if a separate risk assessment is attached",
    "health_safety_check_date": "Enter the date of the provider's health-and-safety check",
    "health_safety_outcome": "Select the outcome of the provider's health-and-safety check",
}

OUTCOME_HINTS = {
    OutcomeArea.ATTENDANCE: "For example: attends every session at the provider and at school",
    OutcomeArea.ATTITUDE: "For example: takes part in group work; says they feel safe and listened to",
    OutcomeArea.ATTAINMENT: "For example: Entry Level 3 in functional skills English and maths by July",
    OutcomeArea.BEHAVIOUR: "For example: no removals from sessions; uses agreed strategies when upset",
    OutcomeArea.DESTINATION: "Where the pupil goes next: back to lessons full time, another school, college, training",
}


def _decimal_hours(form: Any, field: StringField) -> None:
    text = (field.data or "").strip()
    if not text:
        return
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError("Enter the hours a week as a number, like 6 or 2.5") from None
    if not value.is_finite() or value <= 0 or value > 40:
        raise ValidationError("Hours a week must be more than 0 and no more than 40")
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError("Enter the hours to one decimal place at most, like 2.5")


class StepForm(FlaskForm):
    save_continue = SubmitField("Save and continue", widget=GovSubmitInput())
    save_draft = SubmitField("Save as draft and return later", widget=GovSubmitInput())


class MeetingForm(StepForm):
    planning_meeting_date = DateField("Date of the planning meeting")
    school_rep = StringField(
        "School representative",
        widget=GovTextInput(),
        validators=SHORT_TEXT,
        description="Name and role, for example: Ms K Owen, SENCO",
    )
    provider_rep = StringField(
        "Alternative provider representative",
        widget=GovTextInput(),
        validators=SHORT_TEXT,
        description="Name and role of the person from the provider",
    )
    parent_ids = SelectMultipleField(
        "Parents or carers taking part",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
        description="From the pupil record. Add a parent or carer there if they are missing.",
    )
    other_professionals = TextAreaField(
        "Other professionals (optional)",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="For example: educational psychologist, social worker, school nurse",
    )


class PupilForm(StepForm):
    pupil_details_confirmed = BooleanField(
        "These details are correct", widget=GovCheckboxInput(), validators=[Optional()]
    )


class ViewsForm(StepForm):
    child_views = TextAreaField(
        "The pupil's views",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="What the pupil says about school, the placement and what helps them. Use their words.",
    )
    parental_views = TextAreaField(
        "Parents' or carers' views and relevant home background",
        widget=GovTextArea(),
        validators=LONG_TEXT,
    )


def _whole_weeks(form: Any, field: StringField) -> None:
    text = (field.data or "").strip()
    if not text:
        return
    if not text.isdigit() or not 1 <= int(text) <= MAX_DIRECTION_WEEKS:
        raise ValidationError(f"Enter the maximum duration as a whole number of weeks, from 1 to {MAX_DIRECTION_WEEKS}")


class RiskAssessmentFields(Form):
    """Risks said explicitly, and when there are: the joint risk assessment and the provider's H&S check."""

    risks_identified = RadioField(
        "Does the plan identify risks?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[Optional()],
        description="If yes, the joint risk assessment and the provider's health-and-safety check are needed "
        "before the plan can be agreed.",
    )
    joint_risk_assessment_date = DateField("Date of the joint risk assessment with the provider")
    joint_risk_assessment_by = TextAreaField(
        "Who took part in the joint risk assessment",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="Names and roles, for example: Ms K Owen (SENCO), Alex Jones (provider centre manager)",
    )
    joint_risk_assessment_attached = RadioField(
        "Is a separate risk assessment attached to the plan?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    health_safety_check_date = DateField("Date of the provider's health-and-safety check")
    health_safety_outcome = RadioField(
        "Outcome of the health-and-safety check",
        choices=[(o.value, o.label) for o in HealthSafetyOutcome],
        widget=GovRadioInput(),
        validators=[Optional()],
        description="An unsatisfactory outcome stops the plan being agreed until a new check is satisfactory.",
    )


class PlanEndFields(Form):
    """The planned end, and a governing body's off-site direction with the maximum duration agreed for it."""

    planned_end = DateField(
        "Planned end date",
        description="Once the plan is agreed, only a review that agrees an extension changes it.",
    )
    off_site_direction = RadioField(
        "Has the governing body directed the pupil off site?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[Optional()],
        description="A direction to attend off-site provision to improve behaviour (Education Act 2002 s29A).",
    )
    off_site_max_weeks = StringField(
        "Maximum duration agreed for the direction, in weeks",
        widget=GovTextInput(),
        validators=[Optional(), _whole_weeks],
        description="From the planned start. The planned end date must fall within it.",
    )


class NeedForm(StepForm, RiskAssessmentFields):
    academic_progress = TextAreaField(
        "Academic progress, including barriers to learning", widget=GovTextArea(), validators=LONG_TEXT
    )
    risks = TextAreaField(
        "Risks identified",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="For example: leaving the site, risk to others, exploitation. Write 'None identified' if none.",
    )
    separate_risk_assessment = RadioField(
        "Is a separate risk assessment required?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    reason_for_referral = TextAreaField("Reason for referral", widget=GovTextArea(), validators=LONG_TEXT)


class OutcomesForm(StepForm):
    outcome_attendance = TextAreaField("Attendance", widget=GovTextArea(), validators=LONG_TEXT)
    outcome_attitude = TextAreaField("Attitude to learning", widget=GovTextArea(), validators=LONG_TEXT)
    outcome_attainment = TextAreaField("Attainment", widget=GovTextArea(), validators=LONG_TEXT)
    outcome_behaviour = TextAreaField("Behaviour", widget=GovTextArea(), validators=LONG_TEXT)
    outcome_destination = TextAreaField("Next destination", widget=GovTextArea(), validators=LONG_TEXT)


class ObjectiveRowForm(Form):
    area = SelectField(
        "Outcome area",
        choices=[("", "Choose an area")] + [(a.value, a.label) for a in OutcomeArea],
        widget=GovSelect(),
        validators=[Optional()],
    )
    objective = TextAreaField("Objective", widget=GovTextArea(), validators=LONG_TEXT)
    baseline = TextAreaField("Baseline: where the pupil is now", widget=GovTextArea(), validators=LONG_TEXT)
    target = TextAreaField("Target", widget=GovTextArea(), validators=LONG_TEXT)
    measure = TextAreaField("How it will be measured", widget=GovTextArea(), validators=LONG_TEXT)
    due_by = DateField("By when")
    ehcp_outcome = TextAreaField(
        "EHCP outcome this serves (optional)",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="The outcome in section E of the pupil's EHC plan that this objective works towards",
    )


class ObjectivesForm(StepForm):
    objectives = FieldList(FormField(ObjectiveRowForm), min_entries=1, max_entries=MAX_ROWS)
    add_objective = SubmitField("Add another objective", widget=GovSubmitInput())


class InterventionRowForm(Form):
    intervention_type = StringField("Intervention type", widget=GovTextInput(), validators=SHORT_TEXT)
    hours_per_week = StringField(
        "Hours a week", widget=GovTextInput(), validators=[Optional(), _decimal_hours], description="For example: 6"
    )
    delivered_by = SelectField(
        "Where", choices=[(d.value, d.label) for d in DeliveredBy], widget=GovSelect(), validators=[InputRequired()]
    )
    start_date = DateField("Start date")


class InterventionsForm(StepForm):
    interventions = FieldList(FormField(InterventionRowForm), min_entries=1, max_entries=MAX_ROWS)
    add_intervention = SubmitField("Add another intervention", widget=GovSubmitInput())
    part_time_reason = RadioField(
        "If the package is below full time, why?",
        choices=[(r.value, r.label) for r in PartTimeReason],
        widget=GovRadioInput(),
        validators=[Optional()],
        description="Full time covers the school day on every school day, across every setting.",
    )
    part_time_detail = TextAreaField(
        "Details of the reason",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="The medical advice, or the days and times the pupil is in school",
    )
    # The intensive or one-to-one reason needs the parents consulted about the rest of the day (rules.full_time).
    parents_consulted_on = DateField(
        "When were the parents consulted about supervising the pupil for the rest of the day?",
        description="Only for an intensive or one-to-one package. For example, 5 1 2026",
    )
    parents_consulted_with = StringField(
        "Who was consulted, and by whom",
        widget=GovTextInput(),
        validators=SHORT_TEXT,
        description="For example: Pat Smith (mother), by Ms K Owen (SENCO)",
    )
    hours_difference_reason = TextAreaField(
        "If the interventions' hours differ from the timetable, why?",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="The hours of each setting's interventions should add up to its sessions on the timetable",
    )


class ArrangementsForm(StepForm, PlanEndFields):
    school_links = TextAreaField(
        "How will the home school keep links with the pupil and parents?",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="Shared time in school, in-person visits, review meetings, phone calls",
    )
    attendance_arrangements = TextAreaField(
        "Arrangements to report and monitor attendance", widget=GovTextArea(), validators=LONG_TEXT
    )
    agreed_actions = TextAreaField(
        "Agreed actions (optional)",
        widget=GovTextArea(),
        validators=LONG_TEXT,
        description="Other referrals, special transition arrangements, a visit to the provider before the start",
    )
    review_date = DateField("Date of the first review meeting")


STEP_FORMS: dict[str, type[StepForm]] = {
    "meeting": MeetingForm,
    "pupil": PupilForm,
    "views": ViewsForm,
    "need": NeedForm,
    "outcomes": OutcomesForm,
    "objectives": ObjectivesForm,
    "interventions": InterventionsForm,
    "arrangements": ArrangementsForm,
}

DEFAULT_ATTENDANCE_ARRANGEMENTS = (
    "The provider takes a register twice a day (morning and afternoon) and sends it to the school daily. "
    "If the pupil is absent without a reason, the provider phones the school the same day."
)


class OverrideForm(FlaskForm):
    """A senior leader sets one blocking check aside (``check``), with a reason; registration needs the report too."""

    check = RadioField(
        "Which check do you override?",
        widget=GovRadioInput(),
        choices=[],
        validators=[InputRequired("Select the check you override")],
    )
    override_reason = TextAreaField(
        "Why should the plan go ahead despite this check?",
        widget=GovTextArea(),
        validators=[InputRequired("Say why the plan should go ahead despite this check"), Length(max=MAX_TEXT)],
        description="At least a sentence. It is recorded with your name, and printed in the plan.",
    )
    reported_on = DateField(
        "Date the provider was reported to the DfE, Ofsted and the Virtual AP Headteacher",
        description="Only for the registration check: a suspected unregistered school must be reported.",
    )
    reported_by = StringField("Who made the report", widget=GovTextInput(), validators=SHORT_TEXT)
    submit = SubmitField("Override this check", widget=GovSubmitInput())


class DesktopReviewForm(FlaskForm):
    """The desk-top review of a provider not on the LA's approved list, and the report to the Virtual AP Headteacher."""

    reviewed_on = DateField("Date of the desk-top review")
    reviewed_by = StringField("Who carried out the desk-top review", widget=GovTextInput(), validators=SHORT_TEXT)
    reported_on = DateField("Date it was reported to the Virtual AP Headteacher")
    reported_by = StringField("Who reported it", widget=GovTextInput(), validators=SHORT_TEXT)
    submit = SubmitField("Record the desk-top review", widget=GovSubmitInput())


class AgreeForm(FlaskForm):
    submit = SubmitField("Agree the plan and produce it", widget=GovSubmitInput())
