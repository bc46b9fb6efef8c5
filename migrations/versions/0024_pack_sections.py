"""Provider pack sections kept out with a reason; destination detail.

Placeholder: filled in by the work that owns it.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
