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


def test_admins_and_viewers_see_no_provider(admin, viewer, provider):
    assert _names(admin) == []
    assert _names(viewer) == []
    assert catalogue.get_provider_for(viewer, provider.id) is None


def test_only_commissioners_can_create_or_update(provider_user, admin, provider):
    for user in (provider_user, admin):
        with pytest.raises(catalogue.ProviderError):
            catalogue.create_provider(user, catalogue.ProviderDetails(name="Self-listed"))
        with pytest.raises(catalogue.ProviderError):
            catalogue.update_provider(user, provider, catalogue.ProviderDetails(name="Renamed"))
    assert provider.name == "Horizon Skills CIC"


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
