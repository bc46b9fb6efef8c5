"""Leases: which worker holds a document or an email, and until when.

``documents`` and ``outbox_messages`` gain ``claimed_by`` (the worker: host, process and thread) and ``lease_until``
(renewed by that worker's heartbeat while it works). The stalled-work sweep takes back only what a worker stopped
renewing, so recovery after a crash takes the lease's length instead of minutes, and a live worker's item is never
taken from it. ``outbox_messages.content_started_at`` records that the message's content started to go to the mail
server: a message whose worker stopped before that is tried again; one after it "may have been sent", never resent.

All columns are nullable and empty for existing rows: the sweep treats a row with no lease as before (by its age).

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("content_started_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("content_started_at")
        batch.drop_column("lease_until")
        batch.drop_column("claimed_by")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("claimed_by")
