"""Provider checks that stop a plan, through the web client: the block and why, who may override it, the audit rows,
the override in the agreed plan's PDF (real docxtpl and LibreOffice), the registration override's report, and the
desk-top review of a provider not on the LA's list."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.audit.models import AuditEvent
from service.documents.models import Document, DocumentStatus
from service.providers.models import ApprovedListStatus
from service.pupils.models import SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from service.support_plans.models import SupportPlan
from service.support_plans.overrides import DesktopReview, PlanOverride
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import date_fields, form_data, text

REASON = "Renewal confirmed in writing by the insurer on Monday; the certificate follows this week."


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    """A draft placement whose plan is complete: only the provider's checks can stop it."""
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(15), delivered_by=DeliveredBy.PROVIDER)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(15), delivered_by=DeliveredBy.SCHOOL)
    return placement


@pytest.fixture
def lapsed(provider, db_session):  # type: ignore[no-untyped-def]
    """The provider's insurance ended yesterday."""
    provider.insurance_expiry = date.today() - timedelta(days=1)
    db_session.commit()
    return provider


def _audit(db_session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _today_fields(name: str) -> dict[str, str]:
    today = date.today()
    return date_fields(name, today.day, today.month, today.year)


def test_a_senco_cannot_agree_a_plan_with_a_provider_whose_insurance_has_expired(
    as_commissioner, placement, lapsed, db_session
):
    page = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    html = text(page)
    assert page.status_code == 200
    # The block is shown on the check, with the date, and the plan says it cannot be agreed.
    insurance = html[html.index('id="check-provider_insurance"') :]
    insurance = insurance[: insurance.index("</li>")]
    assert "Must be resolved" in insurance
    assert f"insurance expired on {(date.today() - timedelta(days=1)).day}" in insurance
    assert "Only a senior leader can override this check" in insurance
    assert "The plan cannot be agreed until 1 check is resolved" in html
    assert "Agree the plan and produce it" not in html

    # Posting the agreement anyway (a stale page, a crafted post) is refused, and says why.
    refused = as_commissioner.post(
        f"/placements/{placement.id}/plan/agree", data=form_data(page, {}), follow_redirects=True
    )
    assert "The plan cannot be agreed yet" in text(refused)
    assert "insurance expired" in text(refused)
    db_session.expire_all()
    plan = db_session.scalar(sa.select(SupportPlan).where(SupportPlan.placement_id == placement.id))
    assert plan.agreed_at is None
    assert placement.status is PlacementStatus.DRAFT
    assert _audit(db_session, "agree") == []


def test_a_commissioner_without_the_senior_leader_grant_cannot_override(as_commissioner, placement, lapsed, db_session):
    page = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    assert "Only a senior leader can override a check that stops the plan" in text(page)
    assert "Override this check" not in text(page)
    response = as_commissioner.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(page, {"check": "provider_insurance", "override_reason": REASON}),
    )
    assert response.status_code == 403
    assert db_session.scalars(sa.select(PlanOverride)).all() == []
    assert _audit(db_session, "override") == []


def test_the_admin_grants_senior_leader_only_to_a_commissioner_and_it_is_audited(
    as_admin, admin, commissioner, viewer, db_session
):
    page = as_admin.get(f"/users/{commissioner.id}")
    assert "Senior leader: may override a provider check, with a reason" in text(page)
    fields = {"name": commissioner.name, "email": commissioner.email, "role": "commissioner", "is_active": "y"}
    granted = as_admin.post(f"/users/{commissioner.id}", data=form_data(page, {**fields, "senior_leader": "y"}))
    assert granted.status_code == 302
    db_session.expire_all()
    assert commissioner.senior_leader is True
    [event] = _audit(db_session, "grant_senior_leader")
    assert (event.user_id, event.entity_type, event.entity_id) == (admin.id, "user", commissioner.id)
    assert "(senior leader)" in text(as_admin.get("/users"))

    page = as_admin.get(f"/users/{viewer.id}")
    fields = {"name": viewer.name, "email": viewer.email, "role": "viewer", "is_active": "y", "senior_leader": "y"}
    refused = as_admin.post(f"/users/{viewer.id}", data=form_data(page, fields))
    assert refused.status_code == 200
    assert "Only a commissioner can be a senior leader" in text(refused)
    db_session.expire_all()
    assert viewer.senior_leader is False

    page = as_admin.get(f"/users/{commissioner.id}")
    fields = {"name": commissioner.name, "email": commissioner.email, "role": "commissioner", "is_active": "y"}
    assert as_admin.post(f"/users/{commissioner.id}", data=form_data(page, fields)).status_code == 302
    db_session.expire_all()
    assert commissioner.senior_leader is False
    assert len(_audit(db_session, "revoke_senior_leader")) == 1


