"""Request tokens: the same form sent twice makes one document, one pack email, one signing round.

``request_tokens``: one row per submission of a form that makes something numbered, keyed by the form's hidden
request token (unique per placement and action), with what it asked for, who asked and the document it made. A
second submission of the same form finds the first's row and is answered with what it made. The unique key in the
database is what holds this across several web processes.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_request_tokens_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_request_tokens_user_id_users")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_request_tokens_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_tokens")),
        sa.UniqueConstraint("placement_id", "action", "token", name=op.f("uq_request_tokens_placement_action_token")),
    )


def downgrade() -> None:
    op.drop_table("request_tokens")
