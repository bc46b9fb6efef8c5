"""When the local authority was told of a placement being agreed, ended or extended.

Placeholder: filled in by the work that owns it.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