@pytest.mark.usefixtures("default_templates")
def test_a_senior_leader_overrides_with_a_reason_and_the_plan_is_agreed_with_the_override_in_its_pdf(
    app, admin, commissioner, placement, lapsed, db_session
):
    admin_browser = browser(app)
    sign_in(admin_browser, admin)
    page = admin_browser.get(f"/users/{commissioner.id}")
    fields = {"name": commissioner.name, "email": commissioner.email, "role": "commissioner", "is_active": "y"}
    assert admin_browser.post(f"/users/{commissioner.id}", data=form_data(page, {**fields, "senior_leader": "y"}))

    senior = browser(app)
    sign_in(senior, commissioner)
    page = senior.get(f"/placements/{placement.id}/plan/check")
    assert "Override this check" in text(page)
    short = senior.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(page, {"check": "provider_insurance", "override_reason": "It is fine."}),
    )
    assert short.status_code == 400
    assert "in at least a sentence" in text(short)
    assert db_session.scalars(sa.select(PlanOverride)).all() == []

    done = senior.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(page, {"check": "provider_insurance", "override_reason": REASON}),
    )
    assert done.status_code == 302
    [override] = db_session.scalars(sa.select(PlanOverride)).all()
    assert (override.check_key, override.by_id, override.reason) == ("provider_insurance", commissioner.id, REASON)
    [event] = _audit(db_session, "override")
    assert (event.user_id, event.entity_id) == (commissioner.id, placement.id)
    assert event.detail["rule"] == "provider_insurance"

    page = senior.get(f"/placements/{placement.id}/plan/check")
    html = text(page)
    assert "Overridden by Sam Senco" in html
    assert "Checks overridden" in html
    assert "Agree the plan and produce it" in html
    agreed = senior.post(f"/placements/{placement.id}/plan/agree", data=form_data(page, {}))
    assert agreed.status_code == 302

    document = db_session.scalar(
        sa.select(Document).where(Document.placement_id == placement.id).order_by(Document.id.desc())
    )
    assert document.status is DocumentStatus.READY, document.error
    pdf = senior.get(f"/documents/{document.id}/pdf")
    words = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages))
    assert "Checks overridden" in words
    assert "overrode these checks" in words
    assert "Provider: insurance" in words
    assert "Renewal confirmed in writing by the insurer" in words
    assert "Sam Senco" in words


def test_a_registration_override_without_the_report_is_refused(
    as_commissioner, commissioner, school, provider, db_session
):
    commissioner.senior_leader = True
    provider.dfe_registered = False
    pupil = factories.PupilFactory(organisation=school, looked_after=True)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider)
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(30), delivered_by=DeliveredBy.PROVIDER)
    db_session.commit()

    page = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    assert "must register as an independent school" in text(page)
    assert "reported to the DfE, Ofsted and the Virtual AP Headteacher" in text(page)
    reason = "The provider applied to register last month and the DfE has acknowledged it."
    refused = as_commissioner.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(page, {"check": "registration", "override_reason": reason}),
    )
    assert refused.status_code == 400
    assert "Enter the date the provider was reported to the DfE, Ofsted and the Virtual AP Headteacher" in text(refused)
    unnamed = as_commissioner.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(page, {"check": "registration", "override_reason": reason, **_today_fields("reported_on")}),
    )
    assert unnamed.status_code == 400
    assert "Enter the name of the person who made the report" in text(unnamed)
    assert db_session.scalars(sa.select(PlanOverride)).all() == []

    done = as_commissioner.post(
        f"/placements/{placement.id}/plan/override",
        data=form_data(
            page,
            {"check": "registration", "override_reason": reason, **_today_fields("reported_on"), "reported_by": "Kim"},
        ),
    )
    assert done.status_code == 302
    [override] = db_session.scalars(sa.select(PlanOverride)).all()
    assert (override.reported_on, override.reported_by) == (date.today(), "Kim")
    html = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    registration = html[html.index('id="check-registration"') :]
    registration = registration[: registration.index("</li>")]
    assert "Must be resolved" not in registration
    assert "Reported to the DfE, Ofsted and the Virtual AP Headteacher on" in registration


