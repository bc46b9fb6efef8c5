"""An LA officer with 400 placements must not wait for one query per placement: the dashboard's
number of database queries does not grow with the number of placements."""

from __future__ import annotations

import sqlalchemy as sa

from service.rules.placement_status import PlacementStatus
from tests import factories


def _queries_for_dashboard(app, client) -> int:  # type: ignore[no-untyped-def]
    from service.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_dashboard_query_count_does_not_grow_with_placements(app, as_commissioner, school):
    def add(n: int) -> None:
        for _ in range(n):
            factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), status=PlacementStatus.ACTIVE)

    add(2)
    few = _queries_for_dashboard(app, as_commissioner)
    add(10)
    many = _queries_for_dashboard(app, as_commissioner)
    assert many == few, f"{few} queries for 2 placements but {many} for 12"
