"""Termly progress reports from the provider, with progress against each objective.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("term_key", sa.String(length=20), nullable=False),
        sa.Column("term_name", sa.String(length=60), nullable=False),
        sa.Column("term_starts_on", sa.Date(), nullable=False),
        sa.Column("term_ends_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("consulted_pupil", sa.Boolean(), nullable=False),
        sa.Column("consulted_parents", sa.Boolean(), nullable=False),
        sa.Column("consulted_professionals", sa.Boolean(), nullable=False),
        sa.Column("consulted", sa.Text(), nullable=False),
        sa.Column("attendance_engagement", sa.Text(), nullable=False),
        sa.Column("pupil_view", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf_of_provider", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_progress_reports_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["written_by_id"], ["users.id"], name=op.f("fk_progress_reports_written_by_id_users")),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_progress_reports_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
        sa.UniqueConstraint("placement_id", "term_key", "version", name="uq_progress_reports_placement_term_version"),
    )
    with op.batch_alter_table("progress_reports") as batch:
        batch.create_index(batch.f("ix_progress_reports_placement_id"), ["placement_id"], unique=False)
    op.create_table(
        "progress_report_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective_text", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("rating", sa.String(length=40), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_progress_report_objectives_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_progress_report_objectives_objective_id_plan_objectives"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report_objectives")),
    )
    with op.batch_alter_table("progress_report_objectives") as batch:
        batch.create_index(batch.f("ix_progress_report_objectives_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("progress_report_objectives") as batch:
        batch.drop_index(batch.f("ix_progress_report_objectives_report_id"))
    op.drop_table("progress_report_objectives")
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_index(batch.f("ix_progress_reports_placement_id"))
    op.drop_table("progress_reports")
