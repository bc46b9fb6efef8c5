"""A partial index on the attendance marks still without a reason (code ``N``).

The dashboard's "Absent without a reason" and "Absence not decided within five school days" look for ``N`` marks of
every running placement. At a local authority's million marks, with only a handful of ``N``, that was a scan of the
whole table (some 70 ms on PostgreSQL, each time the dashboard opened); the partial index holds only those marks.

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_attendance_marks_unexplained",
        "attendance_marks",
        ["placement_id", "on_date"],
        postgresql_where=sa.text("code = 'N'"),
        sqlite_where=sa.text("code = 'N'"),
    )


def downgrade() -> None:
    op.drop_index("ix_attendance_marks_unexplained", table_name="attendance_marks")
