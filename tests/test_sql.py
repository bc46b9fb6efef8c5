"""``sql.among``: ``IN`` for thousands of ids, sent as one array on PostgreSQL; the same rows on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.pupils.models import Pupil
from service.sql import among
from tests import factories


def _names(condition: sa.ColumnElement[bool]) -> set[str]:
    return set(db.session.scalars(sa.select(Pupil.legal_first_name).where(condition)))


def test_among_finds_exactly_the_rows_listed_even_thousands_and_none(db_session, school):
    ada, ben, cy = (factories.PupilFactory(organisation=school, legal_first_name=n) for n in ("Ada", "Ben", "Cy"))
    db.session.commit()

    assert _names(among(Pupil.id, [ada.id, cy.id])) == {"Ada", "Cy"}
    assert _names(among(Pupil.id, {ben.id})) == {"Ben"}
    assert _names(among(Pupil.id, [])) == set()
    assert _names(~among(Pupil.id, [ada.id])) == {"Ben", "Cy"}
    # 5,000 ids (an LA's placements), only one of which exists: one parameter on PostgreSQL, still the right row.
    many = list(range(10_000_000, 10_005_000)) + [ben.id]
    assert _names(among(Pupil.id, many)) == {"Ben"}
