"""An LA officer with thousands of placements must not wait for one query per placement, nor download every one:
the dashboard's number of database statements does not grow with the caseload, and its HTML holds only the first
rows of each list (the rest is a "See all N" link away)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from service.attendance.models import AttendanceMark
from service.dashboard.services import FIRST_ROWS
from service.extensions import db
from service.rules.attendance_codes import Session
from service.rules.placement_status import PlacementStatus
from service.signing.models import SignatureRequest, Signer, SignerRole, SigningMethod
from service.visits.models import Visit
from tests import factories
from tests.helpers import text


def _statements(client, path: str = "/") -> tuple[int, str]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
        assert response.status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), text(response)


def _needing_action(organisation, provider, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    """``n`` placements each on several To do lists: started 120 days ago with a review long past (review and visit
    overdue), an old visit, an absence without a reason, an agreed plan below full time and never sent to sign."""
    for i in range(start, start + n):
        pupil = factories.PupilFactory(organisation=organisation, legal_first_name=f"Pupil{i:03d}")
        placement = factories.PlacementFactory(
            pupil=pupil,
            provider=provider,
            status=PlacementStatus.ACTIVE,
            planned_start=date.today() - timedelta(days=120),
            with_sessions="provider_only",
        )
        factories.ReviewFactory(placement=placement, meeting_date=date.today() - timedelta(days=100))
        db.session.add(
            Visit(placement_id=placement.id, visited_on=date.today() - timedelta(days=110), visitors="SENCO")
        )
        db.session.add(
            AttendanceMark(
                placement_id=placement.id, on=date.today() - timedelta(days=14), session=Session.AM, code="N"
            )
        )
        plan = factories.SupportPlanFactory(placement=placement, agreed_at=datetime(2026, 1, 1, tzinfo=UTC))
        factories.PlanInterventionFactory(support_plan=plan, hours_per_week=Decimal("3"))
        if i % 2:  # every other plan is out for signing, one of two signed
            request = SignatureRequest(
                placement_id=placement.id,
                document_id=factories.DocumentFactory(placement=placement).id,
                document_sha256="0" * 64,
            )
            request.signers = [
                Signer(name="Pat Smith", role=SignerRole.PARENT_CARER, method=SigningMethod.LINK),
                Signer(
                    name="Ms K Owen",
                    role=SignerRole.SCHOOL_REPRESENTATIVE,
                    method=SigningMethod.IN_PERSON,
                    signed_at=datetime(2026, 1, 2, tzinfo=UTC),
                ),
            ]
            db.session.add(request)
    db.session.commit()


def test_a_school_commissioners_dashboard_issues_as_many_statements_for_30_placements_as_for_3(
    as_commissioner, school, provider
):
    _needing_action(school, provider, 3)
    few, _ = _statements(as_commissioner)
    _needing_action(school, provider, 27, start=3)
    many, page = _statements(as_commissioner)
    assert many == few, f"{few} statements for 3 placements but {many} for 30"
    assert "Reviews overdue (30)" in page and "1 of 2 signed" in page


def test_an_la_officers_dashboard_issues_as_many_statements_for_30_placements_as_for_3(
    as_la_officer, local_authority, school, provider
):
    def add(n: int, start: int) -> None:
        _needing_action(local_authority, provider, n, start)  # the LA's own pupils
        for i in range(start, start + n):  # and a school's, waiting for the LA's decision
            factories.PlacementFactory(
                pupil=factories.PupilFactory(organisation=school, legal_first_name=f"School{i:03d}"),
                provider=provider,
                status=PlacementStatus.REFERRED,
                circumstance=factories.Circumstance.MEDICAL,
            )

    add(3, 0)
    few, _ = _statements(as_la_officer)
    add(27, 3)
    many, page = _statements(as_la_officer)
    assert many == few, f"{few} statements for 3 placements but {many} for 30"
    assert "Reviews overdue (30)" in page and "1 of 2 signed" in page


def test_the_page_does_not_grow_with_the_caseload_beyond_the_first_rows(as_commissioner, school, provider):
    _needing_action(school, provider, FIRST_ROWS)
    _, small = _statements(as_commissioner)
    _needing_action(school, provider, 30 - FIRST_ROWS, start=FIRST_ROWS)
    _, large = _statements(as_commissioner)

    # The "See all" links and the larger counts are all that is added, whatever the caseload.
    assert len(large.encode()) <= len(small.encode()) + 3000, (len(small), len(large))
    reviews = large.split("Reviews overdue (30)")[1].split("</ul>")[0]
    assert reviews.count("#reviews") == FIRST_ROWS
    after = large.split("Reviews overdue (30)")[1].split("<h3")[0]
    assert "/to-do/reviews" in after and "See all 30" in after
    active = large.split('id="status-active"')[1].split("</table>")[0]
    assert active.count("/placements/") == FIRST_ROWS
    assert "/placements?status=active" in large and "See all 30" in large
    # The first rows are the same ones every time: the earliest names on each list's own order.
    assert "Pupil029" not in reviews
