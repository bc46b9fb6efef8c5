"""The AP Support Plan journey through the real forms, CSRF on: each step saves, errors keep what was typed,
the check page applies the rules with their reasons, and agreeing moves the placement on and produces the plan."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from service.documents.models import Document
from service.documents.types import DocumentType
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from service.support_plans.models import SupportPlan
from service.support_plans.overrides import PlanOverride
from service.term_dates.models import TermDate
from tests import factories
from tests.helpers import date_fields, form_data, text

HOSTILE = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 مرحبا بالعالم"


@pytest.fixture
def placement(school, provider) -> Placement:  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    factories.ParentCarerFactory(pupil=pupil, name="Pat Parent", relationship_to_pupil="Mother")
    return factories.PlacementFactory(pupil=pupil, provider=provider, planned_start=date(2026, 1, 5))


def _post_step(client, placement_id: int, step: str, fields: dict[str, Any], button: str = "save_continue"):  # type: ignore[no-untyped-def]
    url = f"/placements/{placement_id}/plan/{step}"
    page = client.get(url)
    assert page.status_code == 200, step
    return client.post(url, data=form_data(page, {**fields, button: "1"}))


def _plan(db_session, placement_id: int) -> SupportPlan:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(sa.select(SupportPlan).where(SupportPlan.placement_id == placement_id))


FULL_ANSWERS: dict[str, dict[str, Any]] = {
    "meeting": {
        **date_fields("planning_meeting_date", 8, 12, 2025),
        "school_rep": "Ms K Owen, SENCO",
        "provider_rep": "Alex Jones, Centre manager",
        "other_professionals": "Educational psychologist",
    },
    "pupil": {"pupil_details_confirmed": "y"},
    "views": {"child_views": "I like making things. " + HOSTILE, "parental_views": "Mornings are hard."},
    "need": {
        "academic_progress": "Below expected in English.",
        "risks": "Has left the site twice.",
        "separate_risk_assessment": "yes",
        "reason_for_referral": "Struggling in mainstream lessons.",
        "risks_identified": "yes",
        **date_fields("joint_risk_assessment_date", 8, 12, 2025),
        "joint_risk_assessment_by": "Ms K Owen (SENCO), Alex Jones (provider)",
        "joint_risk_assessment_attached": "yes",
        **date_fields("health_safety_check_date", 1, 12, 2025),
        "health_safety_outcome": "satisfactory",
    },
    "outcomes": {
        "outcome_attendance": "Attend every session.",
        "outcome_attitude": "Confident in a group.",
        "outcome_attainment": "Entry level 3 English.",
        "outcome_behaviour": "No removals.",
        "outcome_destination": "Back in lessons full time.",
    },
    "objectives": {
        "objectives-0-area": "attendance",
        "objectives-0-objective": "Attend every session",
        "objectives-0-baseline": "62% last half-term",
        "objectives-0-target": "95%",
        "objectives-0-measure": "The provider's register",
        **date_fields("objectives-0-due_by", 13, 2, 2026),
    },
    "interventions": {
        "interventions-0-intervention_type": "Construction skills",
        "interventions-0-hours_per_week": "15",
        "interventions-0-delivered_by": "provider",
        **date_fields("interventions-0-start_date", 5, 1, 2026),
        "interventions-1-intervention_type": "Lessons at school",
        "interventions-1-hours_per_week": "15",
        "interventions-1-delivered_by": "school",
        **date_fields("interventions-1-start_date", 5, 1, 2026),
        # The factory's timetable is Tuesday morning at the provider and school the rest of the week.
        "hours_difference_reason": "The provider adds sessions from the second week.",
    },
    "arrangements": {
        "school_links": "Weekly phone call from the SENCO.",
        "attendance_arrangements": "Twice-daily register.",
        "agreed_actions": "",
        **date_fields("review_date", 9, 2, 2026),
        **date_fields("planned_end", 22, 7, 2026),
        "off_site_direction": "no",
    },
}


def _fill_everything(client, placement_id: int) -> None:  # type: ignore[no-untyped-def]
    for step, fields in FULL_ANSWERS.items():
        response = _post_step(client, placement_id, step, fields)
        assert response.status_code == 302, f"{step}: {text(response)[:2000]}"


def test_each_step_leads_to_the_next_and_the_last_to_the_check_page(as_commissioner, placement, db_session):
    response = _post_step(as_commissioner, placement.id, "meeting", FULL_ANSWERS["meeting"])
    assert response.headers["Location"].endswith(f"/placements/{placement.id}/plan/pupil")
    response = _post_step(as_commissioner, placement.id, "arrangements", FULL_ANSWERS["arrangements"])
    assert response.headers["Location"].endswith(f"/placements/{placement.id}/plan/check")
    plan = _plan(db_session, placement.id)
    assert plan.school_rep == "Ms K Owen, SENCO"
    assert plan.planning_meeting_date == date(2025, 12, 8)
    assert plan.review_date == date(2026, 2, 9)


def test_a_whole_plan_is_agreed_and_produced(as_commissioner, placement, db_session, default_templates):
    _fill_everything(as_commissioner, placement.id)
    check = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    page = text(check)
    assert "Must be resolved" not in page, page
    assert "Tom &amp; Jerry &lt;script&gt;" in page  # free text shown as typed, never as markup
    response = as_commissioner.post(f"/placements/{placement.id}/plan/agree", data=form_data(check, {}))
    assert response.status_code == 302
    db_session.expire_all()
    stored = db_session.get(Placement, placement.id)
    assert stored.status is PlacementStatus.AGREED
    assert [h.to_status for h in stored.history][-2:] == [PlacementStatus.REFERRED, PlacementStatus.AGREED]
    document = db_session.scalar(sa.select(Document).where(Document.placement_id == placement.id))
    assert document.doc_type is DocumentType.SUPPORT_PLAN
    assert document.status.value == "ready", document.error
    assert document.context["pupil"]["display_name"] == "Ellie Example"


def test_the_agreed_plan_is_emailed_to_each_parent_with_parental_responsibility(
    as_commissioner, placement, db_session, default_templates
):
    """One message per parent (parents who live apart must not see each other's address); none to a parent
    without parental responsibility or without an email address; never the pupil's name in the subject."""
    from service.mail.models import MessageStatus, OutboxMessage

    pupil = placement.pupil
    factories.ParentCarerFactory(pupil=pupil, name="Mum", email="mum@example.com")
    factories.ParentCarerFactory(pupil=pupil, name="Dad", email="dad@example.net")
    factories.ParentCarerFactory(pupil=pupil, name="Step", email="step@example.org", parental_responsibility=False)
    _fill_everything(as_commissioner, placement.id)
    check = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    response = as_commissioner.post(
        f"/placements/{placement.id}/plan/agree", data=form_data(check, {}), follow_redirects=True
    )
    assert "It will be emailed to 2 parents or carers." in text(response)
    db_session.expire_all()
    messages = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == "parent_plan")).all()
    assert sorted(m.to_addresses[0] for m in messages) == ["dad@example.net", "mum@example.com"]
    assert all(len(m.to_addresses) == 1 for m in messages)
    for message in messages:
        assert "Ellie" not in message.subject and "Example" not in message.subject
        assert message.status is MessageStatus.SENT, message.last_error  # the embedded default: an .eml file
        [shared] = message.attachments
        assert shared.document.doc_type is DocumentType.SUPPORT_PLAN
        assert shared.delivery.value == "link"  # a parent's mailbox is not a trusted domain
        assert [secret.kind.value for secret in message.secrets] == ["document_link"]  # made when it was sent


