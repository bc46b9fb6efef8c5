"""Redis on loopback (``scripts/with-redis.sh``, as ``make test`` runs the suite) for the scaled-out tests, and the
real processes they start: gunicorn web processes, ``apdocs worker`` processes, a browser that talks HTTP to them.
The topology test reuses these (``tests/scaling/processes.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from tests.helpers import require
from tests.mail.conftest import smtp_server  # noqa: F401 - a real SMTP server on loopback
from tests.provider_packs.conftest import contact, placement  # noqa: F401 - a placement ready for its pack
from tests.scaling.processes import Processes


@pytest.fixture
def redis_url() -> Iterator[str]:
    """``APDOCS_TEST_REDIS_URL`` (a throwaway server from ``scripts/with-redis.sh``), emptied before and after.

    No server: skipped with what to run, or failed under ``CI=true``, like PostgreSQL."""
    url = os.environ.get("APDOCS_TEST_REDIS_URL", "")
    require("" if url else "no Redis server: run the test under scripts/with-redis.sh (make test does)")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as error:  # a configured server that is down is a failure, never a skip
        pytest.fail(f"APDOCS_TEST_REDIS_URL does not answer: {type(error).__name__}", pytrace=False)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def processes() -> Iterator[Processes]:
    """Real processes started by the test, all stopped (with their children) when it ends."""
    started = Processes()
    try:
        yield started
    finally:
        started.stop_all()
