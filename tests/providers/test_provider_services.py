"""The catalogue's service layer on its own: who sees which providers, and the rules it keeps for every caller."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.providers import services as catalogue
from service.providers.models import ApprovalCriterion


def _names(user) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in db.session.scalars(catalogue.visible_providers(user)))


def test_commissioners_see_every_provider(commissioner, other_commissioner, provider, other_provider):
    assert _names(commissioner) == ["Horizon Skills CIC", "Riverside Learning Centre"]
    assert _names(other_commissioner) == ["Horizon Skills CIC", "Riverside Learning Centre"]


def test_provider_staff_see_only_their_organisations_provider(provider_user, provider, other_provider):
    assert _names(provider_user) == ["Horizon Skills CIC"]
    assert catalogue.get_provider_for(provider_user, provider.id) is provider
    assert catalogue.get_provider_for(provider_user, other_provider.id) is None


def test_viewers_see_no_provider_and_admins_read_the_catalogue(admin, viewer, provider):
    assert _names(admin) == ["Horizon Skills CIC"]
    assert _names(viewer) == []
    assert catalogue.get_provider_for(viewer, provider.id) is None


def test_provider_staff_and_viewers_cannot_add_providers(provider_user, viewer):
    for user in (provider_user, viewer):
        with pytest.raises(catalogue.ProviderError):
            catalogue.create_provider(user, catalogue.ProviderDetails(name="Self-listed"))


def test_only_the_owning_organisations_commissioners_and_admins_change_an_entry(
    commissioner, admin, other_commissioner, provider_user, provider
):
    """The entry belongs to the organisation that added it; everyone else gets a refusal, whatever their role."""
    own = catalogue.create_provider(admin, catalogue.ProviderDetails(name="Added by the admin"))
    assert own.owner_organisation_id == admin.organisation_id
    catalogue.update_provider(commissioner, own, catalogue.ProviderDetails(name="Renamed by our SENCO"))
    for user in (other_commissioner, provider_user):
        with pytest.raises(PermissionError):
            catalogue.update_provider(user, own, catalogue.ProviderDetails(name="Hijacked"))
    with pytest.raises(PermissionError):  # no owner recorded: nobody changes it
        catalogue.update_provider(commissioner, provider, catalogue.ProviderDetails(name="Renamed"))
    assert (own.name, provider.name) == ("Renamed by our SENCO", "Horizon Skills CIC")


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        pytest.param({"name": "  "}, "name", "Enter the provider's name", id="blank-name"),
        pytest.param({"dfe_registered": True}, "urn", "Enter the provider's URN", id="registered-without-urn"),
        pytest.param({"dfe_registered": True, "urn": "12"}, "urn", "Enter a URN of 6 or 7 digits", id="short-urn"),
        pytest.param({"ukprn": "99999999"}, "ukprn", "Enter a UKPRN of 8 digits starting with 1, like 10012345"),
        pytest.param(
            {"vetting_confirmed": True},
            "vetting_confirmed_on",
            "Enter the date the provider confirmed staff vetting",
            id="vetting-without-date",
        ),
    ],
)
def test_service_keeps_the_rules_for_every_caller(commissioner, details, field, message):
    with pytest.raises(catalogue.ProviderError) as raised:
        catalogue.create_provider(commissioner, catalogue.ProviderDetails(**{"name": "Anyone", **details}))
    assert (raised.value.field, raised.value.message) == (field, message)


def test_every_criterion_is_recorded_in_order_even_when_only_some_are_given(commissioner, db_session):
    given = [catalogue.CriterionDetails(ApprovalCriterion.RECORD_KEEPING, met=True, evidence_date=date(2025, 1, 6))]
    provider = catalogue.create_provider(
        commissioner,
        catalogue.ProviderDetails(name="Partial", criteria=given, dfe_registered=False, urn="123456"),
    )
    assert [c.criterion for c in provider.criteria] == list(ApprovalCriterion)
    assert [c.met for c in provider.criteria] == [False] * 6 + [True]
    assert provider.urn is None  # only a registered school keeps a URN
    count = db_session.scalar(sa.select(sa.func.count()).select_from(type(provider.criteria[0])))
    assert count == len(ApprovalCriterion)
