"""Who decides, enforced, through the web: a school cannot agree a plan the local authority must decide until the
LA's officer (of the school's own LA, nobody else's) has recorded "agree" with what the route needs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.la_decisions.models import LaDecision
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.decision import Circumstance
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import date_fields, form_data, text


def _complete_plan(placement):  # type: ignore[no-untyped-def]
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session at the workshop")
    for setting in (DeliveredBy.PROVIDER, DeliveredBy.SCHOOL):
        factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal(15), delivered_by=setting)
    return plan


@pytest.fixture
def ehcp_placement(school, provider, local_authority):  # type: ignore[no-untyped-def]  # noqa: ARG001
    pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.EHCP, legal_first_name="Kai")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, decided_by="")
    _complete_plan(placement)
    return placement


def _agree(client, placement_id: int):  # type: ignore[no-untyped-def]
    check = client.get(f"/placements/{placement_id}/plan/check")
    return client.post(f"/placements/{placement_id}/plan/agree", data=form_data(check, {}), follow_redirects=True)


def _status(db_session, placement_id: int) -> PlacementStatus:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.get(Placement, placement_id).status


def _decide(client, placement_id: int, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    page = client.get(f"/decisions/{placement_id}")
    assert page.status_code == 200
    return client.post(f"/decisions/{placement_id}", data=form_data(page, fields))


def _agree_fields(**extra: str) -> dict[str, str]:
    yesterday = date.today() - timedelta(days=1)
    return {
        "outcome": "agree",
        **date_fields("decided_on", yesterday.day, yesterday.month, yesterday.year),
        "officer_name": "Lee Officer, SEN casework officer",
        **extra,
    }


def _review_date() -> dict[str, str]:
    review = date.today() - timedelta(days=8)
    return date_fields("ehcp_review_date", review.day, review.month, review.year)


def test_a_senco_cannot_agree_an_ehcp_pupils_plan_without_the_las_decision(
    as_commissioner, ehcp_placement, db_session, default_templates
):
    check = as_commissioner.get(f"/placements/{ehcp_placement.id}/plan/check")
    page = text(check)
    # Next to the "Who must decide" check, marked as a blocker, with the reason.
    section = page[page.index('id="check-decision"') :]
    section = section[: section.index("</li>")]
    assert "Must be resolved" in section
    assert "Waiting for the local authority" in section
    response = _agree(as_commissioner, ehcp_placement.id)
    assert "cannot be agreed yet" in text(response)
    assert _status(db_session, ehcp_placement.id) is PlacementStatus.DRAFT
    # The school sees the state on the placement and on To do today.
    assert "Waiting for the local authority" in text(as_commissioner.get(f"/placements/{ehcp_placement.id}"))
    dashboard = text(as_commissioner.get("/"))
    assert (
        "Waiting for the local authority&#39;s decision" in dashboard
        or "Waiting for the local authority's" in dashboard
    )
    assert "Kai" in dashboard


def test_the_officer_of_another_la_gets_404_and_a_school_commissioner_403(
    app, ehcp_placement, commissioner, db_session
):
    other_la = factories.LocalAuthorityFactory(name="Eastshire Council")
    stranger = factories.UserFactory(organisation=other_la, name="Olive Elsewhere")
    client = browser(app)
    sign_in(client, stranger)
    assert client.get(f"/decisions/{ehcp_placement.id}").status_code == 404
    assert "Kai" not in text(client.get("/decisions"))
    before = db_session.scalar(sa.select(sa.func.count()).select_from(LaDecision))
    forged = client.post(f"/decisions/{ehcp_placement.id}", data=form_data(client.get("/decisions"), _agree_fields()))
    assert forged.status_code == 404
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LaDecision)) == before == 0
    school_client = browser(app)
    sign_in(school_client, commissioner)
    assert school_client.get("/decisions").status_code == 403
    assert school_client.get(f"/decisions/{ehcp_placement.id}").status_code == 403


def test_the_schools_la_officer_records_agree_with_the_review_date_and_then_the_plan_can_be_agreed(
    app, ehcp_placement, commissioner, la_officer, db_session, default_templates
):
    officer = browser(app)
    sign_in(officer, la_officer)
    listed = text(officer.get("/decisions"))
    assert "Kai" in listed and "Northbridge Academy" in listed
    assert "Decisions waiting for you" in text(officer.get("/"))
    summary = text(officer.get(f"/decisions/{ehcp_placement.id}"))
    assert "Attend every session at the workshop" in summary  # the plan's objectives
    assert ehcp_placement.reason_for_referral in summary

    # Without the date of the EHCP review that considered it, nothing is recorded: the message is next to the field.
    missing = _decide(officer, ehcp_placement.id, _agree_fields())
    assert missing.status_code == 400
    assert "Enter the date of the early or annual review that considered it" in text(missing)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LaDecision)) == 0

    done = _decide(officer, ehcp_placement.id, _agree_fields(**_review_date()))
    assert done.status_code == 302
    db_session.expire_all()
    decision = db_session.scalar(sa.select(LaDecision).where(LaDecision.placement_id == ehcp_placement.id))
    assert decision.officer_id == la_officer.id
    assert decision.local_authority_id == la_officer.organisation_id
    event = db_session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "la_decision",
            AuditEvent.entity_id == decision.id,
            AuditEvent.organisation_id == la_officer.organisation_id,
        )
    )
    assert event is not None and event.action == "create" and event.user_id == la_officer.id
    assert event.detail == {"placement_id": ehcp_placement.id, "outcome": "agree"}
    assert "Kai" not in text(officer.get("/decisions"))

    school = browser(app)
    sign_in(school, commissioner)
    assert "Agreed by the local authority" in text(school.get(f"/placements/{ehcp_placement.id}"))
    _agree(school, ehcp_placement.id)
    assert _status(db_session, ehcp_placement.id) is PlacementStatus.AGREED


def test_not_agree_keeps_the_plan_blocked(app, ehcp_placement, commissioner, la_officer, db_session):
    officer = browser(app)
    sign_in(officer, la_officer)
    assert _decide(officer, ehcp_placement.id, _agree_fields(outcome="not_agree", **_review_date())).status_code == 302
    school = browser(app)
    sign_in(school, commissioner)
    check = text(school.get(f"/placements/{ehcp_placement.id}/plan/check"))
    assert "did not agree this placement" in check
    assert "cannot be agreed yet" in text(_agree(school, ehcp_placement.id))
    assert _status(db_session, ehcp_placement.id) is PlacementStatus.DRAFT

    # The LA reconsiders: the page shows what it recorded; recording again replaces it, audited as a change.
    again = text(officer.get(f"/decisions/{ehcp_placement.id}"))
    assert "Lee Officer, SEN casework officer" in again and 'value="not_agree" checked' in again
    assert _decide(officer, ehcp_placement.id, _agree_fields(**_review_date())).status_code == 302
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LaDecision)) == 1
    actions = db_session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "la_decision", AuditEvent.organisation_id == la_officer.organisation_id
        )
    ).all()
    assert actions == ["create", "update"]
    assert "Agreed by the local authority" in text(school.get(f"/placements/{ehcp_placement.id}/plan/check"))


def test_a_medical_placement_needs_the_health_input(app, school, provider, commissioner, la_officer, db_session):
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Mina")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, circumstance=Circumstance.MEDICAL)
    _complete_plan(placement)
    officer = browser(app)
    sign_in(officer, la_officer)
    assert "Mina" in text(officer.get("/decisions"))
    refused = _decide(officer, placement.id, _agree_fields())
    assert refused.status_code == 400
    assert "Enter who gave the health input" in text(refused)
    assert "Enter the date of the health input" in text(refused)
    health_on = date.today() - timedelta(days=20)
    fields = _agree_fields(
        health_input_by="Dr A Khan, consultant paediatrician",
        **date_fields("health_input_on", health_on.day, health_on.month, health_on.year),
    )
    assert _decide(officer, placement.id, fields).status_code == 302
    school_client = browser(app)
    sign_in(school_client, commissioner)
    page = text(school_client.get(f"/placements/{placement.id}"))
    assert "Dr A Khan, consultant paediatrician" in page


def test_a_placement_the_school_decides_is_not_the_las(app, school, provider, la_officer, db_session):
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Noor")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider)
    officer = browser(app)
    sign_in(officer, la_officer)
    assert "Noor" not in text(officer.get("/decisions"))
    assert officer.get(f"/decisions/{placement.id}").status_code == 404


def test_a_school_decided_plan_names_who_decided(as_commissioner, school, provider, db_session):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, decided_by=""
    )
    _complete_plan(placement)
    check = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    assert (
        "who in the school&#39;s senior leadership team decided" in check or "senior leadership team decided" in check
    )
    assert "cannot be agreed yet" in text(_agree(as_commissioner, placement.id))


def test_the_la_records_its_decision_on_its_own_placements(app, local_authority, la_officer, provider, db_session):
    pupil = factories.PupilFactory(organisation=local_authority, legal_first_name="Ola")
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, circumstance=Circumstance.PERMANENTLY_EXCLUDED
    )
    _complete_plan(placement)
    officer = browser(app)
    sign_in(officer, la_officer)
    assert "Ola" in text(officer.get("/decisions"))
    assert "Record the local authority&#39;s decision" in text(officer.get(f"/placements/{placement.id}"))
    check = text(officer.get(f"/placements/{placement.id}/plan/check"))
    assert "record the local authority" in check
    assert _decide(officer, placement.id, _agree_fields()).status_code == 302
    check = text(officer.get(f"/placements/{placement.id}/plan/check"))
    assert "Agreed by the local authority on" in check


def test_the_officers_list_is_paginated_in_a_fixed_number_of_queries(app, school, provider, la_officer):
    from service.auth.models import User
    from service.extensions import db
    from service.la_decisions import services

    def add(count: int) -> None:
        for _ in range(count):
            pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.EHCP)
            factories.PlacementFactory(pupil=pupil, provider=provider, with_sessions=False, contact_confirmed=False)

    def counted():  # type: ignore[no-untyped-def]
        seen: list[str] = []

        def listener(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            seen.append(statement)

        db.session.expire_all()
        user = db.session.get(User, la_officer.id)
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            page = services.waiting_page(user, 1, per_page=5)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), page

    add(3)
    small, first = counted()
    assert first.total == 3 and first.pages == 1
    add(12)
    large, second = counted()
    assert second.total == 15 and second.pages == 3 and len(second.rows) == 5
    assert small == large
