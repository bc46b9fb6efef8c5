"""A provider that would have to register as an independent school is flagged to the local authority.

Every commissioner of an LA sees, on To do today, the providers used by the LA or by a school that chose it
whose current placements, from every commissioner, cross the registration line while the provider is not
registered with the DfE; counts only, never a pupil. The flag goes when the provider registers or the line is
no longer crossed. With the Children's Wellbeing and Schools Act 2026 s43 in force (its commencement date
configured), one full-time pupil with SEN support is enough.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.extensions import db
from service.placements.models import PlacementSession
from service.pupils.models import SenStatus
from service.rules.full_time import DeliveredBy
from service.rules.placement_status import PlacementStatus
from service.settings import Settings
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import text

AREA_HEADING = "Providers in your area that may have to register as a school"
SCHOOL_HEADING = "Providers that may have to register as a school"


def _section(page: str, heading: str) -> str:
    assert heading in page, f"{heading!r} is not on the dashboard"
    return page.split(heading)[1].split("</ul>")[0]


def _listed(client: FlaskClient, provider) -> bool:  # type: ignore[no-untyped-def]
    page = text(client.get("/"))
    return AREA_HEADING in page and f"/providers/{provider.id}" in _section(page, AREA_HEADING)


def _full_time(organisation, provider, name: str, *, sen=SenStatus.NONE, hours_a_day: int = 6, **pupil):  # type: ignore[no-untyped-def]
    """An active placement at the provider, every weekday from 9:00 for ``hours_a_day`` hours."""
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=organisation, legal_first_name=name, sen_status=sen, **pupil),
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=date.today() - timedelta(days=30),
        with_sessions=False,
    )
    placement.sessions = [
        PlacementSession(weekday=d, starts_at=time(9, 0), ends_at=time(9 + hours_a_day, 0)) for d in range(5)
    ]
    db.session.commit()
    return placement


@pytest.fixture
def unregistered(provider):  # type: ignore[no-untyped-def]
    provider.dfe_registered = False
    db.session.commit()
    return provider


def test_an_la_officer_sees_a_provider_at_risk_from_a_schools_placements_until_it_registers(
    as_la_officer, school, unregistered
):
    _full_time(school, unregistered, "Looked", looked_after=True)

    page = text(as_la_officer.get("/"))

    section = _section(page, f"{AREA_HEADING} (1)")
    assert unregistered.name in section and f"/providers/{unregistered.id}" in section
    assert "1 pupil of compulsory school age full time (more than 18 hours a week)" in section
    assert "Looked" not in page  # counts only: the school's pupil is never named to the LA here
    assert as_la_officer.get(f"/providers/{unregistered.id}").status_code == 200  # the link opens

    unregistered.dfe_registered = True
    db.session.commit()
    assert not _listed(as_la_officer, unregistered)


def test_the_flag_goes_when_a_placement_ends_and_the_line_is_no_longer_crossed(as_la_officer, school, unregistered):
    placement = _full_time(school, unregistered, "Ehcp", sen=SenStatus.EHCP)
    assert _listed(as_la_officer, unregistered)

    placement.status = PlacementStatus.ENDED
    db.session.commit()

    assert not _listed(as_la_officer, unregistered)


def test_the_count_spans_every_commissioner_and_names_nobody(as_la_officer, school, local_authority, unregistered):
    elsewhere = factories.SchoolFactory(name="Far Away School", local_authority=factories.LocalAuthorityFactory())
    for n in range(4):
        _full_time(elsewhere, unregistered, f"Elsewhere{n}")
    _full_time(school, unregistered, "Ours", hours_a_day=3)  # part time: the provider is used by our school
    assert not _listed(as_la_officer, unregistered)  # 4 full time: below the line

    _full_time(local_authority, unregistered, "Ourla")  # the LA's own placement: the fifth full-time pupil

    page = text(as_la_officer.get("/"))
    section = _section(page, f"{AREA_HEADING} (1)")
    assert "5 pupils of compulsory school age full time" in section
    assert "Elsewhere" not in page and "Far Away School" not in page


def test_a_pupil_who_has_since_passed_the_school_leaving_date_stops_counting(as_la_officer, school, unregistered):
    # Born 10 January 2009: of compulsory school age until 26 June 2025, when this placement had already begun.
    left = _full_time(school, unregistered, "Left", sen=SenStatus.EHCP, date_of_birth=date(2009, 1, 10))
    left.planned_start = date(2025, 6, 2)
    db.session.commit()
    assert not _listed(as_la_officer, unregistered)

    _full_time(school, unregistered, "Still", looked_after=True)
    assert _listed(as_la_officer, unregistered)


def test_another_las_officer_and_a_provider_used_only_elsewhere_are_not_flagged(
    client, school, local_authority, unregistered
):
    _full_time(school, unregistered, "Ehcp", sen=SenStatus.EHCP)
    other_la = factories.LocalAuthorityFactory(name="Eastshire Council")
    other_officer = factories.UserFactory(organisation=other_la, role=factories.Role.COMMISSIONER)
    sign_in(client, other_officer)

    page = text(client.get("/"))

    assert f"/providers/{unregistered.id}" not in page


def test_a_school_commissioner_keeps_the_school_side_group(as_commissioner, school, unregistered):
    _full_time(school, unregistered, "Ehcp", sen=SenStatus.EHCP)
    page = text(as_commissioner.get("/"))
    assert f"/providers/{unregistered.id}" in _section(page, f"{SCHOOL_HEADING} (1)")
    assert AREA_HEADING not in page


# -- the Children's Wellbeing and Schools Act 2026 s43, from its configured commencement -----------------------


def _app_with(base_settings: Settings, tmp_path: Path, **changes: object) -> Flask:
    return create_app(replace(base_settings, output_dir=tmp_path / "output", **changes), overrides={"TESTING": True})


def _officer_client(application: Flask, la_officer) -> FlaskClient:  # type: ignore[no-untyped-def]
    officer = browser(application)
    sign_in(officer, la_officer)
    return officer


@pytest.mark.parametrize(
    ("commencement", "flagged"),
    [
        pytest.param(None, False, id="not-commenced"),
        pytest.param(timedelta(days=1), False, id="commences-tomorrow"),
        pytest.param(timedelta(days=0), True, id="commences-today"),
        pytest.param(timedelta(days=-200), True, id="commenced-in-the-past"),
    ],
)
def test_from_commencement_one_full_time_pupil_with_sen_support_is_enough(
    base_settings, tmp_path, school, la_officer, unregistered, commencement, flagged
):
    _full_time(school, unregistered, "Support", sen=SenStatus.SEN_SUPPORT)
    day = None if commencement is None else date.today() + commencement
    officer = _officer_client(_app_with(base_settings, tmp_path, cwsa_s43_commencement=day), la_officer)
    assert _listed(officer, unregistered) is flagged


def test_from_commencement_full_time_is_the_configured_hours(base_settings, tmp_path, school, la_officer, unregistered):
    _full_time(school, unregistered, "Support", sen=SenStatus.SEN_SUPPORT, hours_a_day=3)  # 15 hours a week
    past = date.today() - timedelta(days=30)
    at_15 = _officer_client(
        _app_with(base_settings, tmp_path, cwsa_s43_commencement=past, registration_full_time_hours=Decimal(15)),
        la_officer,
    )
    assert not _listed(at_15, unregistered)  # exactly the threshold is not more than it
    at_12 = _officer_client(
        _app_with(base_settings, tmp_path, cwsa_s43_commencement=past, registration_full_time_hours=Decimal(12)),
        la_officer,
    )
    page = text(at_12.get("/"))
    assert "(more than 12 hours a week)" in _section(page, f"{AREA_HEADING} (1)")


def test_before_commencement_the_configured_hours_do_not_apply(
    base_settings, tmp_path, school, la_officer, unregistered
):
    _full_time(school, unregistered, "Ehcp", sen=SenStatus.EHCP, hours_a_day=3)  # 15 hours a week
    officer = _officer_client(
        _app_with(
            base_settings,
            tmp_path,
            cwsa_s43_commencement=date.today() + timedelta(days=1),
            registration_full_time_hours=Decimal(12),
        ),
        la_officer,
    )
    assert not _listed(officer, unregistered)  # still the DfE's more-than-18-hours until the Act commences


# -- a fixed number of queries ----------------------------------------------------------------------------------


def _queries(client: FlaskClient) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/")
        assert page.status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_area_flag_takes_the_same_number_of_queries_for_2_or_12_providers(as_la_officer, school):
    def add(n: int) -> None:
        for i in range(n):
            provider = factories.ProviderFactory(dfe_registered=False)
            _full_time(school, provider, f"Pupil{i}", sen=SenStatus.EHCP)
            _full_time(school, provider, f"Other{i}", hours_a_day=2)

    add(2)
    few = _queries(as_la_officer)
    assert f"{AREA_HEADING} (2)" in text(as_la_officer.get("/"))
    add(10)
    many = _queries(as_la_officer)
    assert f"{AREA_HEADING} (12)" in text(as_la_officer.get("/"))
    assert many == few, f"{few} queries for 2 providers but {many} for 12"


# -- the aggregated query reduces each placement exactly as the agreement check does ------------------------------


def test_the_aggregated_facts_match_the_agreement_checks_placement_by_placement(db_session, school, unregistered):
    from service.dashboard.registration import placed_by_provider
    from service.placements.models import Placement
    from service.rules.full_time import DeliveredBy
    from service.support_plans import agreement

    on = date.today()

    def placement(status, sessions, *, provider_hours=(), school_hours=(), **pupil):  # type: ignore[no-untyped-def]
        made = factories.PlacementFactory(
            pupil=factories.PupilFactory(organisation=school, **pupil),
            provider=unregistered,
            status=status,
            planned_start=on - timedelta(days=10),
            with_sessions=False,
        )
        made.sessions = [PlacementSession(weekday=d, starts_at=start, ends_at=end) for d, start, end in sessions]
        if provider_hours or school_hours:
            plan = factories.SupportPlanFactory(placement=made)
            for hours in provider_hours:
                factories.PlanInterventionFactory(
                    support_plan=plan, hours_per_week=Decimal(hours), delivered_by=DeliveredBy.PROVIDER
                )
            for hours in school_hours:
                factories.PlanInterventionFactory(
                    support_plan=plan, hours_per_week=Decimal(hours), delivered_by=DeliveredBy.SCHOOL
                )
        db.session.commit()
        return made

    odd = [(d, time(9, 0), time(12, 20)) for d in range(5)]  # 1,000 minutes: 16.7 hours
    placement(PlacementStatus.ACTIVE, odd)
    placement(
        PlacementStatus.ACTIVE, odd, provider_hours=("12.5", "5"), school_hours=("10",), sen_status=SenStatus.EHCP
    )
    placement(PlacementStatus.UNDER_REVIEW, odd, provider_hours=("3",), looked_after=True)
    placement(PlacementStatus.REFERRED, [], provider_hours=("20.5",), sen_status=SenStatus.SEN_SUPPORT)
    placement(PlacementStatus.AGREED, [(0, time(9, 15), time(15, 45))], date_of_birth=date(2009, 1, 10))  # left
    placement(PlacementStatus.ACTIVE, [], school_hours=("30",))
    placement(PlacementStatus.DRAFT, odd)  # not current: counted by neither
    placement(PlacementStatus.ENDED, odd)

    current = db.session.scalars(
        sa.select(Placement).where(Placement.status.in_(agreement.CURRENT_STATUSES)).order_by(Placement.id)
    ).all()
    expected = sorted((agreement.placed(p, on) for p in current), key=repr)

    found = placed_by_provider(Placement.provider_id == unregistered.id, on)

    assert set(found) == {unregistered.id}
    name, pupils = found[unregistered.id]
    assert name == unregistered.name
    assert sorted(pupils, key=repr) == expected
    assert sorted(p.hours_at_provider for p in pupils) == sorted(
        Decimal(h) for h in ("16.7", "17.5", "16.7", "20.5", "6.5", "0.0")
    )


def test_hours_at_the_home_school_do_not_count_as_hours_at_the_provider(as_la_officer, school, unregistered):
    """Mornings at the provider and afternoons at school make a full-time week, but only 15 hours of it are at the
    provider: the provider is not teaching the pupil full time, so it need not register."""
    placement = _full_time(school, unregistered, "Split", looked_after=True, hours_a_day=3)
    placement.sessions += [
        PlacementSession(weekday=d, starts_at=time(12, 0), ends_at=time(15, 0), setting=DeliveredBy.SCHOOL)
        for d in range(5)
    ]
    db.session.commit()

    assert not _listed(as_la_officer, unregistered)
