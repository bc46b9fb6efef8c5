"""Issue 20's form fixes as a person meets them in a real browser: "Add another objective" (or intervention) puts
focus in the new row rather than at the top of the page; a review sent empty names the objective each message is
about, each linking to its box; an absence decision is confirmed with the date as every page writes it and the
code's meaning. The demo's Amara Nwosu (AP-4) has a draft plan, Riley Thompson (AP-6) is due a review and Ellie
Whitfield (AP-1) has absences to decide. Adding a row and sending a form empty save nothing; one of Ellie's
absences is decided."""

from __future__ import annotations

import pytest

from tests.browser.pages import DESKTOP, PHONE

DRAFT = 4  # Amara Nwosu at Horizon Skills CIC (service.demo)
UNDER_REVIEW = 6  # Riley Thompson at Oak Tree Tutoring Ltd
UNDECIDED = 1  # Ellie Whitfield at Horizon Skills CIC: absences in her register still to decide


def focused_id(browser) -> str:  # type: ignore[no-untyped-def]
    return browser.driver.execute_script("return document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize(
    ("step", "button", "new_box"),
    [
        ("objectives", "Add another objective", "objectives-1-area"),
        ("interventions", "Add another intervention", "interventions-1-intervention_type"),
    ],
)
def test_adding_a_row_puts_focus_in_the_new_row(open_browser, width: int, step: str, button: str, new_box: str) -> None:
    senco = open_browser("senco", width)
    senco.go(f"/placements/{DRAFT}/plan/{step}")
    add = senco.driver.find_element("css selector", f"main [name='add_{step[:-1]}']")
    assert add.get_attribute("value") == button or add.text == button
    senco.click(add)
    assert focused_id(senco) == new_box, f"focus is on {focused_id(senco)!r}, not the new row's first box"
    on_screen = senco.driver.execute_script(
        "const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;"
    )
    assert on_screen, "the new row's first box is not in view"


def test_a_review_sent_empty_names_the_objective_of_each_message(open_browser) -> None:
    senco = open_browser("senco")
    senco.go(f"/placements/{UNDER_REVIEW}/reviews/new")
    senco.click(senco.submit_button())
    links = senco.find_all(".govuk-error-summary__list a")
    about_objectives = [a for a in links if "progress-" in (a.get_attribute("href") or "")]
    assert about_objectives, [a.text for a in links]
    assert all(a.text.startswith("Objective ") for a in about_objectives), [a.text for a in about_objectives]
    assert len({a.text for a in links}) == len(links), "the same message is listed twice"
    target = about_objectives[0].get_attribute("href").split("#", 1)[1]
    senco.click(about_objectives[0], check=False)
    assert focused_id(senco) == target or senco.driver.execute_script(
        f"return document.activeElement.closest('fieldset') === document.getElementById('{target}')"
        f" || document.activeElement.name === '{target}'"
    ), f"the summary's link took focus to {focused_id(senco)!r}, not {target!r}"


def test_an_absence_decision_is_confirmed_with_the_house_date_and_the_codes_meaning(open_browser) -> None:
    from selenium.webdriver.support.ui import Select

    senco = open_browser("senco")
    senco.go(f"/placements/{UNDECIDED}/attendance")
    decisions = senco.find_all("main form[action$='/decision']")
    assert decisions, "the demo's register has no absence to decide"
    heading = decisions[0].find_element("css selector", "h3").text  # "Tuesday 24 November 2026, morning"
    day, session = heading.rsplit(", ", 1)
    Select(decisions[0].find_element("css selector", "select[name=code]")).select_by_value("I")
    senco.click(decisions[0].find_element("css selector", "button"))
    assert f"The {session} absence on {day} is recorded as I (illness)." in senco.text(), senco.text()
