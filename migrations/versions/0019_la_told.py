"""When the local authority was told of a placement being agreed, ended or extended.

One ``la_notices`` row per event: the LA, when it was told (or why it could not be), the outbox messages to its AP
contact and SEN team, and the addresses they went to.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "la_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=True),
        sa.Column("told_at", sa.DateTime(), nullable=True),
        sa.Column("problem", sa.Text(), server_default="", nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("sen_message_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_la_notices_placement_id_placements"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"], ["organisations.id"], name=op.f("fk_la_notices_local_authority_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox_messages.id"], name=op.f("fk_la_notices_message_id_outbox_messages")
        ),
        sa.ForeignKeyConstraint(
            ["sen_message_id"], ["outbox_messages.id"], name=op.f("fk_la_notices_sen_message_id_outbox_messages")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_la_notices_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_la_notices")),
    )
    with op.batch_alter_table("la_notices") as batch:
        batch.create_index(batch.f("ix_la_notices_placement_id"), ["placement_id"], unique=False)
        batch.create_index(batch.f("ix_la_notices_local_authority_id"), ["local_authority_id"], unique=False)
        batch.create_index(batch.f("ix_la_notices_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("la_notices") as batch:
        batch.drop_index(batch.f("ix_la_notices_message_id"))
        batch.drop_index(batch.f("ix_la_notices_local_authority_id"))
        batch.drop_index(batch.f("ix_la_notices_placement_id"))
    op.drop_table("la_notices")
