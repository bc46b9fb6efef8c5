"""Fixtures for the pupil tests: a valid form submission, pupils in two schools, and page-reading helpers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from service.pupils.models import Pupil
from tests import factories
from tests.helpers import date_fields
from tests.helpers import text as page_text

FIRST_UPN = "F931200124001"
SECOND_UPN = "V931200124002"


@pytest.fixture
def pupil_fields(school) -> Callable[..., dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Everything the pupil form needs for a valid pupil, with any field overridden."""

    def build(**overrides: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "legal_first_name": "Jamie",
            "legal_last_name": "Rivers",
            "preferred_name": "",
            **date_fields("date_of_birth", 23, 9, 2012),
            "upn": "",
            "school_id": str(school.id),
            "sen_status": "sen_support",
            "looked_after": "no",
            "fsm_eligible": "yes",
            "safeguarding_status": "early_help",
            "year_group_override": "",
        }
        fields.update(overrides)
        return fields

    return build


@pytest.fixture
def pupil(school):  # type: ignore[no-untyped-def]
    """A pupil of the commissioner's school, with one parent."""
    record = factories.PupilFactory(
        organisation=school,
        legal_first_name="Morgan",
        legal_last_name="Ashdown",
        date_of_birth=date(2010, 5, 4),
        upn=FIRST_UPN,
    )
    factories.ParentCarerFactory(pupil=record, name="Robin Ashdown", relationship_to_pupil="Father")
    return record


@pytest.fixture
def other_pupil(other_school):  # type: ignore[no-untyped-def]
    """A pupil of another school, whom the commissioner must never see."""
    return factories.PupilFactory(
        organisation=other_school, legal_first_name="Quinn", legal_last_name="Elsewhere", upn=SECOND_UPN
    )


@pytest.fixture
def pupil_count(db_session) -> Callable[[], int]:  # type: ignore[no-untyped-def]
    return lambda: db_session.scalar(sa.select(sa.func.count()).select_from(Pupil))


@pytest.fixture
def error_next_to() -> Callable[[Any, str], str]:
    """The GOV.UK error message shown next to the field with this id ("" when there is none)."""

    def find(response: Any, field_id: str) -> str:
        body = page_text(response)
        match = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', body, re.S)
        if not match:
            return ""
        return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()

    return find


@pytest.fixture
def input_value() -> Callable[[Any, str], str | None]:
    """The value of the text input with this name as the page shows it, unescaped (None when absent)."""

    def find(response: Any, name: str) -> str | None:
        body = page_text(response)
        for tag in re.findall(r"<input[^>]*>", body):
            if f'name="{name}"' in tag:
                value = re.search(r'value="([^"]*)"', tag)
                return html.unescape(value.group(1)) if value else ""
        textarea = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', body, re.S)
        if textarea:
            return html.unescape(textarea.group(1)).strip("\n")
        return None

    return find


@pytest.fixture
def checked_value() -> Callable[[Any, str], str | None]:
    """The value of the checked radio with this name, or None."""

    def find(response: Any, name: str) -> str | None:
        for tag in re.findall(r"<input[^>]*>", page_text(response)):
            if f'name="{name}"' in tag and "checked" in tag:
                value = re.search(r'value="([^"]*)"', tag)
                return value.group(1) if value else None
        return None

    return find