def test_a_registration_override_from_before_the_report_was_required_still_blocks(
    as_commissioner, commissioner, school, provider, db_session
):
    """An override migrated from the plan (reason, who, when, but no report) does not let the plan through."""
    provider.dfe_registered = False
    pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.NONE, looked_after=True)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider)
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan)
    factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(30), delivered_by=DeliveredBy.PROVIDER)
    db_session.add(
        PlanOverride(placement_id=placement.id, check_key="registration", reason="Agreed with the LA.", by=commissioner)
    )
    db_session.commit()
    html = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    registration = html[html.index('id="check-registration"') :]
    registration = registration[: registration.index("</li>")]
    assert "Must be resolved" in registration
    assert "must override it again with the report" in registration


def test_an_unlisted_provider_blocks_until_the_desktop_review_and_report_are_recorded(
    as_commissioner, commissioner, placement, provider, db_session
):
    provider.approved_list_status = ApprovedListStatus.NOT_ON_LIST
    db_session.commit()
    page = as_commissioner.get(f"/placements/{placement.id}/plan/check")
    html = text(page)
    assert "Must be resolved" in html[html.index('id="check-provider_approved_list"') :]
    assert "Desk-top review of a provider not on the LA" in html

    missing = as_commissioner.post(
        f"/placements/{placement.id}/plan/desktop-review",
        data=form_data(page, {**_today_fields("reviewed_on"), "reviewed_by": "Jo Bursar"}),
    )
    assert missing.status_code == 400
    assert "Enter the date of the report to the Virtual AP Headteacher" in text(missing)
    assert db_session.scalars(sa.select(DesktopReview)).all() == []

    done = as_commissioner.post(
        f"/placements/{placement.id}/plan/desktop-review",
        data=form_data(
            page,
            {
                **_today_fields("reviewed_on"),
                "reviewed_by": "Jo Bursar",
                **_today_fields("reported_on"),
                "reported_by": "Sam Senco",
            },
        ),
    )
    assert done.status_code == 302
    [review] = db_session.scalars(sa.select(DesktopReview)).all()
    assert (review.reviewed_by, review.reported_by, review.recorded_by_id) == (
        "Jo Bursar",
        "Sam Senco",
        commissioner.id,
    )
    [event] = _audit(db_session, "desktop_review")
    assert event.entity_id == placement.id
    html = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    assert 'id="check-provider_approved_list"' not in html
    assert "Agree the plan and produce it" in html


def test_a_warning_only_does_not_stop_the_plan(as_commissioner, placement, provider, db_session):
    """QA "actions required" and insurance ending soon but after the start: read them, then agree."""
    from service.providers.models import QaOutcome

    provider.qa_outcome = QaOutcome.ACTIONS_REQUIRED
    provider.insurance_expiry = date.today() + timedelta(days=10)
    placement.planned_start = date.today() + timedelta(days=3)
    db_session.commit()
    html = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    provider_check = html[html.index('id="check-provider"') :]
    provider_check = provider_check[: provider_check.index("</li>")]
    assert (
        "Check" in provider_check and "actions required" in provider_check and "ask for the renewal" in provider_check
    )
    assert 'id="check-provider_insurance"' not in html
    assert 'id="check-provider_qa"' not in html
