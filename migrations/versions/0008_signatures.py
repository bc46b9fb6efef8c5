"""Signatures on the AP Support Plan: rounds of signing, signers and their evidence; sealed documents.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "signature_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("ask_again", sa.Boolean(), nullable=False),
        sa.Column("signed_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_signature_requests_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_signature_requests_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_signature_requests_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["signed_document_id"], ["documents.id"], name=op.f("fk_signature_requests_signed_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature_requests")),
    )
    op.create_index(op.f("ix_signature_requests_placement_id"), "signature_requests", ["placement_id"])
    op.create_index(op.f("ix_signature_requests_document_id"), "signature_requests", ["document_id"])
    op.create_index(op.f("ix_signature_requests_status"), "signature_requests", ["status"])

    op.create_table(
        "signers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("code_sha256", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("codes_sent", sa.Integer(), nullable=False),
        sa.Column("identity_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("witnessed_by_id", sa.Integer(), nullable=True),
        sa.Column("viewed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("declined_at", sa.DateTime(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("read_confirmed", sa.Boolean(), nullable=False),
        sa.Column("signature_png", sa.LargeBinary(), nullable=True),
        sa.Column("typed_signature", sa.String(length=200), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("last_asked_at", sa.DateTime(), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["signature_requests.id"],
            name=op.f("fk_signers_request_id_signature_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["witnessed_by_id"], ["users.id"], name=op.f("fk_signers_witnessed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signers")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_signers_token_sha256")),
    )
    op.create_index(op.f("ix_signers_request_id"), "signers", ["request_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signers_request_id"), table_name="signers")
    op.drop_table("signers")
    for name in ("status", "document_id", "placement_id"):
        op.drop_index(op.f(f"ix_signature_requests_{name}"), table_name="signature_requests")
    op.drop_table("signature_requests")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("sealed")
