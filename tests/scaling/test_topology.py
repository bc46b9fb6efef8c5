"""The scaled-out topology, whole, on loopback (README, "Scaling out"): the test's database (PostgreSQL in make test's
second run), one Redis for the queue and the sign-in counters, an S3-compatible store (moto_server) for the generated
files, two web servers started as ``deploy/Procfile``'s ``web`` (gunicorn, one web process each, on two addresses),
two ``apdocs worker`` processes as its ``worker`` (each with its own LibreOffice pool of one), and a real SMTP server
(aiosmtpd) counting what it receives.

Two commissioners, each through their own address, as people do it in a browser: "Send the pack now" for 20
placements (20 packs, 20 emails), then "Produce" the support plan and a review's record for each (40 more documents):
60 documents and 20 emails. One worker is killed (SIGKILL) while it makes a document. Then: each request made one
document, and one file, all Ready; each email reached the SMTP server once; each periodic job was enqueued once in
every minute both workers' schedulers looked; sign-in attempts alternated between the two addresses are refused
together at the limit. And, for the periodic jobs whose time does not come during the run (the packs due at :15 each
hour, the alerts every ten minutes on school days, the reminders), two schedulers on the same Redis at each job's own
time: enqueued once.

It takes 100 to 150 s on a shared 2-core machine, on SQLite or PostgreSQL (about a minute of it the batch itself:
LibreOffice making 60 PDFs with two instances)."""

from __future__ import annotations

import re
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from huey.consumer import Scheduler

from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.extensions import db
from service.mail.models import MessageStatus, OutboxMessage
from service.queue import build_huey
from service.queue import huey as app_huey
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.queue.processes import crash, end, wait_for
from tests.scaling.processes import Browser, scaled_env
from tests.server.conftest import free_port
from tests.storage.conftest import bucket_keys, s3_server  # noqa: F401 - moto_server on loopback

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("default_templates")]

PLACEMENTS = 20  # 20 packs sent now (20 emails), 20 support plans and 20 review records: 60 documents
LIMIT = 8  # sign-in attempts per address (and per email address) per hour, counted in Redis
LEASE = {"APDOCS_LEASE_S": "12", "APDOCS_HEARTBEAT_S": "2", "APDOCS_SWEEP_INTERVAL_S": "4"}  # a quicker recovery
BATCH_S = 420  # the whole batch, killed worker included, must be done within this (a deadline, not a measurement)
IN_PROGRESS = (DocumentStatus.RENDERING, DocumentStatus.CONVERTING)
#: The jobs the issue names, as the schedulers' log names them (the every-minute ones run during the test).
EVERY_MINUTE = ("service.documents.jobs.recover_stalled_documents", "service.mail.jobs.deliver_due_messages")
NAMED_JOBS = (
    "service.provider_packs.jobs.send_due_provider_packs",
    "service.attendance.jobs.send_attendance_alerts",
    "service.reviews.jobs.send_review_reminders",
    "service.signing.jobs.send_signing_reminders",
    "service.documents.jobs.recover_stalled_documents",
)


def _placements(school, provider) -> list[int]:  # type: ignore[no-untyped-def]
    """Agreed placements at one provider (a confirmed placement contact), each with a plan, a pack and a review."""
    factories.ProviderContactFactory(provider=provider, email="placements@provider.example")
    ids = []
    for _ in range(PLACEMENTS):
        pupil = factories.PupilFactory(organisation=school)
        factories.ParentCarerFactory(pupil=pupil, name="Pat Parent", relationship_to_pupil="Mother")
        placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.AGREED)
        plan = factories.SupportPlanFactory(placement=placement)
        factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
        factories.ProviderPackFactory(placement=placement)
        factories.ReviewFactory(placement=placement, number=1)
        ids.append(placement.id)
    db.session.commit()
    return ids


def _send_pack(person: Browser, placement_id: int) -> int:
    """Preview and send, as a commissioner does: "Send the pack now"."""
    preview = person.get(f"/placements/{placement_id}/provider-pack/preview")
    form = {"csrf_token": preview.csrf_token(), "request_token": preview.request_token()}
    return person.post(f"/placements/{placement_id}/provider-pack/send", form).status


