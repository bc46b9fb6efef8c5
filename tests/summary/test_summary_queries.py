"""An LA officer with 400 placements must not wait for one query per placement: the summary, its downloads
and the census export take the same number of database queries for 3 placements as for 30."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.summary.conftest import add_marks


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from service.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _add(school, provider, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        pupil = factories.PupilFactory(organisation=school)
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
        add_marks(placement, "//N")


@pytest.mark.parametrize("url", ["/summary", "/summary.csv", "/summary.xlsx", "/summary/census.csv"])
def test_query_count_does_not_grow_with_placements(app, as_commissioner, school, provider, url):
    query = url + "?term=year-2025"
    _add(school, provider, 3)
    few = _queries(as_commissioner, query)
    _add(school, provider, 27)
    many = _queries(as_commissioner, query)
    assert many == few, f"{few} queries for 3 placements but {many} for 30"
