"""The attendance register: one mark per placement, day and session.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendance_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("session", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("authorised_by_id", sa.Integer(), nullable=True),
        sa.Column("authorised_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_attendance_marks_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_attendance_marks_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["authorised_by_id"], ["users.id"], name=op.f("fk_attendance_marks_authorised_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_marks")),
        sa.UniqueConstraint("placement_id", "on_date", "session", name="uq_attendance_marks_session"),
    )
    with op.batch_alter_table("attendance_marks") as batch:
        batch.create_index(batch.f("ix_attendance_marks_placement_id"), ["placement_id"], unique=False)
        batch.create_index(batch.f("ix_attendance_marks_on_date"), ["on_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attendance_marks") as batch:
        batch.drop_index(batch.f("ix_attendance_marks_on_date"))
        batch.drop_index(batch.f("ix_attendance_marks_placement_id"))
    op.drop_table("attendance_marks")
