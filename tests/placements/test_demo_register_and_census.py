"""The demo shows the issue's two cases: a running placement at exactly 90% (flagged, since DfE's boundary is
inclusive) and a pupil dual registered at a pupil referral unit, whose provider pack says the school records D;
and every demo placement has a census reason from its commissioner's list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from service import demo
from service.attendance import services as attendance
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.documents.engine.rendering import render_docx
from service.documents.kinds.provider_pack import build_provider_pack_context
from service.placements.models import Placement
from service.rules.census import ApCensusReason, SchoolCensusReason
from service.rules.organisations import OrganisationKind
from service.support_plans.agreement import agreement_checks
from service.support_plans.checks import Severity
from tests.conftest import browser, sign_in
from tests.documents.conftest import all_text
from tests.helpers import text

LOADED_ON = date(2026, 11, 30)


def _signed_in(app, db_session, email: str):  # type: ignore[no-untyped-def]
    client = browser(app)
    sign_in(client, db_session.scalar(sa.select(User).where(User.email == email)), DEMO_PASSWORD)
    return client


@pytest.mark.parametrize(
    "loaded_on",
    [date.today(), LOADED_ON, date(2026, 12, 19), date(2027, 2, 17)],
    ids=["today", "a-monday", "a-saturday", "a-wednesday"],
)
def test_the_demo_has_a_placement_at_exactly_90_percent_flagged(app, db_session, loaded_on):
    demo.load(loaded_on)
    db_session.commit()
    exactly = []
    for placement in db_session.scalars(sa.select(Placement).order_by(Placement.id)):
        register = attendance.summary_so_far(placement, loaded_on)
        if register is not None and register.summary.possible:
            summary = register.summary
            if summary.present * 10 == summary.possible * 9:  # the exact fraction, not a rounded 90.0
                exactly.append((placement, summary))
    assert [p.pupil.display_name for p, _ in exactly] == ["Jayden Clarke"]
    placement, summary = exactly[0]
    assert (summary.present, summary.possible, summary.percent) == (36, 40, Decimal("90.0"))
    assert summary.persistent and not summary.severe

    if loaded_on != date.today():
        return  # the placement page counts up to the real today
    page = text(_signed_in(app, db_session, "officer@westshire.example").get(f"/placements/{placement.id}"))
    attendance_section = page.split('id="attendance"')[1]
    assert "<strong>90.0%</strong>" in attendance_section
    assert "present at 36 of 40 possible sessions" in attendance_section
    assert "90% or less at this placement" in attendance_section


def test_the_demo_has_a_pupil_dual_registered_at_a_pupil_referral_unit_whose_pack_says_d(
    app, db_session, default_templates
):
    demo.load(LOADED_ON)
    db_session.commit()
    (placement,) = db_session.scalars(sa.select(Placement).where(Placement.dual_registered.is_(True))).all()
    provider = placement.provider
    assert placement.pupil.display_name == "Callum Reid"
    assert provider.urn and provider.dfe_registered and "Pupil Referral Unit" in provider.name
    assert placement.commissioning_organisation.kind is OrganisationKind.SCHOOL
    assert placement.census_reason == SchoolCensusReason.BEHAVIOUR.value
    # Brook House meets every check: the plan is complete and nothing stops it being agreed.
    assert [c.key for c in agreement_checks(placement, LOADED_ON) if c.severity is Severity.BLOCKER] == []

    context = build_provider_pack_context(placement, on=LOADED_ON)
    assert context["attendance"]["register_code"] == "D"
    rendered = render_docx((default_templates / "provider_pack.docx").read_bytes(), context)
    pack = " ".join(" ".join(all_text(rendered)).split())
    assert (
        "with code D: dual registered, attending the other school where the pupil is registered (not counted in the "
        "home school's attendance: that school's register records it), because the pupil is dual registered at "
        "Brook House Pupil Referral Unit, which records their attendance in its own register." in pack
    )

    senco = _signed_in(app, db_session, "senco@northbridge.example")
    page = text(senco.get(f"/placements/{placement.id}"))
    assert f"/placements/{placement.id}/provider-pack/preview" in page  # README: "Preview and send" on his pack
    section = page.split('id="register"')[1].split("</dl>")[0]
    assert "D: dual registered" in section and "Off-site placement for behavioural support" in section
    preview = " ".join(text(senco.get(f"/placements/{placement.id}/provider-pack/preview")).split())
    assert "with code D: dual registered" in preview and "the pupil is dual registered at Brook House" in preview


def test_every_demo_placement_has_a_census_reason_from_its_commissioners_list(db_session):
    demo.load(LOADED_ON)
    db_session.commit()
    placements = db_session.scalars(sa.select(Placement)).all()
    assert len(placements) == 12
    for placement in placements:
        kind = placement.commissioning_organisation.kind
        reasons = SchoolCensusReason if kind is OrganisationKind.SCHOOL else ApCensusReason
        assert placement.census_reason in {r.value for r in reasons}, placement.pupil.display_name
