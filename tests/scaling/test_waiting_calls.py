"""What the sweep asks a Redis queue before it queues a document again (``service.queue.waiting_calls``): the calls
of a task waiting in the queue's list and in its schedule (a retry's delay), on a real Redis server. The SQLite file
and memory are covered in ``tests/documents/test_recovery_lost_job.py``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.documents import jobs
from service.queue import build_huey, waiting_calls

pytestmark = pytest.mark.redis


def test_the_calls_waiting_in_a_redis_queue_and_its_schedule_are_read_and_a_taken_one_is_not(redis_url):  # type: ignore[no-untyped-def]
    queue = build_huey(redis_url)
    queue._registry.register(jobs.produce_document.task_class)  # noqa: SLF001 - as a worker process registers it
    queue._registry.register(jobs.recover_stalled_documents.task_class)  # noqa: SLF001
    queue.enqueue(jobs.produce_document.s(7))
    queue.enqueue(jobs.produce_document.s(8))
    queue.enqueue(jobs.recover_stalled_documents.s())  # another task: not counted
    retry = jobs.produce_document.s(9)
    retry.eta = queue._get_timestamp() + timedelta(seconds=60)  # noqa: SLF001 - the queue's own clock
    queue.add_schedule(retry)
    assert sorted(waiting_calls(jobs.produce_document, queue)) == [(7,), (8,), (9,)]

    taken = queue.dequeue()  # a worker takes the oldest call, and dies with it
    assert taken.args == (7,)
    assert sorted(waiting_calls(jobs.produce_document, queue)) == [(8,), (9,)]