def _produce(person: Browser, placement_id: int, doc_type: DocumentType, **fields: str) -> int:
    """A "Produce" button on the placement page (a review's record names the review)."""
    page = person.get(f"/placements/{placement_id}")
    form = {"csrf_token": page.csrf_token(), "request_token": page.request_token(), "doc_type": doc_type.value}
    return person.post(f"/placements/{placement_id}/documents", {**form, **fields}).status


def _review_id(placement_id: int) -> str:
    from service.reviews.models import Review

    return str(db.session.scalar(sa.select(Review.id).where(Review.placement_id == placement_id)))


def _documents() -> list[Document]:
    db.session.expire_all()
    documents = list(db.session.scalars(sa.select(Document).order_by(Document.id)))
    db.session.commit()  # the read ends at once: the workers write on
    return documents


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    messages = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
    db.session.commit()
    return messages


def _holder_pid(claimed_by: str | None) -> int | None:
    return int(claimed_by.split(":")[1]) if claimed_by else None


_SCHEDULER = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d):\d\d,\d+ \w+ huey\.consumer\.Scheduler (.*)$", re.MULTILINE)
_ENQUEUED = re.compile(r"^Enqueueing periodic task ([\w.]+):")


def _scheduler_minutes(log: Path) -> tuple[set[str], Counter[tuple[str, str]]]:
    """The minutes in which this worker's scheduler looked for periodic jobs, and what it enqueued in each."""
    checked: set[str] = set()
    enqueued: Counter[tuple[str, str]] = Counter()
    for minute, message in _SCHEDULER.findall(log.read_text(errors="replace")):
        if message.startswith("Checking periodic tasks"):
            checked.add(minute)
        elif match := _ENQUEUED.match(message):
            enqueued[(minute, match.group(1))] += 1
    return checked, enqueued


def _kill_a_worker_mid_document(workers: dict[int, object], after: int) -> tuple[int, int, list[int]]:
    """Once ``after`` documents are ready, freeze the worker making a document (and no email: a kill mid-send makes
    an email "may have been sent", which is right but is not this test's subject), then SIGKILL it. Returns its pid,
    the document's id and its children."""
    while True:
        documents = _documents()
        making = [d for d in documents if d.status in IN_PROGRESS and _holder_pid(d.claimed_by) in workers]
        if sum(d.status is DocumentStatus.READY for d in documents) < after or not making:
            time.sleep(0.05)
            continue
        pid = _holder_pid(making[0].claimed_by)
        worker = workers[pid]  # type: ignore[index]
        worker.send_signal(signal.SIGSTOP)  # type: ignore[attr-defined]
        held = [d for d in _documents() if _holder_pid(d.claimed_by) == pid and d.status in IN_PROGRESS]
        sending = [m for m in _messages() if _holder_pid(m.claimed_by) == pid]
        if held and not sending:
            return pid, held[0].id, crash(worker)  # type: ignore[arg-type]
        worker.send_signal(signal.SIGCONT)  # type: ignore[attr-defined]
        time.sleep(0.2)


