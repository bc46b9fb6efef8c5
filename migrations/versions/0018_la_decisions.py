"""The local authority's recorded decisions on placements (EHCP, medical, excluded, no school place).

One row per placement: agree or not, the date, the officer, the date of the early or annual review of the EHCP that
considered it, the health input for a medical placement. Existing placements get none: those the LA must decide
show as waiting for its decision.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "la_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("officer_name", sa.String(length=200), nullable=False),
        sa.Column("ehcp_review_date", sa.Date(), nullable=True),
        sa.Column("health_input_by", sa.String(length=200), nullable=False),
        sa.Column("health_input_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_la_decisions_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"], ["organisations.id"], name=op.f("fk_la_decisions_local_authority_id_organisations")
        ),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_la_decisions_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_la_decisions")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_la_decisions_placement_id")),
    )
    op.create_index(op.f("ix_la_decisions_local_authority_id"), "la_decisions", ["local_authority_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_la_decisions_local_authority_id"), table_name="la_decisions")
    op.drop_table("la_decisions")
