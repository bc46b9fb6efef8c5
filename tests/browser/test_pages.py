"""Every role's pages, as the demo leaves them, at a desktop's 1280 px and a phone's 390 px: each passes axe-core's
WCAG 2.0-2.2 A and AA rules, and on the phone no page is wider than the window (before the tables stacked or
scrolled in their own region, eleven of these ran off a 390 px screen: the register by 402 px, users by 324 px)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.pages import DESKTOP, PHONE

MONDAY = (date.today() - timedelta(days=date.today().weekday())).isoformat()  # this week's register

#: (role, path) for every page a role reaches from its navigation and dashboard.
PAGES = [
    ("senco", "/"),
    ("senco", "/pupils"),
    ("senco", "/pupils/3"),
    ("senco", "/pupils/new"),
    ("senco", "/exclusions"),
    ("senco", "/providers"),
    ("senco", "/summary"),
    ("senco", "/outbox"),
    ("senco", "/outbox/7"),
    ("senco", "/placements"),
    ("senco", "/placements/new"),
    ("senco", "/placements/6"),
    ("senco", "/placements/6/attendance"),
    ("senco", "/placements/1/plan"),
    ("senco", "/placements/6/signatures"),
    ("senco", "/placements/6/provider-pack"),
    ("senco", "/placements/6/reviews/new"),
    ("officer", "/"),
    ("officer", "/decisions"),
    ("officer", "/local-authority/placements"),
    ("officer", "/placements/8"),
    ("officer", "/pupils/11"),
    ("provider", "/"),
    ("provider", "/providers"),
    ("provider", "/placements/1"),
    ("provider", f"/placements/1/attendance/week/{MONDAY}"),
    ("senco", f"/placements/1/attendance/week/{MONDAY}"),
    ("visitor", "/sign-in"),
    ("visitor", "/verify"),
    ("provider", "/placements/1/progress-reports/2026-autumn/edit"),
    ("provider", "/attendance/closures/new"),
    ("governor", "/"),
    ("governor", "/summary"),
    ("admin", "/"),
    ("admin", "/users"),
    ("admin", "/templates"),
    ("admin", "/term-dates"),
    ("admin", "/organisation"),
    ("admin", "/audit"),
]


def cases() -> list[object]:
    found = []
    for role, path in PAGES:
        for width in (DESKTOP, PHONE):
            found.append(pytest.param(role, path, width, id=f"{role}{path}@{width}"))
    return found


@pytest.mark.parametrize(("role", "path", "width"), cases())
def test_the_page_passes_axe_and_fits_the_window(open_browser, role: str, path: str, width: int) -> None:
    browser = open_browser(role, width)
    browser.go(path, check=False)
    assert role == "visitor" or "/sign-in" not in browser.path, f"{role} was sent to sign in from {path}"
    assert "You cannot see this page" not in browser.text(), f"{role} may not open {path}"
    browser.check()
