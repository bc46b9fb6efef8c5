"""Fixtures for the provider catalogue: a complete form submission and fully compliant provider records."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    OfstedGrade,
    Provider,
    ProviderContact,
    ProviderCriterion,
    ProviderSite,
    QaOutcome,
)
from tests import factories
from tests.helpers import date_fields

# Far enough from today that the form's "not in the future" check and the warnings' date edges never flicker.
TODAY = date.today()
RECENT = TODAY - timedelta(days=100)
NEXT_YEAR = TODAY + timedelta(days=200)


def _date(name: str, day: date) -> dict[str, str]:
    return date_fields(name, day.day, day.month, day.year)


def complete_form(**overrides: Any) -> dict[str, Any]:
    """Every field of the provider form filled in for a fully compliant provider, as a browser would post it.

    Pass ``field=None`` to leave a field out of the post, or a new value to change it.
    """
    fields: dict[str, Any] = {
        "name": "Horizon Skills CIC",
        "address": "Unit 4, Canal Side Works\r\nWestshire",
        "postcode": "WS1 4HX",
        "phone": "01632 960111",
        "email": "office@horizon.example",
        "dfe_registered": "yes",
        "urn": "123456",
        "ukprn": "10012345",
        "ofsted_grade": "good",
        **_date("ofsted_date", RECENT),
        "approved_list_status": "approved",
        "dsl_name": "Marie Dubois",
        "dsl_phone": "01632 960112",
        **_date("dsl_training_date", RECENT),
        "deputy_dsl_name": "Owen Price",
        "deputy_dsl_phone": "01632 960113",
        **_date("deputy_dsl_training_date", RECENT),
        "vetting_confirmed": "yes",
        **_date("vetting_confirmed_on", RECENT),
        **_date("insurance_expiry", NEXT_YEAR),
        "qa_outcome": "satisfactory",
        **_date("qa_date", RECENT),
        "services_offered": "Vocational courses",
        "subjects_offered": "Functional skills English and maths",
        "hours_available_per_week": "25",
        "availability_notes": "Monday to Friday, 9:00 to 15:00",
        "sites-0-name": "Canal Side Works",
        "sites-0-address": "Unit 4, Canal Side Works",
        "sites-0-postcode": "WS1 4HX",
        "contacts-0-name": "Pat Quinn",
        "contacts-0-role": "Placements coordinator",
        "contacts-0-phone": "01632 960114",
        "contacts-0-email": "placements@horizon.example",
        "contacts-0-is_placement_contact": "y",
    }
    for index, _criterion in enumerate(ApprovalCriterion):
        fields[f"criteria-{index}-met"] = "yes"
        fields.update(_date(f"criteria-{index}-evidence_date", RECENT))
        fields[f"criteria-{index}-notes"] = ""
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


@pytest.fixture
def provider_form() -> Callable[..., dict[str, Any]]:
    return complete_form


def compliant_fields(on: date = TODAY) -> dict[str, Any]:
    """Model values for a provider with nothing to warn about on day ``on``."""
    recent = on - timedelta(days=100)
    return {
        "dfe_registered": True,
        "urn": "654321",
        "ukprn": None,
        "ofsted_grade": OfstedGrade.GOOD,
        "ofsted_date": recent,
        "approved_list_status": ApprovedListStatus.APPROVED,
        "criteria": [ProviderCriterion(criterion=c, met=True, evidence_date=recent) for c in ApprovalCriterion],
        "dsl_name": "Marie Dubois",
        "dsl_phone": "01632 960112",
        "dsl_training_date": recent,
        "deputy_dsl_name": "Owen Price",
        "deputy_dsl_phone": "01632 960113",
        "deputy_dsl_training_date": recent,
        "vetting_confirmed": True,
        "vetting_confirmed_on": recent,
        "insurance_expiry": on + timedelta(days=200),
        "qa_outcome": QaOutcome.SATISFACTORY,
        "qa_date": recent,
        "hours_available_per_week": Decimal("25"),
        "sites": [ProviderSite(name="Canal Side Works", address="Unit 4", postcode="WS1 4HX")],
        "contacts": [ProviderContact(name="Pat Quinn", role="Coordinator", is_placement_contact=True)],
    }


@pytest.fixture
def make_compliant() -> Callable[..., Provider]:
    """A fully compliant provider that is not saved (for the pure warning rules)."""

    def make(on: date = TODAY, **overrides: Any) -> Provider:
        return Provider(name="Compliant Provider", **{**compliant_fields(on), **overrides})

    return make


@pytest.fixture
def compliant_provider(school):  # type: ignore[no-untyped-def]
    """A fully compliant provider in the catalogue, run by its own provider organisation; its catalogue entry is
    managed by the school (the commissioner's organisation)."""
    return factories.ProviderFactory(name="Oak Tree Tutoring Ltd", owner_organisation=school, **compliant_fields())


@pytest.fixture
def other_provider(db_session):  # type: ignore[no-untyped-def]
    """A provider belonging to a different provider organisation from ``provider_user``'s."""
    return factories.ProviderFactory(name="Riverside Learning Centre", **{**compliant_fields(), "urn": "765432"})


def field_error(body: str, field_id: str) -> str | None:
    """The error message shown next to one field (GOV.UK puts it in ``<p id="FIELD-error">``), as plain text."""
    match = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', body, re.S)
    if match is None:
        return None
    plain = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
    return " ".join(plain.split()).removeprefix("Error: ")


def summary_links(body: str) -> list[str]:
    """The targets of the links in the error summary at the top of the page."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return re.findall(r'href="#([^"]+)"', summary.group(0)) if summary else []


@pytest.fixture
def error_for() -> Callable[[str, str], str | None]:
    return field_error


@pytest.fixture
def error_summary() -> Callable[[str], list[str]]:
    return summary_links
