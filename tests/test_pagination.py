"""Page arithmetic every long list shares: a link past the end shows the last page, an empty list one page."""

from __future__ import annotations

import pytest

from service.pagination import Page, last_page, page_number


@pytest.mark.parametrize(
    ("requested", "total", "per_page", "shown", "pages"),
    [
        (1, 0, 50, 1, 1),  # nothing yet: one page that says so
        (3, 0, 50, 1, 1),
        (1, 50, 50, 1, 1),  # exactly one full page
        (2, 51, 50, 2, 2),  # one row over starts a second page
        (9, 101, 50, 3, 3),  # a stale link past the end shows the last page
        (0, 101, 50, 1, 3),
        (-4, 101, 50, 1, 3),
        (2, 15, 5, 2, 3),
    ],
)
def test_the_page_shown_and_the_number_of_pages(requested, total, per_page, shown, pages):
    assert page_number(requested, total, per_page) == shown
    assert last_page(total, per_page) == pages
    page = Page([], shown, total, per_page)
    assert page.pages == pages
    assert page.has_previous is (shown > 1)
    assert page.has_next is (shown < pages)
