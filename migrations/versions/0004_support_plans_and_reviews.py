"""Support plans and reviews: the Appendix A referral, objectives, interventions, term dates, review meetings.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_term_dates_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_dates")),
    )
    with op.batch_alter_table("term_dates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_dates_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "placement_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("present", sa.Text(), nullable=False),
        sa.Column("attendance_from", sa.Date(), nullable=True),
        sa.Column("attendance_to", sa.Date(), nullable=True),
        sa.Column("sessions_possible", sa.Integer(), nullable=True),
        sa.Column("sessions_attended", sa.Integer(), nullable=True),
        sa.Column("attendance_notes", sa.Text(), nullable=False),
        sa.Column("pupil_views", sa.Text(), nullable=False),
        sa.Column("parent_views", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("changes_to_need", sa.Text(), nullable=False),
        sa.Column("changes_to_outcomes", sa.Text(), nullable=False),
        sa.Column("changes_to_plan", sa.Text(), nullable=False),
        sa.Column("extension_agreed", sa.Boolean(), nullable=False),
        sa.Column("new_end_date", sa.Date(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_placement_reviews_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_placement_reviews_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_reviews")),
        sa.UniqueConstraint("placement_id", "number", name="uq_placement_reviews_placement_number"),
    )
    with op.batch_alter_table("placement_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_reviews_placement_id"), ["placement_id"], unique=False)

    op.create_table(
        "support_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("planning_meeting_date", sa.Date(), nullable=True),
        sa.Column("school_rep", sa.String(length=200), nullable=False),
        sa.Column("provider_rep", sa.String(length=200), nullable=False),
        sa.Column("parent_ids", sa.JSON(), nullable=False),
        sa.Column("other_professionals", sa.Text(), nullable=False),
        sa.Column("pupil_details_confirmed", sa.Boolean(), nullable=False),
        sa.Column("child_views", sa.Text(), nullable=False),
        sa.Column("parental_views", sa.Text(), nullable=False),
        sa.Column("academic_progress", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column("separate_risk_assessment", sa.Boolean(), nullable=True),
        sa.Column("outcome_attendance", sa.Text(), nullable=False),
        sa.Column("outcome_attitude", sa.Text(), nullable=False),
        sa.Column("outcome_attainment", sa.Text(), nullable=False),
        sa.Column("outcome_behaviour", sa.Text(), nullable=False),
        sa.Column("outcome_destination", sa.Text(), nullable=False),
        sa.Column("part_time_reason", sa.String(length=40), nullable=True),
        sa.Column("part_time_detail", sa.Text(), nullable=False),
        sa.Column("school_links", sa.Text(), nullable=False),
        sa.Column("attendance_arrangements", sa.Text(), nullable=False),
        sa.Column("agreed_actions", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("registration_override_reason", sa.Text(), nullable=False),
        sa.Column("registration_override_by_id", sa.Integer(), nullable=True),
        sa.Column("registration_override_at", sa.DateTime(), nullable=True),
        sa.Column("agreed_at", sa.DateTime(), nullable=True),
        sa.Column("agreed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agreed_by_id"], ["users.id"], name=op.f("fk_support_plans_agreed_by_id_users")),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_support_plans_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_override_by_id"],
            ["users.id"],
            name=op.f("fk_support_plans_registration_override_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_plans")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_support_plans_placement_id")),
    )
    op.create_table(
        "plan_interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("support_plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("intervention_type", sa.String(length=200), nullable=False),
        sa.Column("hours_per_week", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column(
            "delivered_by",
            sa.Enum("provider", "school", "other", name="deliveredby", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["support_plan_id"],
            ["support_plans.id"],
            name=op.f("fk_plan_interventions_support_plan_id_support_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_interventions")),
    )
    with op.batch_alter_table("plan_interventions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_interventions_support_plan_id"), ["support_plan_id"], unique=False)

    op.create_table(
        "plan_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("support_plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "area",
            sa.Enum(
                "attendance",
                "attitude",
                "attainment",
                "behaviour",
                "destination",
                name="outcomearea",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["support_plan_id"],
            ["support_plans.id"],
            name=op.f("fk_plan_objectives_support_plan_id_support_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objectives")),
    )
    with op.batch_alter_table("plan_objectives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_objectives_support_plan_id"), ["support_plan_id"], unique=False)

    op.create_table(
        "review_objective_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective_text", sa.Text(), nullable=False),
        sa.Column(
            "rating",
            sa.Enum(
                "not_started", "little", "some", "good", "achieved", name="progressrating", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_review_objective_progress_objective_id_plan_objectives"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["placement_reviews.id"],
            name=op.f("fk_review_objective_progress_review_id_placement_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_objective_progress")),
    )
    with op.batch_alter_table("review_objective_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_objective_progress_review_id"), ["review_id"], unique=False)

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_review_id"), ["review_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_review_id_placement_reviews"), "placement_reviews", ["review_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_review_id_placement_reviews"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_documents_review_id"))
        batch_op.drop_column("review_id")

    with op.batch_alter_table("review_objective_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_objective_progress_review_id"))

    op.drop_table("review_objective_progress")
    with op.batch_alter_table("plan_objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_objectives_support_plan_id"))

    op.drop_table("plan_objectives")
    with op.batch_alter_table("plan_interventions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_interventions_support_plan_id"))

    op.drop_table("plan_interventions")
    op.drop_table("support_plans")
    with op.batch_alter_table("placement_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_reviews_placement_id"))

    op.drop_table("placement_reviews")
    with op.batch_alter_table("term_dates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_dates_organisation_id"))

    op.drop_table("term_dates")
