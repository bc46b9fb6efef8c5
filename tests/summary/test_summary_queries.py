"""An LA with 5,000 placements and a million marks must not wait for a query per placement, nor for a row per
mark: the summary, its downloads and both census exports take the same number of database queries for 3
placements as for 30, and the marks are counted in the database, never fetched one by one."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.summary.conftest import add_marks


def _statements(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every SQL statement the request sent, in order (the whole body read, for a streamed download)."""
    from service.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
        assert response.status_code == 200
        response.get_data()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return statements


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    return len(_statements(client, url))


def _add(organisation, provider, n: int, marks: str = "//N") -> None:  # type: ignore[no-untyped-def]
    """``n`` placements of the organisation's: a third ended (with an ending and an objective), the rest active
    at providers of their own with a timetable at the provider; each with ``marks``."""
    for i in range(n):
        pupil = factories.PupilFactory(organisation=organisation)
        if i % 3 == 0:
            placement = factories.PlacementFactory(
                pupil=pupil, provider=provider, status=PlacementStatus.ENDED, actual_end=date(2026, 3, 1)
            )
            eop = factories.EndOfPlacementFactory(
                placement=placement, ended_on=date(2026, 3, 1), destination=Destination.TRAINING
            )
            factories.ObjectiveOutcomeFactory(end_of_placement=eop, rating=ProgressRating.ACHIEVED)
        else:
            placement = factories.PlacementFactory(
                pupil=pupil, provider=factories.ProviderFactory(), status=PlacementStatus.ACTIVE
            )
        add_marks(placement, marks)


@pytest.mark.parametrize("term", ["year-2025", "all"])
@pytest.mark.parametrize("url", ["/summary", "/summary.csv", "/summary.xlsx", "/summary/census.csv"])
def test_query_count_does_not_grow_with_placements(app, as_commissioner, school, provider, url, term):
    query = f"{url}?term={term}"
    _add(school, provider, 3)
    few = _queries(as_commissioner, query)
    _add(school, provider, 27, marks="//NI/B\\#")
    many = _queries(as_commissioner, query)
    assert many == few, f"{few} queries for 3 placements but {many} for 30"


@pytest.mark.parametrize("term", ["year-2025", "all"])
@pytest.mark.parametrize("url", ["/summary", "/summary.csv", "/summary.xlsx", "/summary/ap-census.csv"])
def test_an_las_query_count_does_not_grow_with_placements(app, local_authority, provider, url, term):
    """The LA's own placements: the summary, its downloads and the LA's AP census."""
    client = browser(app)
    sign_in(client, factories.UserFactory(organisation=local_authority, role=factories.Role.COMMISSIONER))
    query = f"{url}?term={term}"
    _add(local_authority, provider, 3)
    few = _queries(client, query)
    _add(local_authority, provider, 27, marks="//NI/B\\#")
    many = _queries(client, query)
    assert many == few, f"{few} queries for 3 placements but {many} for 30"


@pytest.mark.parametrize("url", ["/summary", "/summary.csv", "/summary.xlsx"])
def test_the_marks_are_counted_in_the_database_not_fetched_one_by_one(app, as_commissioner, school, provider, url):
    """A million marks must come back as a few counts a placement: every statement that reads the marks counts
    them (``count(...)``, grouped by placement and code), and none selects a row per mark."""
    _add(school, provider, 3, marks="//NI/B\\#")
    reading_marks = [s for s in _statements(as_commissioner, f"{url}?term=all") if "attendance_marks" in s]
    assert reading_marks, "the summary reads the marks"
    for statement in reading_marks:
        assert "count(" in statement.lower(), statement


def test_the_census_csv_is_streamed_after_the_audit_record_is_committed(app, as_commissioner, school, provider):
    """The file goes out a line at a time; the download is in the audit log before the first line is sent."""
    from service.audit.models import AuditEvent
    from service.extensions import db

    _add(school, provider, 4)
    response = as_commissioner.get("/summary/census.csv?term=all", buffered=False)
    assert response.status_code == 200
    db.session.expire_all()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "census_ap")).all()
    assert [e.detail for e in events] == [{"period": "all", "placements": 4}]  # committed before the body is read
    chunks = [chunk.decode() for chunk in response.response]  # what the server hands the browser, piece by piece
    assert len(chunks) == 5, "the header, then one piece a placement: not the whole file as one string"
    assert chunks[0].startswith("UPN,Surname,Forename") and all(c.count("\r\n") == 1 for c in chunks)
