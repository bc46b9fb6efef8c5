"""Full time judged per day, through the web client: a short Friday stops the plan and the check names the
afternoon; the intensive-package reason needs the parents consulted; the interventions must add up to the
timetable or the plan says why. Each block, the reason that lifts it, and the audit rows."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.placements.models import Placement, PlacementSession
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import date_fields, form_data, text


def _placement(school, provider, week: list[tuple[int, time, time]]) -> Placement:  # type: ignore[no-untyped-def]
    """A placement whose timetable is ``week`` (at the provider), with a complete plan apart from the interventions."""
    pupil = factories.PupilFactory(organisation=school)
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, planned_start=date(2026, 1, 5), with_sessions=False
    )
    for weekday, starts, ends in week:
        placement.sessions.append(PlacementSession(weekday=weekday, starts_at=starts, ends_at=ends))
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan)
    return placement


def _interventions(client, placement: Placement, rows: list[tuple[str, str]], **answers: Any):  # type: ignore[no-untyped-def]
    """Post the interventions step: ``rows`` of (hours, where), and any other answers on the page."""
    fields: dict[str, Any] = {"hours_difference_reason": "", "part_time_reason": "", "part_time_detail": ""}
    for index, (hours, where) in enumerate(rows):
        fields |= {
            f"interventions-{index}-intervention_type": f"Intervention {index + 1}",
            f"interventions-{index}-hours_per_week": hours,
            f"interventions-{index}-delivered_by": where,
            **date_fields(f"interventions-{index}-start_date", 5, 1, 2026),
        }
    fields |= answers
    url = f"/placements/{placement.id}/plan/interventions"
    return client.post(url, data=form_data(client.get(url), {**fields, "save_continue": "1"}))


def _agree(client, placement: Placement):  # type: ignore[no-untyped-def]
    check = client.get(f"/placements/{placement.id}/plan/check")
    agreed = client.post(f"/placements/{placement.id}/plan/agree", data=form_data(check, {}), follow_redirects=True)
    return text(check), text(agreed)


def _status(db_session, placement: Placement) -> PlacementStatus:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.get(Placement, placement.id).status


def _audit(db_session, placement: Placement) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    rows = db_session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "support_plan", AuditEvent.entity_id == placement.id)
        .order_by(AuditEvent.id)
    )
    return [(row.action, row.detail) for row in rows]


FRIDAY_SHORT = [(day, time(8, 30), time(15, 30)) for day in range(4)] + [(4, time(9), time(12))]  # 31 hours


def test_a_short_friday_stops_the_plan_and_the_check_names_friday_afternoon(
    as_commissioner, school, provider, db_session, default_templates
):
    # 31 hours a week at the provider: full time by the weekly total, but Friday ends at 12:00.
    placement = _placement(school, provider, FRIDAY_SHORT)
    assert _interventions(as_commissioner, placement, [("31", "provider")]).status_code == 302
    check, refused = _agree(as_commissioner, placement)
    assert "Friday 12:00–15:00" in check
    assert "cannot be agreed yet" in refused and "Friday 12:00–15:00" in refused
    assert _status(db_session, placement) is PlacementStatus.DRAFT
    assert ("agree", {}) not in _audit(db_session, placement)

    # The pupil is in school on Friday afternoons: the reason, with its detail, lifts the block.
    assert (
        _interventions(
            as_commissioner,
            placement,
            [("31", "provider")],
            part_time_reason="school_other_days",
            part_time_detail="In school on Friday afternoons, 12:30 to 15:00.",
        ).status_code
        == 302
    )
    check, agreed = _agree(as_commissioner, placement)
    assert "Friday 12:00–15:00" in check and "Part-time AP" in check
    assert _status(db_session, placement) is PlacementStatus.AGREED
    assert [action for action, _ in _audit(db_session, placement)][-2:] == ["update", "agree"]


def test_the_intensive_reason_needs_the_parents_consulted_about_the_rest_of_the_day(
    as_commissioner, school, provider, db_session, default_templates
):
    mornings = [(day, time(9), time(13)) for day in range(5)]  # 20 hours of one-to-one tuition
    placement = _placement(school, provider, mornings)
    intensive = {
        "part_time_reason": "intensive",
        "part_time_detail": "One-to-one tuition every morning, judged equivalent to full time by the SENCO and EP.",
    }
    assert _interventions(as_commissioner, placement, [("20", "provider")], **intensive).status_code == 302
    check, refused = _agree(as_commissioner, placement)
    assert "parents were consulted about supervision for the rest of the day" in check
    assert "cannot be agreed yet" in refused
    assert _status(db_session, placement) is PlacementStatus.DRAFT

    consulted = {
        **intensive,
        **date_fields("parents_consulted_on", 10, 12, 2025),
        "parents_consulted_with": "Pat Parent (mother), by Ms K Owen (SENCO)",
    }
    assert _interventions(as_commissioner, placement, [("20", "provider")], **consulted).status_code == 302
    check, agreed = _agree(as_commissioner, placement)
    assert "10 December 2025, Pat Parent (mother), by Ms K Owen (SENCO)" in check
    assert _status(db_session, placement) is PlacementStatus.AGREED
    audit = _audit(db_session, placement)
    assert ("update", {"step": "interventions"}) in audit and audit[-1][0] == "agree"


def test_interventions_that_do_not_add_up_to_the_timetable_stop_the_plan_until_the_plan_says_why(
    as_commissioner, school, provider, db_session, default_templates
):
    week = [(day, time(9), time(14)) for day in range(5)]  # 25 hours at the provider
    placement = _placement(school, provider, week)
    in_school = {"part_time_reason": "school_other_days", "part_time_detail": "In school 14:00 to 15:00 each day."}
    assert _interventions(as_commissioner, placement, [("20", "provider")], **in_school).status_code == 302
    check, refused = _agree(as_commissioner, placement)
    assert "interventions 20 hours, timetable 25 hours a week" in check
    assert "cannot be agreed yet" in refused
    assert _status(db_session, placement) is PlacementStatus.DRAFT

    why = "Five hours a week of the timetable are supervised lunch and travel between the two sites."
    assert (
        _interventions(
            as_commissioner, placement, [("20", "provider")], **in_school, hours_difference_reason=why
        ).status_code
        == 302
    )
    check, agreed = _agree(as_commissioner, placement)
    assert why in check
    assert _status(db_session, placement) is PlacementStatus.AGREED


@pytest.mark.parametrize(
    ("starts", "ends", "blocked"),
    [pytest.param("09:00", "15:00", True, id="default-day"), pytest.param("09:00", "12:00", False, id="short-day")],
)
def test_the_school_day_is_the_organisations_own(as_commissioner, school, provider, db_session, starts, ends, blocked):
    """A school whose day ends at 12:00 (a made-up case) judges Friday's 9:00-12:00 covered."""
    school.school_day_starts = time.fromisoformat(starts)
    school.school_day_ends = time.fromisoformat(ends)
    db_session.commit()
    placement = _placement(school, provider, FRIDAY_SHORT)
    _interventions(as_commissioner, placement, [("31", "provider")])
    check = text(as_commissioner.get(f"/placements/{placement.id}/plan/check"))
    assert ("Friday 12:00–15:00" in check) is blocked


def test_the_demos_agreed_plans_are_full_time_day_by_day_and_zoe_waits_for_the_parents(app, db_session):
    from service import demo
    from service.support_plans.checks import Severity
    from service.support_plans.full_time_checks import full_time_checks

    demo.load(date(2026, 11, 30))
    db_session.commit()
    placements = db_session.scalars(sa.select(Placement).where(Placement.support_plan.has())).all()
    agreed = [p for p in placements if p.support_plan.agreed_at is not None]
    assert len(agreed) == 5
    for placement in agreed:
        checks = full_time_checks(placement)
        assert all(c.severity is Severity.OK for c in checks), [c.message for c in checks]
    zoe = next(p for p in placements if p.support_plan.part_time_reason == "intensive")
    waiting = {c.key: c for c in full_time_checks(zoe)}["full_time"]
    assert waiting.severity is Severity.BLOCKER and "parents were consulted" in waiting.message
