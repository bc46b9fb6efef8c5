"""Monitoring a placement in a real browser: the provider marks a week's attendance, the SENCO records a review (its
errors shown first) and the review record is made without a reload, and the sign-in form shows its errors. The
demo's Ellie Whitfield (AP-1) is active at Horizon Skills; Riley Thompson (AP-6) is under review at Oak Tree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.pages import DESKTOP, PHONE
from tests.browser.test_plan import choose, type_date, type_into

ACTIVE = 1  # Ellie Whitfield at Horizon Skills CIC, marked by the provider's staff
UNDER_REVIEW = 6  # Riley Thompson at Oak Tree Tutoring Ltd, its review due


def this_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday())


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_provider_marks_a_week(open_browser, width: int) -> None:
    from selenium.webdriver.support.ui import Select

    provider = open_browser("provider", width)
    provider.go(f"/placements/{ACTIVE}")
    provider.click(provider.link("Record this week's attendance"), check=False)  # the grid: test_pages, item 5
    marked = 0
    for element in provider.find_all("main select"):
        choice = Select(element)
        if not choice.first_selected_option.get_attribute("value"):
            choice.select_by_index(1)  # present, morning or afternoon
            marked += 1
    provider.click(provider.find("main form button[type=submit]"))
    assert not provider.find_all(".govuk-error-summary"), provider.text()
    assert marked == 0 or "saved" in provider.text().lower() or "recorded" in provider.text().lower(), provider.text()


def test_a_review_is_recorded_and_its_record_made(open_browser) -> None:
    senco = open_browser("senco")
    senco.go(f"/placements/{UNDER_REVIEW}/reviews/new")
    senco.click(senco.submit_button())
    assert senco.find_all(".govuk-error-summary"), "a review sent empty shows no error summary"
    assert senco.driver.title.startswith("Error:"), senco.driver.title

    today = date.today()
    type_date(senco, "meeting_date", today)
    type_into(senco, "present", "Sam Okafor (SENCO), Hannah Reid (Oak Tree), Riley and his dad")
    type_into(senco, "pupil_views", "Riley likes the small groups.")
    type_into(senco, "parent_views", "Riley's dad sees him calmer at home.")
    type_into(senco, "notes", "Good start; keep the same plan.")
    for row in range(len(senco.find_all("textarea[name$='-evidence']"))):
        choose(senco, f"progress-{row}-rating", "some")
        type_into(senco, f"progress-{row}-evidence", "The provider's weekly log.")
    choose(senco, "extension_agreed", "no")
    type_date(senco, "next_review_date", today + timedelta(days=42))
    senco.click(senco.submit_button())
    assert not senco.find_all(".govuk-error-summary"), senco.text()
    senco.mark_page()
    senco.wait_for(lambda: senco.find_all("[data-document-links] a"), "the review record's PDF link")
    assert senco.not_reloaded(), "the page reloaded"
    senco.check()


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_sign_in_form_shows_its_errors(open_browser, width: int) -> None:
    visitor = open_browser(f"visitor-{width}", width)
    visitor.go("/sign-in")
    visitor.click(visitor.button("Sign in"))
    assert visitor.find_all(".govuk-error-summary"), visitor.text()
    assert visitor.driver.title.startswith("Error:"), visitor.driver.title
