"""Pages that follow work done in the background, and the dashboard's To do sections, in a real browser (issue 20,
items 1, 4 and 7). The demo's placement of Mo Al-Rashid (AP-3) is agreed, its plan agreed, nothing produced or
signed yet. Sami Okoye's (AP-11) is referred, its pack ready to send to Oak Tree Tutoring."""

from __future__ import annotations

import pytest

from tests.browser.pages import DESKTOP, PHONE, Browser

AGREED = 3  # Mo Al-Rashid at Riverside Learning Centre (service.demo)
PACK_TO_SEND = 11  # Sami Okoye at Oak Tree Tutoring Ltd


def mark_page(browser: Browser) -> None:
    """Leave a mark on the page as it is now: a reload (or a new page) wipes it out."""
    browser.driver.execute_script("window.apdocsNotReloaded = true")


def not_reloaded(browser: Browser) -> bool:
    return bool(browser.driver.execute_script("return window.apdocsNotReloaded === true"))


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_to_do_sections_name_themselves_and_control_nothing_missing(open_browser, width: int) -> None:
    """Item 4: every aria-controls on the dashboard points at an element that exists (axe's aria-valid-attr-value
    failed on each To do section), and no section's name has GOV.UK's stray " , " ("… (2) , Hide this section")."""
    senco = open_browser("senco", width)
    senco.go("/")  # axe, and at 390 px the width
    headings = senco.find_all("#to-do-list h3")
    assert headings, "the demo's dashboard has things to do"
    for element in senco.find_all("[aria-controls]"):
        target = element.get_attribute("aria-controls")
        assert senco.find_all(f"#{target}"), f"aria-controls={target!r} points at nothing"
    for element in senco.find_all("#to-do-list button, #to-do-list h3, #to-do-list section"):
        assert " , " not in (element.accessible_name or ""), element.accessible_name


def test_the_plan_becomes_ready_and_the_sealed_plan_appears_without_a_reload(open_browser) -> None:
    """Item 1: after the last in-person signature the signatures page follows the seal as it is made, and shows the
    sealed PDF's link without a reload; its status never reads "Waiting to start" (read as the placement's start)."""
    senco = open_browser("senco")
    senco.go(f"/placements/{AGREED}")
    senco.click(senco.button("Produce the AP Support Plan"))
    mark_page(senco)
    senco.wait_for(lambda: senco.find_all("[data-document-links] a"), "the plan's PDF link")
    assert not_reloaded(senco)
    senco.check()

    senco.go(f"/placements/{AGREED}/signatures")
    for row in range(3):  # the parent, the school and the provider, all in person on this device
        senco.click(senco.find(f"#signers-{row}-method-2"), check=False)
    senco.click(senco.button("Ask for signatures"))
    for _ in range(3):
        senco.click(senco.link("Sign now, in person"))
        name = senco.find("main .govuk-caption-l").text.split(",")[0]
        senco.fill("Or type your full name to sign", name)
        senco.click(senco.find("#read_confirmed"), check=False)
        senco.click(senco.button("Sign the plan"), check=False)
        if not senco.path.endswith("/signatures"):
            senco.check()
            senco.go(f"/placements/{AGREED}/signatures")
    assert senco.path.endswith(f"/placements/{AGREED}/signatures"), senco.path
    mark_page(senco)
    status = senco.find("main [data-document-status]").text if senco.find_all("main [data-document-status]") else ""
    assert "Waiting to start" not in senco.text(), senco.text()
    senco.wait_for(lambda: senco.find_all("main a[href$='/pdf']"), f"the sealed PDF's link (status {status!r})")
    assert "Download the sealed PDF" in senco.text()
    assert not_reloaded(senco), "the page reloaded"
    senco.check()


def test_the_pack_page_follows_its_email_through_the_outbox(open_browser) -> None:
    """Item 7: after "Send the pack now" the preview follows the pack's email (Waiting to send, Sending, Sent) without
    a reload, as a document's status does; it stayed at "Waiting to send" for good before."""
    senco = open_browser("senco")
    senco.go(f"/placements/{PACK_TO_SEND}/provider-pack/preview")
    senco.click(senco.button("Send the pack now"))
    mark_page(senco)
    status = "main .govuk-summary-list--no-border"  # the pack's tag, send date and latest email
    senco.wait_for(lambda: senco.find(f"{status} .govuk-tag").text == "Sent", "the pack's tag to read Sent")
    assert not_reloaded(senco), "the page reloaded"
    assert "Sent," in senco.find(status).text
    senco.check()
