"""Each form sent empty shows its errors as GOV.UK asks (an error summary, "Error:" in the title), and the page with
them passes axe at 1280 and 390 px. The longer forms (the plan's parts, a review, the signing forms) are sent empty
in the journeys that fill them in."""

from __future__ import annotations

import pytest

from tests.browser.pages import DESKTOP, PHONE

FORMS = [
    ("senco", "/pupils/new"),
    ("senco", "/placements/new"),
    ("provider", "/attendance/closures/new"),
    ("admin", "/users/new"),
    ("visitor", "/verify"),
]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize(("role", "path"), FORMS, ids=[f"{role}{path}" for role, path in FORMS])
def test_the_form_sent_empty_shows_its_errors(open_browser, role: str, path: str, width: int) -> None:
    browser = open_browser(role, width)
    browser.go(path)
    browser.click(browser.submit_button())  # axe on the page with its errors
    assert browser.find_all(".govuk-error-summary"), f"{path}: no error summary"
    assert browser.driver.title.startswith("Error:"), browser.driver.title
