"""Provider information packs, and each organisation's safeguarding contacts and sending settings.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ORGANISATION_TEXT = (
    ("dsl_name", sa.String(length=200)),
    ("dsl_phone", sa.String(length=40)),
    ("deputy_dsl_name", sa.String(length=200)),
    ("deputy_dsl_phone", sa.String(length=40)),
    ("child_protection_expectations", sa.Text()),
    ("concern_procedure", sa.Text()),
    ("attendance_contact_name", sa.String(length=200)),
    ("attendance_contact_phone", sa.String(length=40)),
    ("attendance_contact_email", sa.String(length=254)),
)

PACK_TEXT = (
    "send_needs",
    "literacy",
    "medical_needs",
    "what_works",
    "what_to_avoid",
    "behaviours_that_challenge",
    "strategies_that_worked",
    "aptitudes_interests",
    "transport",
    "other_emergency_contacts",
)


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for name, column_type in ORGANISATION_TEXT:
            batch.add_column(sa.Column(name, column_type, nullable=False, server_default=""))
        batch.add_column(sa.Column("pack_lead_working_days", sa.Integer(), nullable=False, server_default="5"))
        batch.add_column(
            sa.Column("mail_delivery", sa.String(length=40), nullable=False, server_default="link_outside_trusted")
        )
        batch.add_column(sa.Column("trusted_domains", sa.Text(), nullable=False, server_default=""))

    op.create_table(
        "provider_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in PACK_TEXT),
        sa.Column("withheld", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_provider_packs_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_provider_packs_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_packs")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_provider_packs_placement_id")),
    )


def downgrade() -> None:
    op.drop_table("provider_packs")
    with op.batch_alter_table("organisations") as batch:
        for name in ("trusted_domains", "mail_delivery", "pack_lead_working_days"):
            batch.drop_column(name)
        for name, _ in reversed(ORGANISATION_TEXT):
            batch.drop_column(name)
