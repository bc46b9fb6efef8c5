"""The kinds of organisation that use apdocs.

Why here: the statutory rules differ by who commissions (a school or a local authority: the register code,
the census, who decides), so the rules need the kinds without importing the database models.
"""

from __future__ import annotations

import enum


class OrganisationKind(enum.StrEnum):
    SCHOOL = "school"
    LOCAL_AUTHORITY = "local_authority"
    PROVIDER = "provider"

    @property
    def label(self) -> str:
        return {"school": "School", "local_authority": "Local authority team", "provider": "Provider"}[self.value]
