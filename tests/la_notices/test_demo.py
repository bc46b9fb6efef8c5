"""The demo shows the LA told: Northbridge's agreed and ended placements say Westshire was told, and Westshire's
officer reads Northbridge's placements in their summary."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service import demo
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.la_notices.models import LaEvent, LaNotice
from service.mail.models import OutboxMessage
from tests.conftest import browser, sign_in
from tests.helpers import text

LOADED_ON = date(2026, 11, 30)


def _user(db_session, email: str) -> User:  # type: ignore[no-untyped-def]
    return db_session.scalar(sa.select(User).where(User.email == email))


def test_the_demo_shows_westshire_told_and_its_officer_reads_northbridges_placements(client, db_session):
    demo.load(LOADED_ON)
    db_session.commit()
    notices = db_session.scalars(sa.select(LaNotice).order_by(LaNotice.id)).all()
    assert {n.event for n in notices} == {LaEvent.AGREED, LaEvent.ENDED}
    assert all(n.told_at is not None and n.local_authority.name.startswith("Westshire") for n in notices)
    kacper = next(n.placement for n in notices if n.event is LaEvent.ENDED)
    assert kacper.pupil.legal_first_name == "Kacper"
    for message in db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose.like("la_told%"))):
        assert kacper.pupil.legal_last_name not in message.subject

    sign_in(client, _user(db_session, "senco@northbridge.example"), DEMO_PASSWORD)
    page = text(client.get(f"/placements/{kacper.id}"))
    assert "The local authority was told that the placement was agreed on" in page
    assert "The local authority was told that the placement ended on" in page

    officer = browser(client.application)
    sign_in(officer, _user(db_session, "officer@westshire.example"), DEMO_PASSWORD)
    summary = text(officer.get("/local-authority/placements"))
    assert "Northbridge Academy" in summary and "Kacper Nowak" in summary and "Ellie" in summary
    assert "Jayden" not in summary  # Westshire's own placements are not a school's
