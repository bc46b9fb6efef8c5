"""Outbox secrets put in only at delivery: the links and codes each message carries, the signers' link and code
generations and their per-link count of codes tried; a secure link has no token until its email goes; and the
live links and codes already written into stored message bodies are removed from them.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: What earlier versions wrote into bodies, readable by anyone who could read the outbox.
_SIGNING_LINK = re.compile(r"\S*/sign/[A-Za-z0-9_-]+")
_DOCUMENT_LINK = re.compile(r"\S*/shared/[A-Za-z0-9_-]+")
_CODE = re.compile(r"Your code is \d{6}")
REMOVED_SIGNING_LINK = "[signing link — sent only to the recipient, not shown here]"
REMOVED_DOCUMENT_LINK = "[link to the document — sent only to the recipient, not shown here]"
REMOVED_CODE = "Your code is [one-time code — sent only to the recipient, not shown here]"


def redact(body: str) -> str:
    """A stored body without the live links and codes earlier versions wrote into it."""
    body = _SIGNING_LINK.sub(REMOVED_SIGNING_LINK, body)
    body = _DOCUMENT_LINK.sub(REMOVED_DOCUMENT_LINK, body)
    return _CODE.sub(REMOVED_CODE, body)


def upgrade() -> None:
    op.create_table(
        "outbox_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("secure_link_id", sa.Integer(), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox_messages.id"], name=op.f("fk_outbox_secrets_message_id_outbox_messages")
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["signers.id"], name=op.f("fk_outbox_secrets_signer_id_signers"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["secure_link_id"], ["secure_links.id"], name=op.f("fk_outbox_secrets_secure_link_id_secure_links")
        ),
        sa.ForeignKeyConstraint(["stopped_by_id"], ["users.id"], name=op.f("fk_outbox_secrets_stopped_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_secrets")),
    )
    with op.batch_alter_table("outbox_secrets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_secrets_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_secrets_signer_id"), ["signer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_secrets_secure_link_id"), ["secure_link_id"], unique=False)

    with op.batch_alter_table("signers", schema=None) as batch_op:
        for name in ("link_code_attempts", "link_generation", "code_generation"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("code_requested_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("secure_links", schema=None) as batch_op:
        batch_op.alter_column("token_sha256", existing_type=sa.String(length=64), nullable=True)

    connection = op.get_bind()
    messages = sa.table("outbox_messages", sa.column("id", sa.Integer()), sa.column("body_text", sa.Text()))
    rows = connection.execute(
        sa.select(messages.c.id, messages.c.body_text).where(
            sa.or_(
                messages.c.body_text.contains("/sign/"),
                messages.c.body_text.contains("/shared/"),
                messages.c.body_text.contains("Your code is "),
            )
        )
    ).all()
    for message_id, body in rows:
        cleaned = redact(body)
        if cleaned != body:
            connection.execute(sa.update(messages).where(messages.c.id == message_id).values(body_text=cleaned))


def downgrade() -> None:
    # The links and codes removed from bodies are gone for good: that is the point.
    connection = op.get_bind()
    links = sa.table("secure_links", sa.column("id", sa.Integer()), sa.column("token_sha256", sa.String(64)))
    for (link_id,) in connection.execute(sa.select(links.c.id).where(links.c.token_sha256.is_(None))).all():
        # A link never sent gets a hash nobody has the token for: it can never be opened.
        connection.execute(sa.update(links).where(links.c.id == link_id).values(token_sha256=f"{link_id:064x}"))
    with op.batch_alter_table("secure_links", schema=None) as batch_op:
        batch_op.alter_column("token_sha256", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("signers", schema=None) as batch_op:
        batch_op.drop_column("code_requested_at")
        for name in ("code_generation", "link_generation", "link_code_attempts"):
            batch_op.drop_column(name)
    with op.batch_alter_table("outbox_secrets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_secrets_secure_link_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_secrets_signer_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_secrets_message_id"))
    op.drop_table("outbox_secrets")
