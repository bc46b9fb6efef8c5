"""Dual registration and the census reason on the placement; provider closures on the register.

``placements.dual_registered``: the pupil is dual registered at the provider (a pupil referral unit or AP academy),
so the school's register records ``D`` for the sessions there rather than ``B`` or ``K``. Existing placements are
not dual registered until the commissioner says so.

``placements.census_reason``: the reason for the placement from DfE's list for the census it belongs to (the school
census for a placement a school arranged, the LA's AP census for one an LA arranged). It was derived from who
decides before; it is now recorded, so existing placements start empty and the census export asks for it.

``provider_closures`` and ``attendance_marks.closure_id``: a day a provider was closed, as it reported it; each
pupil's session stays possible (``N``) until the commissioner records its code.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("placements") as batch:
        batch.add_column(sa.Column("dual_registered", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("census_reason", sa.String(length=40), nullable=True))
    op.create_table(
        "provider_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("morning", sa.Boolean(), nullable=False),
        sa.Column("afternoon", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_provider_closures_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["users.id"], name=op.f("fk_provider_closures_reported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_closures")),
    )
    op.create_index(op.f("ix_provider_closures_provider_id"), "provider_closures", ["provider_id"])
    op.create_index(op.f("ix_provider_closures_on_date"), "provider_closures", ["on_date"])
    with op.batch_alter_table("attendance_marks") as batch:
        batch.add_column(sa.Column("closure_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_attendance_marks_closure_id"), ["closure_id"])
        batch.create_foreign_key(
            batch.f("fk_attendance_marks_closure_id_provider_closures"),
            "provider_closures",
            ["closure_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance_marks") as batch:
        batch.drop_constraint(batch.f("fk_attendance_marks_closure_id_provider_closures"), type_="foreignkey")
        batch.drop_index(batch.f("ix_attendance_marks_closure_id"))
        batch.drop_column("closure_id")
    op.drop_index(op.f("ix_provider_closures_on_date"), table_name="provider_closures")
    op.drop_index(op.f("ix_provider_closures_provider_id"), table_name="provider_closures")
    op.drop_table("provider_closures")
    with op.batch_alter_table("placements") as batch:
        batch.drop_column("census_reason")
        batch.drop_column("dual_registered")
