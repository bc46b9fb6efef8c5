"""``apdocs demo --scale N``: an LA-sized caseload for the bench, in the proportions the issue measured, with data
the service would itself have written (valid UPNs, dates that agree with statuses, marks only on timetabled school
days, census reasons), all of it Westshire's: its officer's pages answer, and a school's users see none of it."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service import demo
from service.attendance.models import AttendanceMark
from service.audit.models import AuditEvent
from service.auth.models import User
from service.cli import main
from service.demo import scale
from service.demo.world import DEMO_PASSWORD
from service.placements.models import Placement
from service.pupils.models import Pupil
from service.reviews.models import Review
from service.rules.attendance_codes import CodeClass, code_class
from service.rules.placement_status import PlacementStatus
from service.rules.school_days import is_school_day
from service.rules.upn import is_valid_upn
from service.support_plans.models import SupportPlan
from service.term_dates.services import term_dates
from service.visits.models import Visit
from tests.conftest import browser, sign_in

N = 40
RUNNING = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)


def _count(db_session, model, *where) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def scaled(db_session):  # type: ignore[no-untyped-def]
    """The demo, then the caseload of N placements; what each table held before it, and what it added."""
    demo.load()
    db_session.commit()
    models = (Pupil, Placement, SupportPlan, Review, Visit, AuditEvent, AttendanceMark)
    before = {model: _count(db_session, model) for model in models}
    result = scale.add_caseload(N)
    db_session.commit()
    la = db_session.scalar(sa.select(User).where(User.email == scale.OFFICER_EMAIL)).organisation
    added = {model: _count(db_session, model) - before[model] for model in models}
    return result, la, added


def _generated(db_session, la):  # type: ignore[no-untyped-def]
    return db_session.scalars(
        sa.select(Placement)
        .join(Pupil, Placement.pupil_id == Pupil.id)
        .where(Placement.commissioning_organisation_id == la.id, Pupil.upn.like("_9317%"))
    ).all()


def test_the_caseload_is_in_the_issues_proportions(db_session, scaled):
    result, la, added = scaled
    plan = result.plan

    assert plan == scale.ScalePlan.for_placements(N)
    assert added[Pupil] == added[Placement] == N
    statuses = Counter(p.status for p in _generated(db_session, la))
    assert statuses == {
        PlacementStatus.ACTIVE: plan.active,
        PlacementStatus.UNDER_REVIEW: plan.under_review,
        PlacementStatus.ENDED: plan.ended,
        PlacementStatus.AGREED: plan.agreed,
        PlacementStatus.REFERRED: plan.referred,
        PlacementStatus.CANCELLED: plan.cancelled,
        PlacementStatus.DRAFT: plan.draft,
    }
    assert (plan.active + plan.under_review, plan.ended) == (16, 17)  # 2,000 and 2,100 at 5,000
    assert added[SupportPlan] == plan.agreed_plans == 36  # 4,500 at 5,000
    assert added[Review] == plan.reviews == 69  # 8,600 at 5,000
    assert added[Visit] == plan.visits == 17  # 2,100 at 5,000
    assert added[AuditEvent] == plan.audit_events == 1600  # 200,000 at 5,000
    assert added[AttendanceMark] == result.marks
    assert 150 * plan.started <= result.marks <= 270 * plan.started  # about 1,000,000 at 5,000
    assert result.counts["providers"] == len(scale.PROVIDERS)
    assert la.attendance_contact_email == scale.ATTENDANCE_CONTACT  # the attendance alerts have an address


def test_the_data_is_what_the_service_would_have_written(db_session, scaled):
    _result, la, _added = scaled
    today = date.today()
    half_terms = term_dates(la.id)
    placements = _generated(db_session, la)
    for placement in placements:
        assert is_valid_upn(placement.pupil.upn)
        assert placement.pupil.organisation_id == la.id
        assert placement.census_reason
        assert placement.history[0].to_status is PlacementStatus.DRAFT
        assert placement.history[-1].to_status is placement.status
        if placement.status in RUNNING:
            assert placement.actual_start < today and placement.actual_end is None
        elif placement.status is PlacementStatus.ENDED:
            assert placement.actual_start <= placement.actual_end < today
        else:
            assert placement.actual_start is None and placement.actual_end is None
        if placement.status in (*RUNNING, PlacementStatus.ENDED, PlacementStatus.AGREED):
            assert placement.support_plan is not None and placement.support_plan.agreed_at is not None
    ids = [p.id for p in placements]
    marks = db_session.scalars(sa.select(AttendanceMark).where(AttendanceMark.placement_id.in_(ids))).all()
    by_placement = {p.id: p for p in placements}
    attended, possible = Counter(), Counter()
    for mark in marks:
        placement = by_placement[mark.placement_id]
        assert placement.actual_start <= mark.on <= (placement.actual_end or today)
        assert is_school_day(mark.on, half_terms)
        assert mark.on.weekday() in {int(s.weekday) for s in placement.provider_sessions}
        possible[mark.placement_id] += 1
        attended[mark.placement_id] += code_class(mark.code).counts_as_present
        assert code_class(mark.code) is not CodeClass.NOT_POSSIBLE
    assert {mark.placement_id for mark in marks} == {p.id for p in placements if p.actual_start}
    percent = {pid: attended[pid] / possible[pid] for pid in possible}
    assert any(attended[pid] * 10 == possible[pid] * 9 for pid in possible)  # exactly 90%
    assert any(share < 0.5 for share in percent.values())  # severe absence
    assert sum(share > 0.9 for share in percent.values()) > len(percent) / 2  # mostly present
    assert any(mark.code == "N" for mark in marks)  # absences still to decide


def test_the_officer_sees_the_caseload_and_a_school_none_of_it(app, client, db_session, scaled):
    _result, la, _added = scaled
    officer = db_session.scalar(sa.select(User).where(User.email == scale.OFFICER_EMAIL))
    sign_in(client, officer, DEMO_PASSWORD)
    for page in (
        "/",
        "/summary",
        "/summary?term=all",
        "/summary.csv?term=all",
        "/attendance/weekly-report.csv",
        "/summary/ap-census.csv?term=all",
    ):
        assert client.get(page).status_code == 200, page
    placement = _generated(db_session, la)[0]
    assert client.get(f"/placements/{placement.id}").status_code == 200

    school = browser(app)
    sign_in(school, db_session.scalar(sa.select(User).where(User.email == "senco@northbridge.example")), DEMO_PASSWORD)
    assert school.get(f"/pupils/{placement.pupil_id}").status_code == 404
    assert school.get(f"/placements/{placement.id}").status_code == 404
    assert placement.pupil.upn not in school.get("/pupils").get_data(as_text=True)


@pytest.fixture
def cli_env(app, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APDOCS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", str(tmp_path / "output"))
    return CliRunner()


def test_apdocs_demo_scale_loads_the_demo_then_the_caseload_once(cli_env, db_session):
    first = cli_env.invoke(main, ["demo", "--i-know-this-is-not-live", "--scale", str(N)])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    assert f"{N} placements" in first.output and "attendance marks" in first.output
    pupils = _count(db_session, Pupil)

    again = cli_env.invoke(main, ["demo", "--i-know-this-is-not-live", "--scale", str(N)])
    assert again.exit_code == 1
    assert "already has the generated caseload" in again.output
    assert _count(db_session, Pupil) == pupils
    too_small = cli_env.invoke(main, ["demo", "--i-know-this-is-not-live", "--scale", "5"])
    assert too_small.exit_code == 2 and "--scale" in too_small.output


def test_the_caseload_is_added_only_on_top_of_the_demo(db_session):
    with pytest.raises(scale.NoDemo):
        scale.add_caseload(N)
