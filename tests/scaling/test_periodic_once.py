"""Two ``apdocs worker`` processes share one Redis queue, and each runs Huey's scheduler: a periodic task (here one
that runs every minute under a ``lock=``, as the pack sending and the alerts do) must run once a minute, not once
per worker; and a lock whose holder was killed mid-run must free itself. The real Huey scheduler and worker code
against a real Redis server; the two consumers are two Huey instances on the same queue, as two processes are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from huey import Huey, crontab
from huey.consumer import Scheduler
from huey.exceptions import TaskLockedException

from service import queue as queue_module
from service.queue import build_huey
from tests.queue.processes import wait_for

pytestmark = pytest.mark.redis


def _consumer(url: str, runs: list[str], who: str) -> Huey:
    """One worker's Huey instance, with a periodic task under a lock, as ``periodic_app_task(..., lock=…)``."""
    huey = build_huey(url)

    @huey.periodic_task(crontab(minute="*"), name="probe")
    @huey.lock_task("probe")
    def probe() -> None:
        runs.append(who)

    return huey


def _run_queue(*consumers: Huey) -> None:
    """Each worker takes what is queued, in turn, until the queue is empty."""
    while True:
        taken = False
        for huey in consumers:
            task = huey.dequeue()
            if task is not None:
                taken = True
                huey.execute(task)
        if not taken:
            return


def _schedulers(*consumers: Huey) -> list[Callable[[datetime], None]]:
    return [Scheduler(huey, interval=1, periodic=True).enqueue_periodic_tasks for huey in consumers]


def test_a_periodic_task_runs_once_a_minute_however_many_workers_share_the_queue(redis_url):  # type: ignore[no-untyped-def]
    runs: list[str] = []
    first, second = _consumer(redis_url, runs, "first"), _consumer(redis_url, runs, "second")
    check_first, check_second = _schedulers(first, second)

    # Each worker's scheduler looks once a minute, at the second its worker started.
    check_first(datetime(2026, 12, 7, 9, 15, 7))
    check_second(datetime(2026, 12, 7, 9, 15, 43))
    _run_queue(first, second)
    assert len(runs) == 1, f"the 9:15 run happened {len(runs)} times: {runs}"

    check_first(datetime(2026, 12, 7, 9, 16, 7))
    check_second(datetime(2026, 12, 7, 9, 16, 43))
    _run_queue(second, first)
    assert len(runs) == 2, "9:16 is another minute: it runs again, once"


def test_a_lock_left_by_a_killed_worker_frees_itself(redis_url, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(queue_module, "TASK_LOCK_S", 1)
    huey = build_huey(redis_url)
    lock = huey.lock_task("send-due-provider-packs")
    lock.__enter__()  # the worker running the task is killed here: nothing ever releases its lock
    assert lock.is_locked()
    ran: list[bool] = []
    locked_task = lock(lambda: ran.append(True))
    with pytest.raises(TaskLockedException):
        locked_task()  # while its holder might still be running, the next run is refused

    def runs_again() -> bool:
        try:
            locked_task()
        except TaskLockedException:
            return False
        return True

    assert wait_for(runs_again, 30), "the task's lock never freed itself: the task would never run again"
    assert ran == [True] and not lock.is_locked()
