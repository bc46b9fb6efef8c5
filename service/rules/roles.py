"""The roles a user can hold.

Why here: who may do what is a rule of the service (least privilege: an admin manages accounts, not pupils),
and the access checks, the models and the statutory rules all need the same list without importing each other.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a user may do. One role per user; least privilege, so an admin manages accounts, not pupils."""

    ADMIN = "admin"
    COMMISSIONER = "commissioner"
    PROVIDER_STAFF = "provider_staff"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return {
            "admin": "Administrator",
            "commissioner": "Commissioner (SENCO or LA officer)",
            "provider_staff": "Provider staff",
            "viewer": "Viewer (summaries only)",
        }[self.value]
