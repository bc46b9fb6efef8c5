"""The register code the school records for a pupil attending off-site alternative provision.

Why: under the School Attendance (Pupil Registration) (England) Regulations 2024 a pupil at AP the school
arranged is recorded as attending an approved educational activity (``B``); provision the local
authority arranged is ``K``. Both count as present, so the provider's twice-daily report is what makes
the school's register true: the pack tells the provider which code the school will use.
"""

from __future__ import annotations

from service.organisations.models import OrganisationKind

MEANINGS = {
    "B": "B — attending an approved educational activity arranged by the school (counts as present)",
    "K": "K — attending education provision arranged by the local authority (counts as present)",
}


def off_site_register_code(commissioned_by: OrganisationKind) -> str:
    return "K" if commissioned_by is OrganisationKind.LOCAL_AUTHORITY else "B"
