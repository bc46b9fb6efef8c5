"""Visits by the commissioner to pupils at their providers.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "placement_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitors", sa.String(length=300), nullable=False),
        sa.Column("what_was_seen", sa.Text(), nullable=False),
        sa.Column("pupil_views", sa.Text(), nullable=False),
        sa.Column("concerns", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_placement_visits_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_placement_visits_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_visits")),
    )
    op.create_index(op.f("ix_placement_visits_placement_id"), "placement_visits", ["placement_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_placement_visits_placement_id"), table_name="placement_visits")
    op.drop_table("placement_visits")