def test_save_as_draft_keeps_a_half_answered_step_and_shows_it_in_progress(as_commissioner, placement, db_session):
    response = _post_step(as_commissioner, placement.id, "views", {"child_views": HOSTILE}, button="save_draft")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/placements/{placement.id}/plan")
    assert _plan(db_session, placement.id).child_views == HOSTILE
    task_list = text(as_commissioner.get(f"/placements/{placement.id}/plan"))
    assert "In progress" in task_list
    again = text(as_commissioner.get(f"/placements/{placement.id}/plan/views"))
    assert "Tom &amp; Jerry" in again


def test_continue_with_a_missing_answer_saves_the_rest_and_names_what_is_missing(
    as_commissioner, placement, db_session
):
    response = _post_step(
        as_commissioner, placement.id, "views", {"child_views": "Likes football", "parental_views": ""}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Enter the parents' or carers' views" in html.unescape(page)
    assert "Likes football" in page
    assert _plan(db_session, placement.id).child_views == "Likes football"


def test_a_date_that_is_not_real_is_refused_next_to_the_field_and_nothing_is_saved_or_lost(
    as_commissioner, placement, db_session
):
    fields = {**FULL_ANSWERS["meeting"], **date_fields("planning_meeting_date", 31, 2, 2025)}
    response = _post_step(as_commissioner, placement.id, "meeting", fields)
    assert response.status_code == 400
    page = text(response)
    assert "must be a real date" in page
    assert 'href="#planning_meeting_date-day"' in page
    assert 'value="Ms K Owen, SENCO"' in page
    assert _plan(db_session, placement.id) is None


def test_objective_rows_are_added_and_removed_without_losing_what_was_typed(as_commissioner, placement, db_session):
    url = f"/placements/{placement.id}/plan/objectives"
    page = as_commissioner.get(url)
    first = {k: v for k, v in FULL_ANSWERS["objectives"].items()}
    added = as_commissioner.post(url, data=form_data(page, {**first, "add_objective": "1"}))
    assert added.status_code == 200
    assert "Objective 2" in text(added)
    assert "62% last half-term" in text(added)
    second = {k.replace("-0-", "-1-"): v for k, v in first.items()}
    second["objectives-1-objective"] = "Read a chapter a week"
    removed = as_commissioner.post(url, data=form_data(page, {**first, **second, "remove_objectives-0": "1"}))
    assert "Read a chapter a week" in text(removed)
    assert "Attend every session</textarea>" not in text(removed)
    assert _plan(db_session, placement.id) is None  # adding and removing rows saves nothing


def test_an_objective_without_baseline_or_date_is_refused_with_each_gap_named(as_commissioner, placement):
    fields = {"objectives-0-objective": "Attend", "objectives-0-target": "95%", "objectives-0-measure": "Register"}
    response = _post_step(as_commissioner, placement.id, "objectives", fields)
    assert response.status_code == 400
    page = text(response)
    assert "Enter the baseline: where the pupil is now" in page
    assert "Enter the date the objective should be met by" in page


def test_hours_that_are_not_a_number_are_refused_next_to_the_field(as_commissioner, placement, db_session):
    fields = {**FULL_ANSWERS["interventions"], "interventions-0-hours_per_week": "fifteen"}
    response = _post_step(as_commissioner, placement.id, "interventions", fields)
    assert response.status_code == 400
    assert "Enter the hours a week as a number" in text(response)
    assert 'value="fifteen"' in text(response)


HOURS_OUT_OF_RANGE = "Hours a week must be more than 0 and no more than 40"


@pytest.mark.parametrize(
    ("step", "field", "value", "message"),
    [
        ("interventions", "interventions-0-hours_per_week", "0", HOURS_OUT_OF_RANGE),
        ("interventions", "interventions-0-hours_per_week", "41", HOURS_OUT_OF_RANGE),
        ("interventions", "interventions-0-hours_per_week", "2.25", "Enter the hours to one decimal place at most"),
        ("interventions", "interventions-0-hours_per_week", "NaN", "Hours a week must be more than 0"),
        ("views", "child_views", "x" * 20_001, "Keep this to 20,000 characters or fewer"),
        ("meeting", "school_rep", "x" * 201, "Keep this to 200 characters or fewer"),
        ("objectives", "objectives-0-area", "not-an-area", "Not a valid choice"),
    ],
)
def test_answers_of_the_wrong_shape_are_refused_next_to_the_field_and_the_plan_is_unchanged(
    as_commissioner, placement, db_session, step, field, value, message
):
    response = _post_step(as_commissioner, placement.id, step, {**FULL_ANSWERS[step], field: value})
    assert response.status_code == 400
    page = html.unescape(text(response))
    assert message in page
    assert f'href="#{field}"' in page  # the error summary links to the box to fix
    assert _plan(db_session, placement.id) is None


def test_a_part_time_package_needs_a_reason_before_it_can_continue(as_commissioner, placement, db_session):
    fields = {k: v for k, v in FULL_ANSWERS["interventions"].items() if not k.startswith("interventions-1")}
    response = _post_step(as_commissioner, placement.id, "interventions", fields)
    assert response.status_code == 400
    assert "The package is below full time: select why" in text(response)
    plan = _plan(db_session, placement.id)
    assert [i.hours_per_week for i in plan.interventions] == [Decimal("15")]
    with_reason = {**fields, "part_time_reason": "school_other_days", "part_time_detail": "In school Thu and Fri"}
    assert _post_step(as_commissioner, placement.id, "interventions", with_reason).status_code == 302


def test_check_page_blocks_agreement_and_says_why(as_commissioner, placement, db_session):
    _fill_everything(as_commissioner, placement.id)
    _post_step(
        as_commissioner,
        placement.id,
        "arrangements",
        {**FULL_ANSWERS["arrangements"], **date_fields("review_date", 1, 6, 2026)},
    )
    check = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    page = text(check)
    assert "Must be resolved" in page
    assert "1 June 2026" in page
    response = as_commissioner.post(
        f"/placements/{placement.id}/plan/agree", data=form_data(check, {}), follow_redirects=True
    )
    assert "cannot be agreed yet" in text(response)
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).status is PlacementStatus.DRAFT


