"""One person's headless Chromium (Selenium, Debian's chromium and chromedriver), and the checks every page gets.

``Browser.check`` runs axe-core (``node_modules/axe-core/axe.min.js``, injected into the page) with the WCAG 2.0, 2.1
and 2.2 A and AA rules and fails on any violation, naming the rule and the elements; at 390 px it also fails when the
page is wider than the window (the page itself must never scroll sideways).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's tags for the WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = 390
DESKTOP = 1280
#: Generous: the worker makes PDFs with LibreOffice and the suite may share 2 cores with other runs.
WAIT_S = 120.0

T = TypeVar("T")


class PageProblem(AssertionError):
    """A page that fails axe or is wider than the window."""


class Browser:
    """A signed-in person's browser: its own profile (cookies), its own window width."""

    def __init__(self, driver: Any, base_url: str, profile: Path) -> None:
        self.driver = driver
        self.base_url = base_url
        self.profile = profile
        self.width = DESKTOP
        self._axe: str | None = None

    @classmethod
    def start(cls, base_url: str, chromium: str, chromedriver: str) -> Browser:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        profile = Path(tempfile.mkdtemp(prefix="apdocs-chromium-"))
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1280,900",
            "--lang=en-GB",
        ):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"download.default_directory": str(profile / "downloads")})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
        driver.set_page_load_timeout(WAIT_S)
        return cls(driver, base_url, profile)

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # -- the window -------------------------------------------------------------------------------------------
    def resize(self, width: int) -> None:
        """The viewport ``width`` px wide: 1280 a desktop, 390 a phone (device metrics, so the page sees a phone)."""
        self.width = width
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900 if width > PHONE else 844, "deviceScaleFactor": 1, "mobile": width <= PHONE},
        )

    def screenshot(self, path: Path) -> None:
        with contextlib.suppress(Exception):  # a browser already gone is not worth a second failure
            self.driver.save_screenshot(str(path))

    # -- moving about -----------------------------------------------------------------------------------------
    def go(self, path: str, check: bool = True) -> None:
        self.driver.get(self.base_url + path if path.startswith("/") else path)
        if check:
            self.check()

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base_url)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "main") -> str:
        return self.find(css).text

    def link(self, text: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.PARTIAL_LINK_TEXT, text)

    def button(self, text: str) -> Any:
        from selenium.webdriver.common.by import By

        buttons = self.driver.find_elements(By.XPATH, f"//button[normalize-space()={json.dumps(text)}]")
        shown = [b for b in buttons if b.get_attribute("aria-hidden") != "true"]  # not a form's hidden default
        assert shown, f"no button {text!r} on {self.path}"
        return shown[0]

    def submit_button(self) -> Any:
        """The main form's own submit button (not the hidden default button a form with several puts first)."""
        buttons = [
            b for b in self.find_all("main form button[type=submit]") if b.get_attribute("aria-hidden") != "true"
        ]
        assert buttons, f"no submit button on {self.path}"
        return buttons[-1]

    def field(self, label: str) -> Any:
        """The input, select or textarea whose label reads ``label`` (as a person finds it)."""
        from selenium.webdriver.common.by import By

        labels = self.driver.find_elements(By.XPATH, f"//label[normalize-space()={json.dumps(label)}]")
        assert labels, f"no field labelled {label!r} on {self.path}"
        return self.driver.find_element(By.ID, labels[0].get_attribute("for"))

    def fill(self, label: str, value: str) -> None:
        element = self.field(label)
        element.clear()
        element.send_keys(value)

    def click(self, element: Any, check: bool = True) -> None:
        """Click as a person does (scrolled into view first); then check the page it leads to."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        page = self.find("html")
        element.click()
        if check:
            self.left(page)
            self.check()

    def left(self, page: Any, seconds: float = 10.0) -> None:
        """Wait until the browser has left ``page`` (its old <html>): a click returns before the next page loads, and
        the checks must not run on the page being left. A click that stays on the page waits ``seconds``."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        with contextlib.suppress(TimeoutException):
            WebDriverWait(self.driver, seconds).until(expected_conditions.staleness_of(page))

    def sign_in(self, email: str, password: str) -> None:
        self.go("/sign-in")
        self.fill("Email address", email)
        self.fill("Password", password)
        page = self.find("html")
        self.click(self.button("Sign in"), check=False)  # the landing page is checked by the test that visits it
        self.left(page)
        assert "/sign-in" not in self.path, f"sign-in as {email} failed: {self.text()[:300]}"

    def wait_for(self, probe: Callable[[], T | None], what: str, seconds: float = WAIT_S) -> T:
        """Poll the page (never reloading it) until ``probe`` gives something; fail, naming ``what``, at the end."""
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

        deadline = time.monotonic() + seconds
        while True:
            try:
                found = probe()
            except (NoSuchElementException, StaleElementReferenceException):  # the page is changing under us
                found = None
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what} on {self.path}")
            time.sleep(0.25)

    def mark_page(self) -> None:
        """Leave a mark on the page as it is now: a reload (or a new page) wipes it out (``not_reloaded``)."""
        self.driver.execute_script("window.apdocsNotReloaded = true")

    def not_reloaded(self) -> bool:
        return bool(self.driver.execute_script("return window.apdocsNotReloaded === true"))

    # -- the checks every page gets ---------------------------------------------------------------------------
    def axe_violations(self) -> list[dict[str, Any]]:
        """axe-core's violations of the WCAG 2.0-2.2 A and AA rules on the page as it is now."""
        if self._axe is None:
            self._axe = AXE_JS.read_text()
        self.wait_for(lambda: self.driver.execute_script("return document.readyState") == "complete", "the page")
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            if (typeof window.axe === "undefined") (0, eval)(arguments[1]);
            axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
              .then((results) => done(results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ":"
                  + n.failureSummary.split("\\n").slice(1, 2).join(""))
              }))))
              .catch((error) => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
            """,
            WCAG_TAGS,
            self._axe,
        )
        return list(result)

    def overflow(self) -> int:
        """How many px the page is wider than the window (0 when it fits)."""
        # Not window.innerWidth: on an emulated phone the layout viewport grows to fit a page that is too wide.
        return int(
            self.driver.execute_script(
                "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                " - document.documentElement.clientWidth"
            )
        )

    def problems(self) -> list[str]:
        """What is wrong with the page as it is now: each axe violation, and a page wider than the window (at 390 px
        a table running off a phone; at 1280 px the week grid's afternoon column cut off, as it was)."""
        self.driver.set_script_timeout(WAIT_S)
        found = [
            f"axe {v['id']} ({v['impact']}): {v['help']} -- " + "; ".join(v["nodes"]) for v in self.axe_violations()
        ]
        if (extra := self.overflow()) > 0:
            found.append(f"the page is {extra}px wider than the {self.width}px window")
        return found

    def check(self) -> None:
        """Fail when the page has a problem (``problems``), naming the page."""
        found = self.problems()
        if found:
            raise PageProblem(f"{self.path} at {self.width}px:\n  " + "\n  ".join(found))
