"""Helpers for functional tests that submit the real forms, CSRF token included."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from werkzeug.test import TestResponse

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(page: TestResponse) -> str:
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def form_data(page: TestResponse, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields to post, with the CSRF token from the page that showed the form."""
    return {"csrf_token": csrf_token(page), **fields}


def date_fields(name: str, day: int | str, month: int | str, year: int | str) -> dict[str, str]:
    """The three GOV.UK date boxes of one date field."""
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def require(missing: str) -> None:
    """Stop a test whose real dependency (LibreOffice, PostgreSQL, an SMTP server, pdfsig) is not there.

    On a developer's machine the test is skipped with what to install; with ``CI=true`` it fails, so CI never
    passes a test it did not run. Does nothing when ``missing`` is empty.
    """
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {missing}", pytrace=False)
    pytest.skip(missing)
