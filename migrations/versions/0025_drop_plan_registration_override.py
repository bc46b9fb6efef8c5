"""The registration override's old columns on the support plan go: overrides are rows of ``plan_overrides``.

Migration 0021 copied each recorded registration override into ``plan_overrides`` and left these three columns
unread, because dropping them rebuilds ``support_plans`` on SQLite, and with foreign keys enforced the rebuild
deleted every plan's objectives and interventions through ``ON DELETE CASCADE``. The migrations now run with
foreign keys off on SQLite and check every link afterwards (``migrations/env.py``), so the rebuild is safe.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_plans") as batch:
        batch.drop_constraint(batch.f("fk_support_plans_registration_override_by_id_users"), type_="foreignkey")
        batch.drop_column("registration_override_at")
        batch.drop_column("registration_override_by_id")
        batch.drop_column("registration_override_reason")


def downgrade() -> None:
    """The columns come back empty; 0021's downgrade fills them from ``plan_overrides``."""
    with op.batch_alter_table("support_plans") as batch:
        batch.add_column(sa.Column("registration_override_reason", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("registration_override_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("registration_override_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_support_plans_registration_override_by_id_users"),
            "users",
            ["registration_override_by_id"],
            ["id"],
        )
