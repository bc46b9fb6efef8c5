"""Provider checks that block a plan; senior leaders; recorded overrides.

Placeholder: filled in by the work that owns it.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
