"""A clock the session tests can move: no sleeping, no reaching into how or where a session is stored."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest


class Clock:
    """``time.time()`` as the service sees it, moved forward by the test.

    The session cookie's signature, the CSRF token and the session limits all read ``time.time()``, so moving it
    moves them together, as hours passing would.
    """

    def __init__(self) -> None:
        self._real = time.time
        self.offset = 0.0

    def __call__(self) -> float:
        return self._real() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def set_offset(self, seconds: float) -> None:
        self.offset = seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    moved = Clock()
    monkeypatch.setattr(time, "time", moved)
    yield moved
