"""The real-browser suite: a real `apdocs serve` (web process and its worker) on loopback, loaded with the demo, and
one headless Debian Chromium per role, driven by Selenium through Debian's chromedriver (no browser download).

Every page a test reaches goes through ``Browser.check`` (``tests.browser.pages``): axe-core's WCAG 2.0-2.2 A and AA
rules, and at 390 px a page no wider than the window. A failing test leaves a screenshot of each browser it used
under ``output/browser-failures/`` (nothing is saved when it passes).

Run alone with ``make test-browser``. Without chromium or chromedriver the tests are skipped on a developer's
machine and fail with ``CI=true`` (``tests.helpers.require``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.pages import AXE_JS, Browser
from tests.helpers import require
from tests.mail.conftest import free_port
from tests.queue.processes import stop_process
from tests.server.conftest import poll

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
BIN = Path(sys.executable).parent
FAILURES = REPO_ROOT / "output" / "browser-failures"

#: The demo's sign-ins (``service.demo.world.DEMO_ACCOUNTS``), by the role a test asks for.
ACCOUNTS = {
    "senco": "senco@northbridge.example",
    "officer": "officer@westshire.example",
    "provider": "staff@horizon.example",
    "governor": "governor@northbridge.example",
    "admin": "admin@northbridge.example",
}


def _missing() -> str:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        return "the browser tests need Debian's chromium and chromium-driver (scripts/system-packages.sh test)"
    if not AXE_JS.exists():
        return "the browser tests need axe-core (npm ci)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the browser tests need selenium (pip install -e '.[test]')"
    return ""


@dataclass
class Live:
    """The running service: its address, its environment (for CLI commands on the same data) and its output folder."""

    url: str
    env: dict[str, str]
    output_dir: Path
    log_path: Path

    def emails(self) -> list[Path]:
        """The delivered emails (no mail server: ``.eml`` files under the output folder's ``mail/``), oldest first."""
        return sorted((self.output_dir / "mail").glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def live() -> Iterator[Live]:
    """`apdocs init`, `apdocs demo` and `apdocs serve` (with its worker) on a SQLite file, a queue file of its own."""
    require(_missing())

    scratch = Path(tempfile.mkdtemp(prefix="apdocs-browser-"))
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("APDOCS_")}  # nothing of the tests
    env.update(
        {
            "TMPDIR": str(scratch),
            "APDOCS_INSTANCE_DIR": str(scratch / "instance"),
            "APDOCS_OUTPUT_DIR": str(scratch / "output"),
            "APDOCS_DATABASE_URL": f"sqlite:///{scratch / 'apdocs.sqlite3'}",
            "APDOCS_QUEUE_URL": f"sqlite:///{scratch / 'queue.sqlite3'}",
            "APDOCS_SECRET_KEY": "browser-test-secret-key-not-for-production",
            "APDOCS_COOKIE_SECURE": "0",  # plain HTTP on loopback
            "APDOCS_HOST": "127.0.0.1",
            "APDOCS_PORT": str(port),
            "APDOCS_BASE_URL": f"http://127.0.0.1:{port}",
            "APDOCS_LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    apdocs = str(BIN / "apdocs")
    for args in (["init"], ["demo", "--i-know-this-is-not-live"]):
        subprocess.run([apdocs, *args], env=env, check=True, capture_output=True, cwd=REPO_ROOT, timeout=600)  # noqa: S603
    log_path = scratch / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - this virtualenv's apdocs
            [apdocs, "serve"], env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    server = Live(f"http://127.0.0.1:{port}", env, scratch / "output", log_path)

    def answers() -> bool:
        assert process.poll() is None, f"apdocs serve stopped: {server.log()[-3000:]}"
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:  # noqa: S310 - loopback
                return response.status == 200
        except OSError:
            return False

    poll(answers, "apdocs serve to answer")
    try:
        yield server
    finally:
        stop_process(process, signal.SIGTERM, 60)
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def browsers(live: Live) -> Iterator[dict[str, Browser]]:
    """One browser per role (and per fresh profile a test asks for), started when first needed, shared by every test."""
    started: dict[str, Browser] = {}
    yield started
    for browser in started.values():
        browser.quit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def open_browser(request: pytest.FixtureRequest, live: Live, browsers: dict[str, Browser]) -> Iterator[object]:
    """``open_browser(role, width)``: the role's browser, signed in, at ``width`` px; a screenshot of each one used
    is saved under ``output/browser-failures/`` when the test fails."""
    used: list[Browser] = []

    def open_for(role: str, width: int = 1280) -> Browser:
        browser = browsers.get(role)
        if browser is None:
            browser = Browser.start(live.url, CHROMIUM, CHROMEDRIVER)
            browsers[role] = browser
            if role in ACCOUNTS:
                from service.demo.world import DEMO_PASSWORD

                browser.resize(width)
                browser.sign_in(ACCOUNTS[role], DEMO_PASSWORD)
        browser.resize(width)
        used.append(browser)
        return browser

    yield open_for
    if request.node.stash.get(_FAILED, False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        for index, browser in enumerate(used):
            browser.screenshot(FAILURES / f"{request.node.name}-{index}.png")
