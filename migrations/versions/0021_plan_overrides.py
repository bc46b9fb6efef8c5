"""Provider checks that block a plan; senior leaders; recorded overrides.

``users.senior_leader``: the admin's grant that lets a commissioner override a blocking check. ``plan_overrides``: one
row per check a senior leader set aside (with, for the registration check, the report to the DfE, Ofsted and the
Virtual AP Headteacher). ``plan_desktop_reviews``: the desk-top review of a provider not on the LA's list and its
report to the Virtual AP Headteacher, per plan. The registration overrides held on ``support_plans`` move into
``plan_overrides`` (without a report: none was recorded then); the plan's old columns stay, no longer used.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: rebuilding ``users`` on SQLite would drop the table under every row that
    # points at it.
    op.add_column("users", sa.Column("senior_leader", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "plan_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("check_key", sa.String(length=40), nullable=False),
        sa.Column("check_title", sa.String(length=200), nullable=False),
        sa.Column("check_message", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_plan_overrides_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_plan_overrides_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_overrides")),
    )
    op.create_index(op.f("ix_plan_overrides_placement_id"), "plan_overrides", ["placement_id"], unique=False)

    op.create_table(
        "plan_desktop_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_plan_desktop_reviews_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_plan_desktop_reviews_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_desktop_reviews")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_plan_desktop_reviews_placement_id")),
    )

    # The registration overrides recorded on the plan so far become rows (kept as they were: reason, who, when).
    op.execute(
        """
        INSERT INTO plan_overrides
            (placement_id, check_key, check_title, check_message, reason, by_id, at, reported_on, reported_by)
        SELECT placement_id, 'registration', 'Provider registration', '', registration_override_reason,
               registration_override_by_id, COALESCE(registration_override_at, updated_at), NULL, ''
        FROM support_plans
        WHERE TRIM(registration_override_reason) <> ''
        """
    )
    # The plan's old columns stay, untouched and no longer read or written: dropping a column with a foreign key
    # rebuilds ``support_plans`` on SQLite, and dropping the old table with foreign keys on would cascade-delete
    # every plan's objectives and interventions.


def downgrade() -> None:
    # The latest registration override of each plan goes back onto the plan.
    op.execute(
        """
        UPDATE support_plans SET
            registration_override_reason = (SELECT o.reason FROM plan_overrides o WHERE o.id = (
                SELECT MAX(id) FROM plan_overrides WHERE placement_id = support_plans.placement_id
                AND check_key = 'registration')),
            registration_override_by_id = (SELECT o.by_id FROM plan_overrides o WHERE o.id = (
                SELECT MAX(id) FROM plan_overrides WHERE placement_id = support_plans.placement_id
                AND check_key = 'registration')),
            registration_override_at = (SELECT o.at FROM plan_overrides o WHERE o.id = (
                SELECT MAX(id) FROM plan_overrides WHERE placement_id = support_plans.placement_id
                AND check_key = 'registration'))
        WHERE EXISTS (SELECT 1 FROM plan_overrides WHERE placement_id = support_plans.placement_id
                      AND check_key = 'registration')
        """
    )
    op.drop_table("plan_desktop_reviews")
    op.drop_index(op.f("ix_plan_overrides_placement_id"), table_name="plan_overrides")
    op.drop_table("plan_overrides")
    op.drop_column("users", "senior_leader")  # SQLite 3.35 and later drop a plain column in place
