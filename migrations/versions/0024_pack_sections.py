"""Provider pack sections kept out with a reason; the follow-up of a pupil leaving to no education or training.

``provider_packs.withheld_reasons``: why the commissioner keeps the safeguarding status, the risks or the SEN out
of the pack (section -> reason). A pack that keeps one out with no reason is held by the send checks until a reason
is recorded, so existing packs need no made-up reason here.

``end_of_placements.neet_confirmed``, ``neet_follow_up`` and ``neet_follow_up_on``: a pupil under 18 whose
destination is "not in education, employment or training" is recorded only with the commissioner's confirmation
and what is being done about it, and when.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provider_packs") as batch:
        batch.add_column(sa.Column("withheld_reasons", sa.JSON(), nullable=True))
    op.execute(sa.text("UPDATE provider_packs SET withheld_reasons = '{}'"))
    with op.batch_alter_table("provider_packs") as batch:
        batch.alter_column("withheld_reasons", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("end_of_placements") as batch:
        batch.add_column(sa.Column("neet_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("neet_follow_up", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("neet_follow_up_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("end_of_placements") as batch:
        batch.drop_column("neet_follow_up_on")
        batch.drop_column("neet_follow_up")
        batch.drop_column("neet_confirmed")
    with op.batch_alter_table("provider_packs") as batch:
        batch.drop_column("withheld_reasons")