def test_term_dates_move_the_latest_review_date(as_commissioner, placement, school, db_session):
    for name, start, end in (
        ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
        ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    ):
        db_session.add(TermDate(organisation_id=school.id, name=name, starts_on=start, ends_on=end))
    db_session.commit()
    page = text(as_commissioner.get(f"/placements/{placement.id}/plan/arrangements"))
    # Spring 1 has 30 school days from 5 January; 30 school days after the start skips the February break.
    assert "on or before 23 February 2026" in page


def test_a_provider_at_registration_risk_needs_a_senior_leaders_override_with_a_reason_and_the_report(
    as_commissioner, commissioner, placement, provider, school, local_authority, db_session, default_templates
):
    commissioner.senior_leader = True  # granted by the admin (tests/support_plans/test_provider_blocks.py)
    provider.dfe_registered = False
    ehcp_pupil = placement.pupil
    ehcp_pupil.sen_status = SenStatus.EHCP
    db_session.commit()
    factories.LaDecisionFactory(placement=placement, local_authority=local_authority)  # the LA decides with an EHCP
    answers = {**FULL_ANSWERS}
    answers["interventions"] = {
        **FULL_ANSWERS["interventions"],
        "interventions-0-hours_per_week": "25",
        "interventions-1-hours_per_week": "5",
    }
    for step, fields in answers.items():
        assert _post_step(as_commissioner, placement.id, step, fields).status_code == 302
    check = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    assert "must register as an independent school" in text(check)
    assert "Override this check" in text(check)
    today = date.today()
    report = {**date_fields("reported_on", today.day, today.month, today.year), "reported_by": "Sam Senco"}
    short = as_commissioner.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(check, {"check": "registration", "override_reason": "ok", **report}),
    )
    assert short.status_code == 400
    assert "in at least a sentence" in text(short)
    reason = "Provider has applied for registration; LA informed on 1 December."
    done = as_commissioner.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(check, {"check": "registration", "override_reason": reason, **report}),
    )
    assert done.status_code == 302
    check = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    assert reason in text(check)
    assert as_commissioner.post(f"/placements/{placement.id}/plan/agree", data=form_data(check, {})).status_code == 302
    plan = _plan(db_session, placement.id)
    override = db_session.scalars(sa.select(PlanOverride).where(PlanOverride.placement_id == placement.id)).one()
    assert (override.check_key, override.by_id, override.reported_by) == ("registration", commissioner.id, "Sam Senco")
    assert plan.agreed_at is not None
    assert {i.delivered_by for i in plan.interventions} == {DeliveredBy.PROVIDER, DeliveredBy.SCHOOL}


