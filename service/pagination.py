"""One page of a long list: its rows, which page it is, and how many there are in all.

Why one module: the lists an LA officer opens hold thousands of rows (pupils, the decisions waiting for them, their
schools' placements), so each shows one page at a time; the page arithmetic and the links under each table must
agree everywhere, and a stale link past the end shows the last page rather than an empty one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

#: Rows on one page, unless a list says otherwise.
PER_PAGE = 50

Row = TypeVar("Row")


def last_page(total: int, per_page: int = PER_PAGE) -> int:
    """The number of the last page (1 for an empty list: the page that says there is nothing)."""
    return max(1, math.ceil(total / per_page))


def page_number(requested: int, total: int, per_page: int = PER_PAGE) -> int:
    """The page to show: the one asked for, kept between the first and the last."""
    return min(max(1, requested), last_page(total, per_page))


@dataclass(frozen=True)
class Page(Generic[Row]):
    """The rows of page ``number`` of a list of ``total`` rows."""

    rows: list[Row]
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return last_page(self.total, self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
