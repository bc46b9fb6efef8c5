"""SQL helpers that depend on the database the current session is bound to."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from service.extensions import db


def among(column: sa.ColumnElement[int], ids: Iterable[int]) -> sa.ColumnElement[bool]:
    """``column IN ids`` for a list of ids that may run to thousands (a local authority's placements).

    Why: SQLAlchemy sends ``IN`` with one bound parameter per id, and rendering and parsing 2,000 parameters for each
    of the dashboard's queries cost more than the queries (issue 18). On PostgreSQL the ids go as one array
    (``= ANY(%s)``); SQLite keeps ``IN``, whose parameters are cheap in process. Built for the database of the
    current session (an app context is needed), as a plain comparison each planner can use an index for."""
    values = list(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("ids", values, type_=postgresql.ARRAY(sa.Integer), unique=True))
    return column.in_(values)
