"""The plan itself, through the real forms: a planned end date, an off-site direction's agreed maximum, the joint
risk assessment and the provider's health-and-safety check block agreement until they are recorded; the end date
is changed after agreement only by a review; the AP Support Plan PDF carries the answers, each objective's EHCP
outcome among them (rules.plan_requirements, support_plans.plan_checks)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.audit.models import AuditEvent
from service.documents.models import Document
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.placement_status import PlacementStatus
from service.support_plans.models import SupportPlan
from tests import factories
from tests.helpers import date_fields, form_data, text
from tests.support_plans.test_journey import FULL_ANSWERS, _post_step

HOSTILE = "Tom & Jerry <b>not bold</b> “quoted” 'single' 😀 مرحبا"
NO_END = date_fields("planned_end", "", "", "")


@pytest.fixture
def placement(school, provider) -> Placement:  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    factories.ParentCarerFactory(pupil=pupil, name="Pat Parent", relationship_to_pupil="Mother")
    return factories.PlacementFactory(pupil=pupil, provider=provider, planned_start=date(2026, 1, 5), planned_end=None)


def _fill(client, placement_id: int, **changes: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    """Every step answered as in the journey's full answers, with some steps' answers changed."""
    for step, fields in FULL_ANSWERS.items():
        _post_step(client, placement_id, step, {**fields, **changes.get(step, {})})


def _agree(client, placement_id: int):  # type: ignore[no-untyped-def]
    check = client.get(f"/placements/{placement_id}/plan/check")
    return client.post(f"/placements/{placement_id}/plan/agree", data=form_data(check, {}), follow_redirects=True)


def _agreed(db_session, placement_id: int) -> bool:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    plan = db_session.scalar(sa.select(SupportPlan).where(SupportPlan.placement_id == placement_id))
    agree_rows = db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "agree", AuditEvent.entity_type == "support_plan", AuditEvent.entity_id == placement_id
        )
    ).all()
    assert bool(agree_rows) is (plan.agreed_at is not None)  # the audit row comes with the agreement, never without
    return plan.agreed_at is not None


def _check_item(page: str, key: str) -> str:
    """The check page's entry for one rule: its heading, tag, message and link."""
    match = re.search(rf'<li class="apdocs-check[^"]*" id="check-{key}">(.*?)</li>', page, re.S)
    assert match, f"no check {key!r} on the page"
    return match.group(1)


def test_without_a_planned_end_the_plan_is_blocked_and_the_check_points_at_the_step(
    as_commissioner, placement, db_session
):
    _fill(as_commissioner, placement.id, arrangements=NO_END)
    arrangements = _post_step(as_commissioner, placement.id, "arrangements", {**FULL_ANSWERS["arrangements"], **NO_END})
    assert arrangements.status_code == 400
    assert "Enter the planned end date" in text(arrangements)  # next to the field on the step

    page = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    item = _check_item(page, "planned_end")
    assert "Must be resolved" in item and "Enter the planned end date" in item
    assert f"/placements/{placement.id}/plan/arrangements" in item  # "Go to links, attendance and review"
    response = _agree(as_commissioner, placement.id)
    assert "cannot be agreed yet" in text(response)
    assert not _agreed(db_session, placement.id)
    assert db_session.get(Placement, placement.id).status is PlacementStatus.DRAFT


def test_an_end_before_the_start_is_refused_next_to_the_field(as_commissioner, placement, db_session):
    response = _post_step(
        as_commissioner,
        placement.id,
        "arrangements",
        {**FULL_ANSWERS["arrangements"], **date_fields("planned_end", 2, 1, 2026)},
    )
    assert response.status_code == 400
    assert "must be on or after the planned start (5 January 2026)" in text(response)
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).planned_end is None


def test_an_off_site_direction_needs_its_maximum_and_the_end_within_it(as_commissioner, placement, db_session):
    direction = {"off_site_direction": "yes", "off_site_max_weeks": ""}
    _fill(as_commissioner, placement.id, arrangements=direction)
    step = _post_step(as_commissioner, placement.id, "arrangements", {**FULL_ANSWERS["arrangements"], **direction})
    assert step.status_code == 400
    assert "Enter the maximum duration agreed for the off-site direction" in text(step)
    item = _check_item(text(as_commissioner.get(f"/placements/{placement.id}/plan/check")), "off_site_direction")
    assert "Must be resolved" in item and "Enter the maximum duration agreed for the off-site direction" in item
    assert "cannot be agreed yet" in text(_agree(as_commissioner, placement.id))
    assert not _agreed(db_session, placement.id)

    # Six weeks from Monday 5 January runs to Sunday 15 February: an end in July is beyond it.
    six_weeks = {"off_site_direction": "yes", "off_site_max_weeks": "6"}
    assert (
        _post_step(
            as_commissioner, placement.id, "arrangements", {**FULL_ANSWERS["arrangements"], **six_weeks}
        ).status_code
        == 302
    )
    item = _check_item(text(as_commissioner.get(f"/placements/{placement.id}/plan/check")), "off_site_direction")
    assert "after the off-site direction&#39;s agreed maximum of 6 weeks (to 15 February 2026)" in item
    assert "cannot be agreed yet" in text(_agree(as_commissioner, placement.id))
    assert not _agreed(db_session, placement.id)

    within = {**six_weeks, **date_fields("planned_end", 13, 2, 2026)}
    assert (
        _post_step(
            as_commissioner, placement.id, "arrangements", {**FULL_ANSWERS["arrangements"], **within}
        ).status_code
        == 302
    )
    assert "The plan is agreed" in text(_agree(as_commissioner, placement.id))
    assert _agreed(db_session, placement.id)
    plan = db_session.scalar(sa.select(SupportPlan).where(SupportPlan.placement_id == placement.id))
    assert (plan.off_site_direction, plan.off_site_max_weeks) == (True, 6)