def test_sixty_documents_and_twenty_emails_once_each_through_the_whole_topology_with_a_worker_killed(  # type: ignore[no-untyped-def]
    app,
    school,
    provider,
    commissioner,
    tmp_path,
    processes,
    redis_url,
    smtp_server,
    s3_server,  # noqa: F811
):
    handler, smtp_port = smtp_server
    placement_ids = _placements(school, provider)
    second_commissioner = factories.UserFactory(organisation=school, role=factories.Role.COMMISSIONER, name="Cal Co")
    db.session.commit()
    storage_url = f"s3://{s3_server.new_bucket()}/apdocs"
    env = scaled_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        redis_url,
        tmp_path,
        APDOCS_STORAGE_URL=storage_url,
        APDOCS_S3_ENDPOINT_URL=s3_server.endpoint_url,
        APDOCS_SMTP_HOST="127.0.0.1",
        APDOCS_SMTP_PORT=str(smtp_port),
        APDOCS_SMTP_SECURITY="none",
        APDOCS_MAIL_FROM="apdocs@northbridge.example",
        APDOCS_CONVERTER_POOL_SIZE="1",
        APDOCS_LOGIN_RATE_LIMIT=f"{LIMIT} per hour",
        APDOCS_LOG_LEVEL="DEBUG",  # the schedulers' "Checking periodic tasks"
        **LEASE,
    )
    addresses = []
    for n in range(2):
        port = free_port()
        processes.gunicorn(env, tmp_path / f"web-{n}.log", port, processes=1)
        addresses.append(f"http://127.0.0.1:{port}")
    worker_logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    # Two threads each, as deployed: a job the killed worker had taken from the queue but not yet claimed is queued
    # again by the sweep once it has waited APDOCS_LOST_JOB_S and no call for it waits in the queue.
    workers = {(process := processes.worker(env, log, threads=2)).pid: process for log in worker_logs}
    killed_children: list[int] = []
    try:
        # Both schedulers look once a minute from their own start: workers started either side of a minute may not
        # look in the same minute until a minute later. The once-per-period check needs one such minute before the
        # kill, so wait for it (at most about a minute; usually there already is one).
        wait_for(lambda: bool(set.intersection(*(_scheduler_minutes(log)[0] for log in worker_logs))), 150, every=1)
        first, second = Browser(addresses[0]), Browser(addresses[1])
        assert first.sign_in(commissioner.email, factories.TEST_PASSWORD).status == 200
        assert second.sign_in(second_commissioner.email, factories.TEST_PASSWORD).status == 200
        sign_ins = 2

        # The batch: each commissioner sends half the packs, then produces a plan and a review record for each.
        people = {placement_id: (first, second)[n % 2] for n, placement_id in enumerate(placement_ids)}
        reviews = {placement_id: _review_id(placement_id) for placement_id in placement_ids}
        asks = [lambda p=p: _send_pack(people[p], p) for p in placement_ids]
        asks += [lambda p=p: _produce(people[p], p, DocumentType.SUPPORT_PLAN) for p in placement_ids]
        asks += [
            lambda p=p: _produce(people[p], p, DocumentType.REVIEW_RECORD, review_id=reviews[p]) for p in placement_ids
        ]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as browsers:
            answers = [browsers.submit(ask) for ask in asks]
            killed_pid, killed_document, killed_children = _kill_a_worker_mid_document(workers, after=10)
            ready_at_kill = sum(d.status is DocumentStatus.READY for d in _documents())
            assert [answer.result() for answer in answers] == [200] * len(asks)

        def all_done() -> bool:
            documents, messages = _documents(), _messages()
            return (
                len(documents) == 3 * PLACEMENTS
                and all(d.status is DocumentStatus.READY for d in documents)
                and len(messages) == PLACEMENTS
                and all(m.status is MessageStatus.SENT for m in messages)
            )

        wait_for(all_done, BATCH_S, every=1)
        batch_s = time.monotonic() - started
        logs = "\n".join(log.read_text(errors="replace")[-2000:] for log in worker_logs)

        # Each request made one document, Ready, with one PDF in the store; the one killed mid-way was taken
        # back and made by the other worker, once more.
        documents = _documents()
        assert Counter(d.doc_type for d in documents) == {
            DocumentType.PROVIDER_PACK: PLACEMENTS,
            DocumentType.SUPPORT_PLAN: PLACEMENTS,
            DocumentType.REVIEW_RECORD: PLACEMENTS,
        }, logs
        assert all(d.status is DocumentStatus.READY for d in documents), [(d.id, d.status, d.error) for d in documents]
        assert Counter((d.placement_id, d.doc_type) for d in documents) == {
            (p, t): 1 for p in placement_ids for t in DocumentType if t is not DocumentType.END_OF_PLACEMENT_REPORT
        }
        assert all(d.claimed_by is None and d.lease_until is None for d in documents)
        killed = next(d for d in documents if d.id == killed_document)
        assert killed.attempts == 2, "the killed attempt and the one that made it"
        assert not any(_holder_pid(d.claimed_by) == killed_pid for d in documents)
        pdfs = [key for key in bucket_keys(s3_server, storage_url) if key.endswith(".pdf")]
        assert len(pdfs) == 3 * PLACEMENTS and len({d.pdf_path for d in documents}) == 3 * PLACEMENTS
        assert sorted(pdfs) == sorted(f"apdocs/{d.pdf_path}" for d in documents)

        # Each email reached the SMTP server once: 20 received, 20 distinct Message-IDs, the outbox's own.
        messages = _messages()
        received = handler.messages()
        received_ids = [str(r.email["Message-ID"]).strip("<>") for r in received]
        assert len(received) == PLACEMENTS and len(set(received_ids)) == PLACEMENTS
        assert sorted(received_ids) == sorted(m.message_id.strip("<>") for m in messages)
        assert all(m.attempts == 1 for m in messages), [(m.id, m.attempts) for m in messages]

        # Periodic jobs: in every minute both schedulers looked, each job due then was enqueued once between them.
        (checked_1, enqueued_1), (checked_2, enqueued_2) = (_scheduler_minutes(log) for log in worker_logs)
        shared = checked_1 & checked_2
        assert shared, "no minute in which both workers' schedulers looked"
        enqueued = enqueued_1 + enqueued_2
        for minute in shared:
            at = datetime.strptime(minute, "%Y-%m-%d %H:%M")
            for task in app_huey._registry.periodic_tasks:  # noqa: SLF001 - the app's own periodic jobs
                if task.validate_datetime(at):
                    name = _full_name(task)
                    assert enqueued[(minute, name)] == 1, f"{name} was enqueued {enqueued[(minute, name)]} at {minute}"
            for name in EVERY_MINUTE:
                assert enqueued[(minute, name)] == 1, (
                    f"{name} was enqueued {enqueued[(minute, name)]} times at {minute}"
                )
        assert all(count == 1 for count in enqueued.values()), enqueued

        # Sign-in attempts, alternated between the two addresses, are counted together: refused at the limit, although
        # neither web server alone saw that many.
        guessed = factories.UserFactory(organisation=school, role=factories.Role.COMMISSIONER, name="Gus Guessed")
        db.session.commit()
        per_address = Counter({addresses[0]: 1, addresses[1]: 1})  # the two sign-ins above
        refused_at = None
        guessers = Browser(addresses[0]), Browser(addresses[1])  # signed out: a stranger at each address
        for attempt in range(sign_ins + 1, 2 * LIMIT + 2):
            browser = guessers[attempt % 2]
            answer = browser.sign_in(guessed.email, "not the password")
            if answer.status == 429:
                refused_at = attempt
                break
            assert answer.status == 200 and "Enter a correct email address and password" in answer.text
            per_address[browser.base_url] += 1
        assert refused_at == LIMIT + 1, f"refused at attempt {refused_at}: each web process counted alone"
        assert max(per_address.values()) < LIMIT
        for browser in guessers:
            assert browser.sign_in(guessed.email, factories.TEST_PASSWORD).status == 429

        assert 10 <= ready_at_kill < 3 * PLACEMENTS - 10, "the worker was killed mid-batch"
        print(
            f"\ntopology: {3 * PLACEMENTS} documents and {PLACEMENTS} emails in {batch_s:.0f} s; a worker killed with "
            f"{ready_at_kill} ready; {len(shared)} minute(s) both schedulers looked"
        )
    finally:
        end(killed_children)


