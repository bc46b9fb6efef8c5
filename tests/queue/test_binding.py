"""The queue is bound to the app by the app factory, like any extension, and refuses an app meant for another."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.app import create_app, queue
from service.settings import Settings


def test_an_app_configured_for_another_queue_is_refused(base_settings: Settings) -> None:
    """Its jobs would go where none of its workers look: better not to start."""
    with pytest.raises(RuntimeError, match="queue_url"):
        create_app(replace(base_settings, queue_url="redis://elsewhere.example:6379/0"))


def test_the_factory_binds_the_app_its_tasks_run_in(app) -> None:  # type: ignore[no-untyped-def]
    assert queue.queue.app is app
    assert app.extensions["apdocs_queue"] is queue.queue
