"""``sql.among``: ``IN`` for thousands of ids, sent as one parameter (an array on PostgreSQL, a JSON text on
SQLite); the same rows on both databases."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from service.extensions import db
from service.pupils.models import Pupil
from service.sql import among
from tests import factories


def _names(condition: sa.ColumnElement[bool]) -> set[str]:
    return set(db.session.scalars(sa.select(Pupil.legal_first_name).where(condition)))


@contextmanager
def _parameters_sent() -> Iterator[list[int]]:
    """How many parameters each statement sent to the database driver, as the driver received them."""
    counts: list[int] = []

    def count(_conn: Any, _cursor: Any, _statement: str, parameters: Sequence[Any] | dict[str, Any], *_: Any) -> None:
        counts.append(len(parameters))

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_among_finds_exactly_the_rows_listed_even_thousands_and_none(db_session, school):
    ada, ben, cy = (factories.PupilFactory(organisation=school, legal_first_name=n) for n in ("Ada", "Ben", "Cy"))
    db.session.commit()

    assert _names(among(Pupil.id, [ada.id, cy.id])) == {"Ada", "Cy"}
    assert _names(among(Pupil.id, {ben.id})) == {"Ben"}
    assert _names(among(Pupil.id, [])) == set()
    assert _names(~among(Pupil.id, [ada.id])) == {"Ben", "Cy"}
    assert _names(~among(Pupil.id, [])) == {"Ada", "Ben", "Cy"}
    # 5,000 ids (an LA's placements), only one of which exists: one parameter, still the right row.
    many = list(range(10_000_000, 10_005_000)) + [ben.id]
    assert _names(among(Pupil.id, many)) == {"Ben"}
    # Twice in one statement, beside other parameters: each list is its own parameter.
    both = sa.and_(among(Pupil.id, [ada.id, ben.id]), among(Pupil.id, [ben.id, cy.id]), Pupil.legal_first_name != "Cy")
    assert _names(both) == {"Ben"}


def test_among_sends_one_parameter_however_many_ids(db_session, school):
    """Ids sent one parameter each cost the time of rendering and parsing them on every query (issue 18), and SQLite
    builds with the default limit refuse more than 32,766 of them in one statement."""
    ada = factories.PupilFactory(organisation=school, legal_first_name="Ada")
    db.session.commit()
    many = [*range(20_000_000, 20_040_000), ada.id]

    with _parameters_sent() as counts:
        assert _names(among(Pupil.id, many)) == {"Ada"}
        assert _names(among(Pupil.id, many[:3])) == set()
    assert counts == [1, 1]