def _full_name(task) -> str:  # type: ignore[no-untyped-def]
    """A periodic task's name as the schedulers' log writes it (module and function)."""
    return f"{type(task).__module__}.{type(task).__name__}"


def _first_due(task, start: datetime) -> datetime:  # type: ignore[no-untyped-def]
    at = start
    while not task.validate_datetime(at):
        at += timedelta(minutes=1)
        assert at - start < timedelta(days=8), f"{_full_name(task)} is never due"
    return at


def test_each_periodic_job_of_the_app_is_enqueued_once_at_its_time_by_two_workers_schedulers(redis_url):  # type: ignore[no-untyped-def]
    """Pack sending, alerts, reminders and the rest, at their own crontab times, through the real Redis claim."""
    tasks = list(app_huey._registry.periodic_tasks)  # noqa: SLF001 - the app's own periodic jobs
    assert set(NAMED_JOBS) <= {_full_name(task) for task in tasks}
    first, second = build_huey(redis_url), build_huey(redis_url)
    for huey in (first, second):  # each worker process registers the same jobs
        for task in tasks:
            huey.periodic_task(task.validate_datetime, name=task.name)(lambda: None)
    checks = [Scheduler(huey, interval=1, periodic=True).enqueue_periodic_tasks for huey in (first, second)]
    monday = datetime(2026, 12, 7)
    for due in sorted({_first_due(task, monday) for task in tasks}):
        first.flush()
        checks[0](due.replace(second=7))
        checks[1](due.replace(second=43))  # the other worker started 36 s later
        pending = Counter(queued.name for queued in first.pending())
        assert pending == {task.name: 1 for task in tasks if task.validate_datetime(due)}, f"at {due:%a %H:%M}"