def test_risks_without_the_joint_assessment_block_and_with_it_the_plan_is_agreed(
    as_commissioner, placement, db_session
):
    bare = {
        "risks_identified": "yes",
        **date_fields("joint_risk_assessment_date", "", "", ""),
        "joint_risk_assessment_by": "",
        "joint_risk_assessment_attached": "",
        **date_fields("health_safety_check_date", "", "", ""),
        "health_safety_outcome": "",
    }
    _fill(as_commissioner, placement.id, need=bare)
    step = _post_step(as_commissioner, placement.id, "need", {**FULL_ANSWERS["need"], **bare})
    assert step.status_code == 400
    for message in (
        "Enter the date of the joint risk assessment with the provider",
        "Enter who took part in the joint risk assessment",
        "Select the outcome of the provider&#39;s health-and-safety check",
    ):
        assert message in text(step)
    item = _check_item(text(as_commissioner.get(f"/placements/{placement.id}/plan/check")), "risk_assessment")
    assert "Must be resolved" in item and "Still needed: the date of the joint risk assessment" in item
    assert f"/placements/{placement.id}/plan/need" in item
    assert "cannot be agreed yet" in text(_agree(as_commissioner, placement.id))
    assert not _agreed(db_session, placement.id)

    # An unsatisfactory health-and-safety check blocks too, though every answer is given.
    unsafe = {**FULL_ANSWERS["need"], "health_safety_outcome": "unsatisfactory"}
    assert _post_step(as_commissioner, placement.id, "need", unsafe).status_code == 302
    item = _check_item(text(as_commissioner.get(f"/placements/{placement.id}/plan/check")), "risk_assessment")
    assert "was unsatisfactory" in item
    assert "cannot be agreed yet" in text(_agree(as_commissioner, placement.id))
    assert not _agreed(db_session, placement.id)

    assert _post_step(as_commissioner, placement.id, "need", FULL_ANSWERS["need"]).status_code == 302
    page = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    assert "Joint risk assessment on 8 December 2025" in _check_item(page, "risk_assessment")
    assert "The plan is agreed" in text(_agree(as_commissioner, placement.id))
    assert _agreed(db_session, placement.id)


def test_no_risks_said_explicitly_needs_no_assessment(as_commissioner, placement, db_session):
    _fill(as_commissioner, placement.id, need={"risks_identified": "no", "risks": "None identified"})
    assert "The plan is agreed" in text(_agree(as_commissioner, placement.id))
    assert _agreed(db_session, placement.id)


def test_the_end_date_is_changed_after_agreement_only_by_a_review(as_commissioner, placement, db_session):
    _fill(as_commissioner, placement.id)
    assert "The plan is agreed" in text(_agree(as_commissioner, placement.id))
    moved = {**FULL_ANSWERS["arrangements"], **date_fields("planned_end", 23, 10, 2026)}
    response = _post_step(as_commissioner, placement.id, "arrangements", moved)
    assert response.status_code == 400
    assert "only be changed by recording a review that agrees an extension" in text(response)
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).planned_end == date(2026, 7, 22)
    # Saving the step again with the agreed end is fine.
    assert _post_step(as_commissioner, placement.id, "arrangements", FULL_ANSWERS["arrangements"]).status_code == 302
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).planned_end == date(2026, 7, 22)


@pytest.mark.usefixtures("default_templates")
def test_the_agreed_plan_pdf_holds_the_joint_assessment_and_the_ehcp_outcome(
    as_commissioner, placement, local_authority, db_session
):
    placement.pupil.sen_status = SenStatus.EHCP
    factories.LaDecisionFactory(placement=placement)  # with an EHCP the LA decides (tests/la_decisions)
    db_session.commit()
    objectives = text(as_commissioner.get(f"/placements/{placement.id}/plan/objectives"))
    assert "EHCP outcome this serves" in objectives  # asked for a pupil with an EHCP
    outcome = f"Joins a group activity for 20 minutes. {HOSTILE}"
    _fill(
        as_commissioner,
        placement.id,
        objectives={"objectives-0-ehcp_outcome": outcome},
        need={"joint_risk_assessment_by": "Ms K Owen & Alex Jones <provider>"},
    )
    assert "The plan is agreed" in text(_agree(as_commissioner, placement.id))
    db_session.expire_all()
    document = db_session.scalar(sa.select(Document).where(Document.placement_id == placement.id))
    assert document.status.value == "ready", document.error
    assert document.context["support"]["objectives"][0]["ehcp_outcome"] == outcome
    pdf = as_commissioner.get(f"/documents/{document.id}/pdf")
    assert pdf.status_code == 200
    words = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Joint risk assessment with the provider" in words
    assert "8 December 2025" in words and "Ms K Owen & Alex Jones <provider>" in words
    assert "Separate assessment attached: Yes" in words
    assert "1 December 2025" in words and "Satisfactory" in words
    assert "EHCP outcomes the objectives serve" in words
    assert "Joins a group activity for 20 minutes. Tom & Jerry <b>not bold</b>" in words  # as typed, not markup
    assert "“quoted” 'single'" in words or "“quoted” ’single’" in words
    assert "مرحبا" in words or "ابحرم" in words  # right-to-left survives (extraction may reverse it)
    assert "22 July 2026" in words  # the planned end
    assert "Off-site direction by the governing body No" in words


def test_objectives_of_a_pupil_without_an_ehcp_do_not_ask_for_an_ehcp_outcome(as_commissioner, placement):
    assert "EHCP outcome this serves" not in text(as_commissioner.get(f"/placements/{placement.id}/plan/objectives"))
