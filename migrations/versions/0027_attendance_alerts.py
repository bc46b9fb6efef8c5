"""Attendance alerts as digests: each alerted session's key in its own unique column.

``attendance_alerts``: one row per session the attendance contact was told about (its key, the placement, the day,
the session, unexplained or unmarked) and the digest email that told them. The unique key is what stops an alert
going twice, also when two runs overlap; the job reads the day's keys in one query instead of searching every
alert email's body.

Alerts sent before this revision carried their key in the email's body (a line
``attendance-alert:AP-<placement>:<date>:<am|pm>:<kind>``): the upgrade copies each such key here, linked to its
email, so a session already alerted is never alerted again after the upgrade.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

KEY = re.compile(r"^attendance-alert:AP-(\d+):(\d{4}-\d{2}-\d{2}):(am|pm):(unexplained|unmarked)$", re.MULTILINE)
BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "attendance_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("session", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_attendance_alerts_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_attendance_alerts_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_attendance_alerts_outbox_message_id_outbox_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_alerts")),
        sa.UniqueConstraint("key", name=op.f("uq_attendance_alerts_key")),
    )
    op.create_index(op.f("ix_attendance_alerts_organisation_id"), "attendance_alerts", ["organisation_id"])
    op.create_index(op.f("ix_attendance_alerts_placement_id"), "attendance_alerts", ["placement_id"])
    op.create_index(op.f("ix_attendance_alerts_on_date"), "attendance_alerts", ["on_date"])
    op.create_index(op.f("ix_attendance_alerts_outbox_message_id"), "attendance_alerts", ["outbox_message_id"])
    _copy_keys_from_sent_alerts()


def _copy_keys_from_sent_alerts() -> None:
    """One row per key found in an old alert email's body (the first email, if a key was ever sent twice)."""
    connection = op.get_bind()
    messages = sa.table(
        "outbox_messages",
        sa.column("id", sa.Integer),
        sa.column("organisation_id", sa.Integer),
        sa.column("purpose", sa.String),
        sa.column("body_text", sa.Text),
        sa.column("created_at", sa.DateTime),
    )
    placements = sa.table("placements", sa.column("id", sa.Integer))
    alerts = sa.table(
        "attendance_alerts",
        sa.column("key", sa.String),
        sa.column("organisation_id", sa.Integer),
        sa.column("placement_id", sa.Integer),
        sa.column("on_date", sa.Date),
        sa.column("session", sa.String),
        sa.column("kind", sa.String),
        sa.column("outbox_message_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    existing_placements = set(connection.scalars(sa.select(placements.c.id)))
    seen: set[str] = set()
    last_id = 0
    while True:  # a page of emails at a time, by id: a long-running LA may have sent a great many
        page = connection.execute(
            sa.select(messages.c.id, messages.c.organisation_id, messages.c.body_text, messages.c.created_at)
            .where(messages.c.purpose == "attendance_alert", messages.c.id > last_id)
            .order_by(messages.c.id)
            .limit(BATCH)
        ).all()
        if not page:
            break
        last_id = page[-1][0]
        batch: list[dict[str, object]] = []
        for message_id, organisation_id, body, created_at in page:
            for match in KEY.finditer(body or ""):
                key = match.group(0)
                placement_id = int(match.group(1))
                if key in seen or placement_id not in existing_placements:
                    continue
                seen.add(key)
                batch.append(
                    {
                        "key": key,
                        "organisation_id": organisation_id,
                        "placement_id": placement_id,
                        "on_date": date.fromisoformat(match.group(2)),
                        "session": match.group(3),
                        "kind": match.group(4),
                        "outbox_message_id": message_id,
                        "created_at": created_at or datetime.now(UTC).replace(tzinfo=None),
                    }
                )
        if batch:
            connection.execute(sa.insert(alerts), batch)


def downgrade() -> None:
    op.drop_index(op.f("ix_attendance_alerts_outbox_message_id"), table_name="attendance_alerts")
    op.drop_index(op.f("ix_attendance_alerts_on_date"), table_name="attendance_alerts")
    op.drop_index(op.f("ix_attendance_alerts_placement_id"), table_name="attendance_alerts")
    op.drop_index(op.f("ix_attendance_alerts_organisation_id"), table_name="attendance_alerts")
    op.drop_table("attendance_alerts")
