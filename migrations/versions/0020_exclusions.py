"""Exclusions and suspensions, with the sixth-day duty.

A school records a pupil's permanent exclusion or suspension (first day, length, date of the decision): from the
sixth school day the LA (permanent) or the school (a suspension of more than five days) must provide full-time
education, and the dashboard flags it until a placement is in place.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("school_days", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupils.id"], name=op.f("fk_exclusions_pupil_id_pupils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_exclusions_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_exclusions_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusions")),
    )
    op.create_index(op.f("ix_exclusions_pupil_id"), "exclusions", ["pupil_id"])
    op.create_index(op.f("ix_exclusions_organisation_id"), "exclusions", ["organisation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_exclusions_organisation_id"), table_name="exclusions")
    op.drop_index(op.f("ix_exclusions_pupil_id"), table_name="exclusions")
    op.drop_table("exclusions")
