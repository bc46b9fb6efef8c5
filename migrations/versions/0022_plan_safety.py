"""The plan itself: end date, off-site direction, joint risk assessment, EHCP outcomes.

The plan records whether the pupil is directed off site and the direction's agreed maximum duration, whether
risks are identified, the joint risk assessment with the provider (date, who took part, a separate assessment
attached) and the provider's health-and-safety check (date, outcome). Each objective may name the EHCP outcome
it serves; the pupil record holds the date of the last EHCP annual review. Every new answer is empty on existing
rows: an agreed plan stays agreed, and the next change to it asks for them.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_plans") as batch:
        batch.add_column(sa.Column("off_site_direction", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("off_site_max_weeks", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("risks_identified", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("joint_risk_assessment_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("joint_risk_assessment_by", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("joint_risk_assessment_attached", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("health_safety_check_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("health_safety_outcome", sa.String(length=40), nullable=True))
    with op.batch_alter_table("plan_objectives") as batch:
        batch.add_column(sa.Column("ehcp_outcome", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("pupils") as batch:
        batch.add_column(sa.Column("ehcp_last_annual_review", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pupils") as batch:
        batch.drop_column("ehcp_last_annual_review")
    with op.batch_alter_table("plan_objectives") as batch:
        batch.drop_column("ehcp_outcome")
    with op.batch_alter_table("support_plans") as batch:
        for name in (
            "health_safety_outcome",
            "health_safety_check_date",
            "joint_risk_assessment_attached",
            "joint_risk_assessment_by",
            "joint_risk_assessment_date",
            "risks_identified",
            "off_site_max_weeks",
            "off_site_direction",
        ):
            batch.drop_column(name)
