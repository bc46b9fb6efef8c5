"""Full time judged per day; the intensive-package reason; timetable against interventions.

Each weekly session says where it happens (``setting``: the provider, the home school or another setting), so the
placement's timetable holds the pupil's whole week. An organisation sets its normal school day
(``school_day_starts``/``school_day_ends``, 09:00 and 15:00 unless changed). The plan records, for the intensive
or one-to-one reason, when and with whom the parents were consulted about supervision for the rest of the day, and
why the interventions' hours differ from the timetable.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("placement_sessions") as batch:
        batch.add_column(sa.Column("setting", sa.String(length=40), server_default="provider", nullable=False))
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("school_day_starts", sa.Time(), server_default="09:00:00", nullable=False))
        batch.add_column(sa.Column("school_day_ends", sa.Time(), server_default="15:00:00", nullable=False))
    with op.batch_alter_table("support_plans") as batch:
        batch.add_column(sa.Column("parents_consulted_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("parents_consulted_with", sa.String(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("hours_difference_reason", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("support_plans") as batch:
        batch.drop_column("hours_difference_reason")
        batch.drop_column("parents_consulted_with")
        batch.drop_column("parents_consulted_on")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("school_day_ends")
        batch.drop_column("school_day_starts")
    with op.batch_alter_table("placement_sessions") as batch:
        batch.drop_column("setting")