def test_the_placement_page_cannot_mark_agreed_without_the_plan(as_commissioner, school, provider, db_session):
    referred = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.REFERRED
    )
    page = as_commissioner.get(f"/placements/{referred.id}")
    assert 'value="agreed"' not in text(page)
    response = as_commissioner.post(
        f"/placements/{referred.id}/status", data=form_data(page, {"new_status": "agreed"}), follow_redirects=True
    )
    assert "agreeing its support plan" in text(response)
    db_session.expire_all()
    assert db_session.get(Placement, referred.id).status is PlacementStatus.REFERRED


def test_another_organisations_commissioner_cannot_see_or_change_the_plan(
    client, other_commissioner, placement, db_session
):
    from tests.conftest import sign_in

    sign_in(client, other_commissioner)
    assert client.get(f"/placements/{placement.id}/plan").status_code == 404
    assert client.get(f"/placements/{placement.id}/plan/views").status_code == 404
    page = client.get("/")
    response = client.post(
        f"/placements/{placement.id}/plan/views", data=form_data(page, {"child_views": "x", "save_draft": "1"})
    )
    assert response.status_code == 404
    assert _plan(db_session, placement.id) is None


def test_provider_staff_cannot_open_the_plan_journey(as_provider, placement, db_session):
    placement.status = PlacementStatus.REFERRED
    db_session.commit()
    assert as_provider.get(f"/placements/{placement.id}/plan").status_code == 403
    assert as_provider.get(f"/placements/{placement.id}/plan/check").status_code == 403
