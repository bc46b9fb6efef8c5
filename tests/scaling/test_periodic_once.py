"""Two ``apdocs worker`` processes share one Redis queue, and each runs Huey's scheduler: a periodic task (here one
that runs every minute under a ``lock=``, as the pack sending and the alerts do) must run once a minute, not once
per worker; and a lock whose holder was killed mid-run must free itself. The real Huey scheduler and worker code
against a real Redis server: two Huey instances on the same queue, as two processes are, at chosen times; then two
real ``apdocs worker`` processes, whose schedulers' own log says what each enqueued."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import pytest
from huey import Huey, crontab
from huey.consumer import Scheduler
from huey.exceptions import TaskLockedException

from service import queue as queue_module
from service.queue import build_huey
from tests.queue.processes import wait_for
from tests.scaling.processes import scaled_env
from tests.server.conftest import poll

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


_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d):\d\d,\d+ \w+ huey\.consumer\.Scheduler (.*)$", re.MULTILINE)
_EVERY_MINUTE = "service.mail.jobs.deliver_due_messages"  # a real periodic job, due every minute


def _minutes(log: str) -> tuple[set[str], Counter[str]]:
    """The minutes in which this worker's scheduler looked for periodic jobs, and how often it enqueued the
    every-minute one in each."""
    checked: set[str] = set()
    enqueued: Counter[str] = Counter()
    for minute, message in _LOG_LINE.findall(log):
        if message.startswith("Checking periodic tasks"):
            checked.add(minute)
        elif message.startswith(f"Enqueueing periodic task {_EVERY_MINUTE}:"):
            enqueued[minute] += 1
    return checked, enqueued


def test_two_real_workers_on_redis_enqueue_each_periodic_job_once_a_minute(app, tmp_path, processes, redis_url):  # type: ignore[no-untyped-def]
    env = scaled_env(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, tmp_path, APDOCS_LOG_LEVEL="DEBUG")
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    for log in logs:
        processes.worker(env, log)

    def a_minute_both_checked() -> set[str] | None:
        first, second = (_minutes(log.read_text(errors="replace"))[0] for log in logs)
        return (first & second) or None

    shared = poll(a_minute_both_checked, "a minute in which both workers' schedulers looked for periodic jobs")
    enqueued = sum((_minutes(log.read_text(errors="replace"))[1] for log in logs), Counter())
    assert shared
    for minute in shared:
        assert enqueued[minute] == 1, f"{_EVERY_MINUTE} was enqueued {enqueued[minute]} times at {minute}"
