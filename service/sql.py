"""SQL helpers that depend on the database the current session is bound to."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from service.extensions import db


def among(column: sa.ColumnElement[int], ids: Iterable[int]) -> sa.ColumnElement[bool]:
    """``column IN ids`` for a list of ids that may run to thousands (a local authority's placements).

    Why: SQLAlchemy sends ``IN`` with one bound parameter per id, and rendering and parsing 2,000 parameters for each
    of the dashboard's queries cost more than the queries (issue 18): the statement is rendered afresh for every
    length of list, so it is never served from the compiled cache either. Here the ids always go as one parameter:
    on PostgreSQL one array (``= ANY(%s)``); on SQLite one JSON text the database reads back as rows
    (``IN (SELECT value FROM json_each(?))``), which SQLite runs as an ``IN`` list it builds once and, like a
    literal list, may answer through the column's index. Built for the database of the current session (an app
    context is needed)."""
    values = [int(value) for value in ids]
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("ids", values, type_=postgresql.ARRAY(sa.Integer), unique=True))
    listed = sa.func.json_each(sa.bindparam("ids", json.dumps(values), type_=sa.String, unique=True))
    return column.in_(sa.select(listed.table_valued("value").c.value))
