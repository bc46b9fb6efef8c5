"""Schools belong to a local authority; an LA's contacts for alternative provision.

A school's admin chooses its LA (``local_authority_id``). The LA records whom to tell when one of its schools
commissions, ends or extends AP (``ap_contact_*``) and, for a pupil with an EHCP, its SEN team (``sen_contact_*``).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_TEXT = ("ap_contact_name", "ap_contact_email", "sen_contact_name", "sen_contact_email")


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("local_authority_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_organisations_local_authority_id_organisations"),
            "organisations",
            ["local_authority_id"],
            ["id"],
        )
        batch.create_index(batch.f("ix_organisations_local_authority_id"), ["local_authority_id"], unique=False)
        for name in _TEXT:
            length = 254 if name.endswith("email") else 200
            batch.add_column(sa.Column(name, sa.String(length=length), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for name in reversed(_TEXT):
            batch.drop_column(name)
        batch.drop_index(batch.f("ix_organisations_local_authority_id"))
        batch.drop_constraint(batch.f("fk_organisations_local_authority_id_organisations"), type_="foreignkey")
        batch.drop_column("local_authority_id")
