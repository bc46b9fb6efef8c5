"""The provider pack's page following its email, and the dashboard's To do sections, in a real browser (issue 20,
items 7 and 4; item 1, the sealed plan appearing, is pinned by test_signing.py). Sami Okoye's placement in the demo
(AP-11) is referred, its pack ready to send to Oak Tree Tutoring."""

from __future__ import annotations

import pytest

from tests.browser.pages import DESKTOP, PHONE

PACK_TO_SEND = 11  # Sami Okoye at Oak Tree Tutoring Ltd


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


def test_the_pack_page_follows_its_email_through_the_outbox(open_browser) -> None:
    """Item 7: after "Send the pack now" the preview follows the pack's email (Waiting to send, Sending, Sent) without
    a reload, as a document's status does; it stayed at "Waiting to send" for good before."""
    senco = open_browser("senco")
    senco.go(f"/placements/{PACK_TO_SEND}/provider-pack/preview")
    senco.click(senco.button("Send the pack now"))
    senco.mark_page()
    status = "main .govuk-summary-list--no-border"  # the pack's tag, send date and latest email
    senco.wait_for(lambda: senco.find(f"{status} .govuk-tag").text == "Sent", "the pack's tag to read Sent")
    assert senco.not_reloaded(), "the page reloaded"
    assert "Sent," in senco.find(status).text
    senco.check()
