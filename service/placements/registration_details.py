"""A placement's register and census details: whether the pupil is dual registered at the provider, the code the
home school's register records for the sessions there, and the census reason the commissioner recorded.

Why they are asked and kept together: the 2024 registration regulations make the register code turn on dual
registration (``D`` at a pupil referral unit or AP academy where the pupil is also registered, else ``K`` for
provision the local authority arranged, ``B`` for what the school arranged: ``rules.attendance_codes``), and the
census asks for the reason for every placement from a list that depends on who arranged it (DfE, School census
guide, for a school's placements; the local authority's AP census for its own: ``rules.census``). Placements made
before either was asked have neither, so the placement page shows them with "Not recorded" and a Change link
(``update``), and the same checks apply there as on the new-placement form.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.placements.models import Placement
from service.providers.models import Provider
from service.rules.attendance_codes import MEANINGS, off_site_register_code
from service.rules.census import ApCensusReason, SchoolCensusReason
from service.rules.organisations import OrganisationKind
from service.rules.provider_pack import register_code_reason
from service.rules.roles import Role

NOT_RECORDED = "Not recorded"


class RegistrationError(FieldError):
    """A register or census answer that cannot be recorded, with the field it belongs to."""


def census_reason_choices(kind: OrganisationKind) -> list[tuple[str, str]]:
    """(value, label) for each census reason a placement arranged by an organisation of this kind may record: DfE's
    six for a school (``SchoolCensusReason``), the AP census list for a local authority (``ApCensusReason``), none
    for any other kind (which arranges no placement)."""
    if kind is OrganisationKind.SCHOOL:
        return [(reason.value, reason.label) for reason in SchoolCensusReason]
    if kind is OrganisationKind.LOCAL_AUTHORITY:
        return [(reason.value, reason.label) for reason in ApCensusReason]
    return []


def census_reason_label(kind: OrganisationKind, value: str | None) -> str:
    """The label of a recorded census reason, or "Not recorded" (older placements, or a value from another list)."""
    return dict(census_reason_choices(kind)).get(value or "", NOT_RECORDED)


def checked(
    *, kind: OrganisationKind, provider: Provider, dual_registered: bool, census_reason: str | None
) -> tuple[bool, str]:
    """The answers as they will be stored, or :class:`RegistrationError` naming the field to fix.

    Dual registration needs a provider that is a registered school (it has a URN: a pupil referral unit or an AP
    academy), since only a school keeps an admission register a pupil can be on as well as their home school's.
    The census reason must come from the list for the kind of organisation that arranged the placement."""
    if dual_registered and not (provider.urn or "").strip():
        raise RegistrationError(
            "dual_registered",
            f"{provider.name} has no URN, so the pupil cannot be dual registered there: only a registered school (a "
            "pupil referral unit or an AP academy) has an admission register. Select no, or add its URN to its "
            "catalogue record",
        )
    allowed = dict(census_reason_choices(kind))
    if not census_reason or census_reason not in allowed:
        raise RegistrationError("census_reason", "Select the reason for the placement, for the census")
    return dual_registered, census_reason


@dataclass(frozen=True)
class RegisterAndCensus:
    """What the placement page's "Register and census" summary shows."""

    dual_registered: bool
    code: str
    meaning: str  # "dual registered, attending the other school ..."
    reason: str  # why this code: "the pupil is dual registered at ..."
    census_reason: str  # its label, or "Not recorded"


def register_code(placement: Placement) -> tuple[str, str, str]:
    """The code the home school's register records for the sessions at the provider, what it means (without the
    code) and why, from the placement: for the placement page and the documents."""
    organisation = placement.commissioning_organisation
    code = off_site_register_code(organisation.kind, placement.dual_registered)
    meaning = MEANINGS[code].removeprefix(f"{code} — ")
    reason = register_code_reason(code, arranged_by=organisation.name, provider=placement.provider.name)
    return code, meaning, reason


def summary(placement: Placement) -> RegisterAndCensus:
    code, meaning, reason = register_code(placement)
    return RegisterAndCensus(
        dual_registered=placement.dual_registered,
        code=code,
        meaning=meaning,
        reason=reason,
        census_reason=census_reason_label(placement.commissioning_organisation.kind, placement.census_reason),
    )


def update(user: User, placement: Placement, *, dual_registered: bool, census_reason: str | None) -> None:
    """Record the register and census answers on a placement in any status, by a commissioner of the organisation
    that arranged it (views find the placement with ``placement_or_404``, so anyone else has had a 404 already;
    this says no again rather than trust it). Audited with the names of the fields that changed."""
    if user.role is not Role.COMMISSIONER or placement.commissioning_organisation_id != user.organisation_id:
        raise RegistrationError("census_reason", "Only the organisation that arranged the placement can change this")
    dual, reason = checked(
        kind=placement.commissioning_organisation.kind,
        provider=placement.provider,
        dual_registered=dual_registered,
        census_reason=census_reason,
    )
    # The audit names the fields changed, not their values: a census reason can say the pupil has a health need.
    changed = [
        name
        for name, old, new in (
            ("dual_registered", placement.dual_registered, dual),
            ("census_reason", placement.census_reason, reason),
        )
        if old != new
    ]
    placement.dual_registered, placement.census_reason = dual, reason
    audit.record("register_and_census", "placement", placement.id, user, {"changed": changed})
