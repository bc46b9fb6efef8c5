"""The plan signed, in a real browser: the SENCO produces the plan (Ready without a reload) and asks for signatures;
the parent opens the link from the delivered `.eml` on a phone, in a fresh profile, enters the code from the next
`.eml` and draws a signature with the mouse; the school and the provider sign in person on the SENCO's device; the
sealed plan appears on the signatures page without a reload (issue 20 item 1), and verifies, while a changed copy
does not. The demo's placement of Mo Al-Rashid (AP-3) is agreed, its plan agreed, nothing produced or signed yet."""

from __future__ import annotations

import base64
import email
import email.policy
import re
from pathlib import Path

from tests.browser.pages import PHONE, Browser

AGREED = 3  # Mo Al-Rashid at Riverside Learning Centre (service.demo)
PARENT_EMAIL = "aisha.parent@example.com"


def email_to(live, address: str, after: int) -> str:  # type: ignore[no-untyped-def]
    """The text of the newest delivered email to ``address`` among those after the first ``after``."""
    for path in reversed(live.emails()[after:]):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    return ""


def fetch_pdf(browser: Browser, href: str) -> bytes:
    """The PDF behind a link, fetched by the page itself (its cookies): what the person would download."""
    encoded = browser.driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: "same-origin"}).then((r) => r.arrayBuffer()).then((buffer) => {
          let text = ""; new Uint8Array(buffer).forEach((byte) => { text += String.fromCharCode(byte); });
          done(btoa(text));
        });
        """,
        href,
    )
    return base64.b64decode(encoded)


def draw_signature(browser: Browser) -> None:
    """A squiggle on the signature box with the mouse, as a person draws."""
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = browser.find("canvas")
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    actions = ActionChains(browser.driver).move_to_element_with_offset(canvas, -60, 5).click_and_hold()
    for dx, dy in ((20, -15), (20, 25), (20, -20), (20, 15), (20, -10)):
        actions.move_by_offset(dx, dy)
    actions.release().perform()


def test_the_plan_is_signed_by_link_and_in_person_and_the_sealed_plan_appears(open_browser, live, tmp_path) -> None:  # type: ignore[no-untyped-def]
    senco = open_browser("senco")
    senco.go(f"/placements/{AGREED}")
    senco.click(senco.button("Produce the AP Support Plan"))
    senco.mark_page()
    senco.wait_for(lambda: senco.find_all("[data-document-links] a"), "the plan's PDF link")
    assert senco.not_reloaded(), "the placement page reloaded"
    senco.check()

    senco.go(f"/placements/{AGREED}/signatures")
    senco.find("#signers-0-email").send_keys(PARENT_EMAIL)  # the parent by email link (the default)
    for row in (1, 2):  # the school and the provider in person, on this device
        senco.click(senco.find(f"#signers-{row}-method-2"), check=False)
    emails_before = len(live.emails())
    senco.click(senco.button("Ask for signatures"))

    # The parent, on a phone, in a browser that has never seen apdocs: the link from the email.
    invitation = senco.wait_for(lambda: email_to(live, PARENT_EMAIL, emails_before), "the parent's email")
    link = re.search(r"https?://\S+/sign/[\w-]+", invitation)
    assert link, invitation
    parent = open_browser("parent", PHONE)
    parent.go(link.group(0))
    emails_before = len(live.emails())
    parent.click(parent.button("Email me a code"))
    code_email = parent.wait_for(lambda: email_to(live, PARENT_EMAIL, emails_before), "the code's email")
    code = re.search(r"\b(\d{6})\b", code_email)
    assert code, code_email
    parent.fill("Code", code.group(1))
    parent.click(parent.button("Continue"))
    draw_signature(parent)
    parent.click(parent.find("#read_confirmed"), check=False)
    parent.click(parent.button("Sign the plan"))
    assert "signed" in parent.text().lower(), parent.text()

    # The school and the provider sign in person on the SENCO's device; the last signature seals the plan.
    senco.go(f"/placements/{AGREED}/signatures")
    for _ in range(2):
        senco.click(senco.link("Sign now, in person"))
        senco.fill("Or type your full name to sign", senco.find("main .govuk-caption-l").text.split(",")[0])
        senco.click(senco.find("#read_confirmed"), check=False)
        senco.click(senco.button("Sign the plan"), check=False)
        if not senco.path.endswith("/signatures"):
            senco.check()
            senco.go(f"/placements/{AGREED}/signatures")
    senco.check()
    senco.mark_page()
    assert "Waiting to start" not in senco.text(), "a queued seal reads as if the placement had not started"
    sealed = senco.wait_for(
        lambda: [a for a in senco.find_all("main a") if a.text == "Download the sealed PDF"], "the sealed PDF's link"
    )[0]
    assert senco.not_reloaded(), "the signatures page reloaded"
    senco.check()
    # Everyone has signed: no second round is offered (item 8).
    assert "The plan is signed" in senco.text(), senco.text()
    assert not [b for b in senco.find_all("main button") if b.text == "Ask for signatures"], "a second round offered"

    # Anyone can check the sealed plan; a changed copy is caught.
    pdf = fetch_pdf(senco, sealed.get_attribute("href"))
    assert pdf.startswith(b"%PDF")
    original = tmp_path / "signed-plan.pdf"
    original.write_bytes(pdf)
    changed = tmp_path / "changed-plan.pdf"
    at = pdf.index(b"Mo Al-Rashid") if b"Mo Al-Rashid" in pdf else len(pdf) // 2
    changed.write_bytes(pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1 :])
    verifier = open_browser("verifier", PHONE)
    results = {}
    for copy in (original, changed):
        verifier.go("/verify")
        verifier.find("input[type=file]").send_keys(str(Path(copy)))
        verifier.click(verifier.button("Check it"))
        results[copy.name] = verifier.text()
    assert "This signed plan is genuine and unchanged" in results["signed-plan.pdf"], results["signed-plan.pdf"]
    # The seal's certificate named as people read it, not "Common Name: …, Organization: …" (item 10).
    assert "Common Name" not in results["signed-plan.pdf"] and "Organization:" not in results["signed-plan.pdf"]
    assert "Do not rely on this document" in results["changed-plan.pdf"], results["changed-plan.pdf"]
