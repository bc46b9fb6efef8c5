"""Locust's users for ``make load`` (``bench/load/run.py`` starts Locust with this file): commissioners and provider
staff, each signed in to an account of their own, taking the journeys of ``bench/load/journeys.py`` with their
weights, and thinking between them.

Only a thin layer: the journeys themselves (and what they check) live in ``bench/load/journeys.py``, which the tests
run without Locust (``tests/load``). Each request is also written as one JSON line to ``APDOCS_LOAD_RESULTS`` when set,
so the run's own figures (``bench/load/run.py``) are computed from every answer, not from Locust's rounded
histograms. Environment: ``APDOCS_LOAD_USERS`` (how many people in all, split by ``journeys.split``) and
``APDOCS_LOAD_PASSWORD`` (the accounts' password, ``bench/load/accounts.py``).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gevent  # noqa: E402 - after the path to bench.load
from locust import HttpUser, between, events  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

from bench.load import journeys  # noqa: E402

COMMISSIONERS, PROVIDERS = journeys.split(int(os.environ.get("APDOCS_LOAD_USERS", "50")))
PASSWORD = os.environ.get("APDOCS_LOAD_PASSWORD", "")
#: A person reads a page, types, thinks: seconds between two journeys.
THINK_S = (3, 10)
#: How long the run lasts once everyone has signed in (Locust's own ``--run-time`` is only a safety net).
RUN_SECONDS = float(os.environ.get("APDOCS_LOAD_SECONDS", "120"))

_results = open(os.environ["APDOCS_LOAD_RESULTS"], "a", buffering=1) if os.environ.get("APDOCS_LOAD_RESULTS") else None  # noqa: SIM115 - open for the whole run


_environment: Environment | None = None
_arrived = 0


@events.init.add_listener
def _init(environment: Environment, **_: Any) -> None:
    global _environment
    _environment = environment


def _arrive() -> None:
    """One more person has tried to sign in. Once all have, the measured run starts: it lasts ``RUN_SECONDS``, so
    that it measures everyone at work and not the sign-ins (whose password check is slow by design)."""
    global _arrived
    _arrived += 1
    if _arrived == COMMISSIONERS + PROVIDERS:
        _mark("everyone signed in")
        assert _environment is not None and _environment.runner is not None
        gevent.spawn_later(RUN_SECONDS, _environment.runner.quit)


def _mark(name: str) -> None:
    if _results is not None:
        _results.write(json.dumps({"at": time.time(), "type": "MARK", "name": name, "ms": 0}) + "\n")


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any = None, **_: Any) -> None:
    if _results is not None:
        line = {"at": time.time(), "type": request_type, "name": name, "ms": response_time}
        if exception is not None:
            line["error"] = str(exception)[:200]
        _results.write(json.dumps(line) + "\n")


class _Counted(journeys.JourneyError):
    """A request that failed and was already counted as such: the journey stops, nothing more to count."""


class LocustBrowser:
    """``journeys.Client`` over Locust's session: each request timed and counted under its page's name (redirects
    followed, as a browser does, inside the same figure); 400 and above, or no answer, is a failure."""

    def __init__(self, user: HttpUser) -> None:
        self.session = user.client

    def get(self, path: str, *, name: str) -> journeys.Page:
        return self._send("GET", path, name)

    def post(self, path: str, fields: list[tuple[str, str]], *, name: str) -> journeys.Page:
        return self._send("POST", path, name, data=fields)

    def _send(self, method: str, path: str, name: str, **kwargs: Any) -> journeys.Page:
        with self.session.request(method, path, name=name, catch_response=True, **kwargs) as response:
            failed = not response.status_code or response.status_code >= 400
            if failed:
                # No answer at all (status 0): say why (the connection's error), without the address it was for.
                error = getattr(response, "error", None)  # only a request that met no answer has one
                why = f" ({type(error).__name__}: {str(error)[:120]})" if error else ""
                response.failure(f"HTTP {response.status_code} at {name}{why if not response.status_code else ''}")
            else:
                response.success()
        if failed:
            raise _Counted(f"HTTP {response.status_code} at {name}")
        return journeys.Page(response.status_code, response.url or path, response.text or "", bool(response.history))


def _task(journey: journeys.Journey) -> Any:
    def run(user: _Person) -> None:
        user.take(journey)

    run.__name__ = journey.__name__
    return run


class _Person(HttpUser):
    abstract = True
    wait_time = between(*THINK_S)
    _numbers: itertools.count[int]

    def who(self, number: int) -> journeys.Person:
        raise NotImplementedError

    def on_start(self) -> None:
        self.person = self.who(next(self._numbers))
        self.browser = LocustBrowser(self)
        signed_in = self.take(journeys.sign_in)
        _arrive()
        if not signed_in:
            raise StopUser()

    def take(self, journey: Any) -> bool:
        """Take one journey; a check that failed is counted as a failure of the journey itself."""
        try:
            journey(self.browser, self.person)
        except _Counted:
            return False
        except journeys.JourneyError as error:
            self.environment.events.request.fire(
                request_type="JOURNEY",
                name=journey.__name__,
                response_time=0,
                response_length=0,
                response=None,
                context={},
                exception=error,
            )
            return False
        return True


class Commissioner(_Person):
    fixed_count = COMMISSIONERS
    _numbers = itertools.count()

    def who(self, number: int) -> journeys.Person:
        return journeys.commissioner(number, COMMISSIONERS, PASSWORD)

    tasks = {_task(journey): weight for journey, weight in journeys.COMMISSIONER_JOURNEYS.items()}


class ProviderStaff(_Person):
    fixed_count = PROVIDERS
    _numbers = itertools.count()

    def who(self, number: int) -> journeys.Person:
        return journeys.provider_staff(number, PROVIDERS, PASSWORD)

    tasks = {_task(journey): weight for journey, weight in journeys.PROVIDER_JOURNEYS.items()}
