"""The pupil's week in every setting and the full-time judgement, in the AP Support Plan and the provider pack:
the same rule as the plan's check; the pack never carries the reason's detail (it may be medical)."""

from __future__ import annotations

from datetime import date, time

from service.documents.engine.rendering import render_docx
from service.documents.kinds import context_problems
from service.documents.kinds.provider_pack import build_provider_pack_context
from service.documents.kinds.support_plan import build_support_plan_context
from service.documents.types import DocumentType
from service.placements.models import PlacementSession
from service.rules.full_time import DeliveredBy, PartTimeReason
from tests import factories
from tests.documents.conftest import all_text, default_template

ON = date(2026, 1, 2)


def _friday_short(db_session):  # type: ignore[no-untyped-def]
    placement = factories.PlacementFactory(with_sessions=False)
    for day in range(4):
        placement.sessions.append(PlacementSession(weekday=day, starts_at=time(9), ends_at=time(12)))
        placement.sessions.append(
            PlacementSession(weekday=day, starts_at=time(12), ends_at=time(15), setting=DeliveredBy.SCHOOL)
        )
    placement.sessions.append(PlacementSession(weekday=4, starts_at=time(9), ends_at=time(12)))
    factories.SupportPlanFactory(
        placement=placement,
        part_time_reason=PartTimeReason.MEDICAL.value,
        part_time_detail="Consultant's letter: no Friday afternoons.",
    )
    db_session.commit()
    return placement


def test_the_plan_and_the_pack_print_the_week_by_setting_and_the_reason(app, db_session, tmp_path):
    placement = _friday_short(db_session)
    plan = build_support_plan_context(placement, on=ON)
    pack = build_provider_pack_context(placement, on=ON)
    assert context_problems(DocumentType.SUPPORT_PLAN, plan) == []
    assert context_problems(DocumentType.PROVIDER_PACK, pack) == []

    week = plan["week"]
    assert [(s["day"], s["starts_at"], s["where"]) for s in week["timetable"]][:2] == [
        ("Monday", "09:00", "The alternative provider"),
        ("Monday", "12:00", "The home school"),
    ]
    assert (week["full_time"], week["not_covered"], week["school_day"]) == (
        False,
        "Friday 12:00–15:00",
        "09:00 to 15:00",
    )
    assert week["reason"] == "A medical condition makes full-time education inappropriate"
    assert week["reason_detail"] == "Consultant's letter: no Friday afternoons."
    assert pack["week"]["reason"] == week["reason"] and pack["week"]["reason_detail"] == ""
    # The provider's own timetable stays its own: the school's sessions are in the week, not in `sessions`.
    assert len(plan["sessions"]) == 5 and len(week["timetable"]) == 9

    printed = "\n".join(all_text(render_docx(default_template("support_plan.docx", tmp_path), plan)))
    assert "Friday 12:00–15:00" in printed and "Consultant's letter" in printed and "The home school" in printed
    packed = "\n".join(all_text(render_docx(default_template("provider_pack.docx", tmp_path), pack)))
    assert "Friday 12:00–15:00" in packed and "Consultant's letter" not in packed
