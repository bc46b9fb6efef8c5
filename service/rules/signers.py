"""Who signs a support plan, in the words the plan and its signing pages use.

The Oxfordshire commissioning guidance's Appendix A has the plan signed by the parent or carer, the school's
representative and the provider's. Where the local authority commissioned the placement (a pupil without a school
place), its representative signs in the school's place."""

from __future__ import annotations

_LABELS = {
    "parent_carer": "Parent or carer",
    "school_representative": "School representative",
    "provider_representative": "Alternative provider representative",
    "pupil": "Pupil",
}


def signer_role_label(role: str, *, local_authority: bool) -> str:
    """The label for a signer's role (a ``SignerRole`` value) on a plan a school or, if ``local_authority``, the LA
    commissioned."""
    if local_authority and role == "school_representative":
        return "Local authority representative"
    return _LABELS[role]
