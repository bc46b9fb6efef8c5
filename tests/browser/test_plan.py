"""A draft placement's AP Support Plan written through the real controls, in a real browser: each of the eight
parts first sent empty (its errors shown, and checked by axe), then filled in; the plan checked and agreed; the
plan's document Ready on the placement page without a reload. The demo's placement of Amara Nwosu (AP-4) is a draft
with no plan started."""

from __future__ import annotations

from datetime import date, timedelta

from tests.browser.pages import Browser

DRAFT = 4  # Amara Nwosu at Horizon Skills CIC, Fridays 12:30-15:00, starting in the new year (service.demo)


def type_into(browser: Browser, name: str, value: str) -> None:
    element = browser.find(f"[name='{name}']")
    element.clear()
    element.send_keys(value)


def type_date(browser: Browser, name: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        type_into(browser, f"{name}-{part}", str(value))


def choose(browser: Browser, name: str, value: str) -> None:
    browser.click(browser.find(f"input[name='{name}'][value='{value}']"), check=False)


def select(browser: Browser, name: str, index: int = 1) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find(f"select[name='{name}']")).select_by_index(index)


def save_and_continue(browser: Browser, part: str) -> None:
    browser.click(browser.find("main button[name='save_continue'][value='y']"))
    summary = browser.find_all(".govuk-error-summary")
    assert not summary, f"{part}: {summary[0].text}"


def test_a_draft_plan_written_part_by_part_then_agreed_and_made(open_browser) -> None:
    senco = open_browser("senco")
    today = date.today()
    senco.go(f"/placements/{DRAFT}/plan")

    # Each part sent empty shows its errors (axe runs on the page that shows them).
    for part in ("meeting", "need", "arrangements"):
        senco.go(f"/placements/{DRAFT}/plan/{part}")
        senco.click(senco.find("main button[name='save_continue'][value='y']"))
        assert senco.find_all(".govuk-error-summary"), f"{part}: sent empty, no error summary"
        assert senco.driver.title.startswith("Error:"), senco.driver.title

    senco.go(f"/placements/{DRAFT}/plan/meeting")
    type_date(senco, "planning_meeting_date", today)
    type_into(senco, "school_rep", "Sam Okafor, SENCO")
    save_and_continue(senco, "meeting")

    senco.go(f"/placements/{DRAFT}/plan/pupil")
    senco.click(senco.find("input[name='pupil_details_confirmed']"), check=False)
    save_and_continue(senco, "pupil")

    senco.go(f"/placements/{DRAFT}/plan/views")
    type_into(senco, "child_views", "Amara wants to try construction and likes working with her hands.")
    type_into(senco, "parental_views", "Grace supports a taster afternoon each week.")
    save_and_continue(senco, "views")

    senco.go(f"/placements/{DRAFT}/plan/need")
    type_into(senco, "academic_progress", "Working at expected levels in maths; disengaged in practical subjects.")
    type_into(senco, "risks", "None identified")
    choose(senco, "risks_identified", "no")
    choose(senco, "separate_risk_assessment", "no")
    type_date(senco, "joint_risk_assessment_date", today)
    type_into(senco, "joint_risk_assessment_by", "Sam Okafor and Pat Quinn")
    choose(senco, "joint_risk_assessment_attached", "no")
    type_date(senco, "health_safety_check_date", today)
    choose(senco, "health_safety_outcome", "satisfactory")
    save_and_continue(senco, "need")

    senco.go(f"/placements/{DRAFT}/plan/outcomes")
    for name in ("attendance", "attitude", "attainment", "behaviour", "destination"):
        type_into(senco, f"outcome_{name}", f"The {name} Amara and we are aiming for.")
    save_and_continue(senco, "outcomes")

    senco.go(f"/placements/{DRAFT}/plan/objectives")
    select(senco, "objectives-0-area")
    type_into(senco, "objectives-0-objective", "Complete the construction taster units.")
    type_into(senco, "objectives-0-baseline", "No units completed.")
    type_into(senco, "objectives-0-target", "Two units by the first review.")
    type_into(senco, "objectives-0-measure", "The provider's unit log.")
    type_date(senco, "objectives-0-due_by", today + timedelta(days=90))
    save_and_continue(senco, "objectives")

    senco.go(f"/placements/{DRAFT}/plan/interventions")
    type_into(senco, "interventions-0-intervention_type", "Construction taster")
    choose(senco, "part_time_reason", "school_other_days")
    type_into(senco, "part_time_detail", "Amara is at school for the rest of the week.")
    type_date(senco, "parents_consulted_on", today)
    type_into(senco, "parents_consulted_with", "Grace Nwosu, by Sam Okafor")
    save_and_continue(senco, "interventions")

    senco.go(f"/placements/{DRAFT}/plan/arrangements")
    type_into(senco, "school_links", "Weekly call from the SENCO; Amara stays in her tutor group.")
    type_date(senco, "review_date", today + timedelta(days=60))
    type_date(senco, "planned_end", today + timedelta(days=180))
    choose(senco, "off_site_direction", "no")
    save_and_continue(senco, "arrangements")

    senco.go(f"/placements/{DRAFT}/plan")
    assert "You have completed 8 of 8 parts" in senco.text(), senco.text()
    senco.click(senco.link("Check answers and agree"))
    assert "Must be resolved" not in senco.text()
    senco.click(senco.button("Agree the plan and produce it"))
    senco.mark_page()
    assert senco.path.startswith(f"/placements/{DRAFT}"), senco.path
    senco.wait_for(lambda: senco.find_all("[data-document-links] a"), "the agreed plan's PDF link")
    assert senco.not_reloaded(), "the page reloaded"
    senco.check()
