"""Sign-in attempts are counted across web processes when the counters are in Redis
(``APDOCS_RATELIMIT_STORAGE_URL=redis://…``): someone guessing a password gains nothing by being answered by another
process. Two web servers (gunicorn, a process each, on two loopback addresses), one Redis, one database; wrong
passwords alternate between them. Two ``create_app`` calls in this test's process would not show it: Flask-Limiter
keeps one storage per ``Limiter``, which both apps would share, so they would agree whatever the setting."""

from __future__ import annotations

import pytest

from tests import factories
from tests.scaling.processes import Browser, scaled_env
from tests.server.conftest import free_port

pytestmark = pytest.mark.redis

LIMIT = 3


def _servers(app, tmp_path, processes, redis_url):  # type: ignore[no-untyped-def]
    env = scaled_env(
        app.config["SQLALCHEMY_DATABASE_URI"], redis_url, tmp_path, APDOCS_LOGIN_RATE_LIMIT=f"{LIMIT} per hour"
    )
    browsers = []
    for n in range(2):
        port = free_port()
        processes.gunicorn(env, tmp_path / f"web-{n}.log", port, processes=1)
        browsers.append(Browser(f"http://127.0.0.1:{port}"))
    return browsers


def test_sign_in_attempts_through_two_web_processes_share_one_limit(app, tmp_path, processes, redis_url, commissioner):  # type: ignore[no-untyped-def]
    first, second = _servers(app, tmp_path, processes, redis_url)
    for attempt in range(LIMIT):
        answer = (first, second)[attempt % 2].sign_in(commissioner.email, "not the password")
        assert answer.status == 200 and "Enter a correct email address and password" in answer.text

    # The next attempt goes to the process that saw fewer of them: the limit is reached all the same.
    next_server = (first, second)[LIMIT % 2]
    refused = next_server.sign_in(commissioner.email, "not the password")
    assert refused.status == 429, f"attempt {LIMIT + 1} was answered {refused.status}: each process counted alone"
    # Even the right password waits now, on either process.
    for browser in (first, second):
        assert browser.sign_in(commissioner.email, factories.TEST_PASSWORD).status == 429
