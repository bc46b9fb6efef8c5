"""The signing forms with their errors shown, in a real browser: "Ask for signatures" with a parent's email missing,
and "I do not want to sign" with no reason. Both must show an error summary and "Error:" in the title (both showed
neither before). Riley Thompson's placement (AP-6) in the demo has an agreed plan with no PDF yet."""

from __future__ import annotations

from tests.browser.pages import Browser

PLAN_NOT_MADE = 6  # Riley Thompson at Oak Tree Tutoring Ltd (service.demo)


def shows_errors(browser: Browser, what: str) -> None:
    assert browser.find_all(".govuk-error-summary"), f"{what}: no error summary"
    assert browser.driver.title.startswith("Error:"), f"{what}: the title is {browser.driver.title!r}"


def test_asking_for_signatures_without_the_parents_email_shows_the_error(open_browser) -> None:
    senco = open_browser("senco")
    senco.go(f"/placements/{PLAN_NOT_MADE}")
    senco.click(senco.button("Produce the AP Support Plan"))

    def ready_to_sign() -> list[object]:
        # The placement page's first PDF link may be an earlier review record's: ask the signatures page itself.
        senco.go(f"/placements/{PLAN_NOT_MADE}/signatures", check=False)
        return senco.find_all("#signers-0-email")

    senco.wait_for(ready_to_sign, "the plan's PDF, ready to be signed")
    senco.check()
    senco.find("#signers-0-email").clear()  # the parent signs by link: the address is needed
    senco.click(senco.button("Ask for signatures"))
    assert senco.find_all("#signers-0-email"), "the form was accepted without the parent's email"
    shows_errors(senco, "Ask for signatures")


def test_declining_without_a_reason_shows_the_error(open_browser) -> None:
    senco = open_browser("senco")
    senco.go(f"/placements/{PLAN_NOT_MADE}/signatures")
    if not senco.find_all("main a[href*='/in-person']") and not senco.find_all("main a[href*='in_person']"):
        for row in range(3):
            senco.click(senco.find(f"#signers-{row}-method-2"), check=False)
        senco.click(senco.button("Ask for signatures"))
    senco.click(senco.link("Sign now, in person"))
    senco.click(senco.find("details summary"), check=False)
    senco.click(senco.button("Decline to sign"))
    shows_errors(senco, "I do not want to sign")
