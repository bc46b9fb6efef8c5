"""The end of a placement: its outcomes against each objective, accreditation and destination.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TEXT = (
    "reason_detail",
    "accreditation_english",
    "accreditation_maths",
    "accreditation_other",
    "behaviour_change",
    "personal_development",
    "pupil_assessment",
    "destination_detail",
)


def upgrade() -> None:
    op.create_table(
        "end_of_placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in TEXT),
        sa.Column("destination", sa.String(length=40), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_end_of_placements_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_end_of_placements_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_end_of_placements")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_end_of_placements_placement_id")),
    )
    op.create_table(
        "objective_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("end_of_placement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective_text", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("rating", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["end_of_placement_id"],
            ["end_of_placements.id"],
            name=op.f("fk_objective_outcomes_end_of_placement_id_end_of_placements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_outcomes")),
    )
    op.create_index(op.f("ix_objective_outcomes_end_of_placement_id"), "objective_outcomes", ["end_of_placement_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_objective_outcomes_end_of_placement_id"), table_name="objective_outcomes")
    op.drop_table("objective_outcomes")
    op.drop_table("end_of_placements")
