"""``make load``: Locust, headless, against the scaled-out topology on loopback, on the LA-sized caseload; prints JSON
lines ({"name", "value", "unit", ...}) on standard output, everything else on standard error.

What it starts, all on loopback and all stopped at the end:

1. a throwaway PostgreSQL and Redis (``scripts/with-redis.sh scripts/with-postgres.sh``, as ``make test`` does);
2. the demo and the caseload of ``APDOCS_BENCH_SCALE`` placements (default 5,000) by ``bench/scale.py --generate``,
   then one account per simulated person (``bench/load/accounts.py``);
3. the ``web`` and ``worker`` processes of ``deploy/Procfile``, as the scaling tests start them
   (``tests/scaling/processes.py``): gunicorn with two web processes, and two ``apdocs worker`` processes, each with
   its own LibreOffice pool, on the Redis queue;
4. Locust (``bench/locustfile.py``) with ``APDOCS_LOAD_USERS`` people (default 50: 30 commissioners, 20 provider
   staff; two more each second, each signing in first), for ``APDOCS_LOAD_SECONDS`` (default 120) from the moment
   the last one has signed in;
5. then it waits, at most ``APDOCS_LOAD_DRAIN_S`` (default 600), for every document asked for during the run to be
   made or to fail, and counts them in the database.

The figures, over the measured run (once everyone has signed in): ``load_users``; ``load_requests_per_s`` (every
request); ``load_p95_ms`` (the pages: every HTML page and form post a person waits for, redirects followed; not the
JSON status the placement page polls; the whole run's as ``whole_run_p95`` and signing in apart, as
``sign_in_p95``), with the five slowest pages by their own p95; ``load_error_rate`` (failed requests and failed
journey checks over all requests, sign-ins included); ``load_docs_requested`` and ``load_docs_produced`` (documents
created during the run, and those of them ready at the end). Every line also says how busy the machine was (the load
average before and after the run).

The only setting changed from the defaults: the sign-in limit (``APDOCS_LOGIN_RATE_LIMIT``), which counts per IP
address and would otherwise refuse the 11th of 50 people signing in from 127.0.0.1 within a minute.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

#: Requests left out of the pages' p95: the document status the placement page asks for in the background (not a
#: page), and signing in (once a day for a person, but all 50 at once as the run starts: its p95 is reported apart).
NOT_PAGES = frozenset({"/documents/[id]/status"})
SIGN_IN = frozenset({"/sign-in", "/sign-in (post)"})


def users() -> int:
    return int(os.environ.get("APDOCS_LOAD_USERS", "50"))


def seconds() -> int:
    return int(os.environ.get("APDOCS_LOAD_SECONDS", "120"))


def drain_seconds() -> int:
    return int(os.environ.get("APDOCS_LOAD_DRAIN_S", "600"))


def main() -> None:
    """Start PostgreSQL and Redis, run everything under them, forward the JSON lines; exit non-zero if it failed."""
    command = [
        str(ROOT / "scripts" / "with-redis.sh"),
        str(ROOT / "scripts" / "with-postgres.sh"),
        sys.executable,
        str(Path(__file__).resolve()),
        "--inside",
    ]
    from bench.scale import forward_json_lines

    forward_json_lines(command, "make load")


def _note(message: str) -> None:
    print(f"load: {message}", file=sys.stderr, flush=True)


def _load_average() -> float:
    return os.getloadavg()[0]


def _emit(name: str, value: float, unit: str, context: dict[str, Any], **extra: Any) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, **extra, **context}), flush=True)


def _inside() -> None:
    """Under with-redis.sh and with-postgres.sh: generate, start the processes, run Locust, count, stop."""
    database_url = os.environ["APDOCS_TEST_DATABASE_URL"]
    redis_url = os.environ["APDOCS_TEST_REDIS_URL"]
    with tempfile.TemporaryDirectory(prefix="apdocs-load-") as scratch:
        tmp = Path(scratch)
        _generate(tmp)
        # The service's modules read the queue's address when first imported: this process only reads the database.
        os.environ["APDOCS_QUEUE_URL"] = redis_url
        os.environ.setdefault("APDOCS_SECRET_KEY", "load-only-secret")
        app = _app(database_url, tmp)
        with app.app_context():
            from bench.load import accounts
            from service.demo.world import DEMO_PASSWORD

            commissioners, providers = accounts.add_accounts(users(), DEMO_PASSWORD)
            first_document = _last_document_id() + 1
        _run(app, tmp, database_url, redis_url, DEMO_PASSWORD, first_document, (commissioners, providers))


def _generate(tmp: Path) -> None:
    """The demo and the caseload, by ``bench/scale.py --generate`` in its own process (as ``make bench`` does)."""
    env = {
        **os.environ,
        "APDOCS_BENCH_TMP": str(tmp),
        "APDOCS_QUEUE_URL": f"sqlite:///{tmp}/generate-queue.sqlite3",  # the demo's jobs: nobody works them
        "APDOCS_SECRET_KEY": os.environ.get("APDOCS_SECRET_KEY", "load-only-secret"),
    }
    _note(f"generating the caseload ({os.environ.get('APDOCS_BENCH_SCALE', '5000')} placements)")
    command = [sys.executable, str(ROOT / "bench" / "scale.py"), "--generate"]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    sys.stderr.write(done.stderr[-2000:])
    _note(f"generated: {done.stdout.strip()}")


def _app(database_url: str, tmp: Path):  # type: ignore[no-untyped-def]
    from service.app import create_app
    from service.settings import Settings

    settings = replace(
        Settings.from_env(), database_url=database_url, instance_dir=tmp / "driver", output_dir=tmp / "output"
    )
    return create_app(settings, overrides={"RATELIMIT_ENABLED": False})


def _last_document_id() -> int:
    import sqlalchemy as sa

    from service.documents.models import Document
    from service.extensions import db

    return db.session.scalar(sa.select(sa.func.max(Document.id))) or 0


def _run(  # noqa: PLR0913
    app: Any,
    tmp: Path,
    database_url: str,
    redis_url: str,
    password: str,
    first_document: int,
    split: tuple[int, int],
) -> None:
    from tests.scaling.processes import Processes, scaled_env
    from tests.server.conftest import free_port

    env = scaled_env(
        database_url,
        redis_url,
        tmp,
        APDOCS_LOGIN_RATE_LIMIT="10000 per minute",  # 50 people sign in from one address (see the docstring)
        APDOCS_LOG_LEVEL="WARNING",
    )
    processes = Processes()
    port = free_port()
    context: dict[str, Any] = {"placements": int(os.environ.get("APDOCS_BENCH_SCALE", "5000"))}
    try:
        _note("starting gunicorn (2 web processes) and 2 apdocs workers")
        processes.gunicorn(env, tmp / "web.log", port, processes=2)
        for number in (1, 2):
            processes.worker(env, tmp / f"worker-{number}.log")
        context["loadavg_1m_before"] = round(_load_average(), 2)
        results = tmp / "requests.jsonl"
        locust_env = {
            **os.environ,
            "APDOCS_LOAD_RESULTS": str(results),
            "APDOCS_LOAD_USERS": str(users()),
            "APDOCS_LOAD_PASSWORD": password,
        }
        _note(f"Locust: {users()} people for {seconds()} s against http://127.0.0.1:{port}")
        locust = subprocess.Popen(  # noqa: S603 - this virtualenv's locust
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users()),
                "--spawn-rate",
                "2",
                "--run-time",  # a safety net: the locustfile stops the run APDOCS_LOAD_SECONDS after everyone is in
                f"{seconds() + 900}s",
                "--stop-timeout",  # at the end, every journey under way finishes: none is cut off mid-request
                "300",
                "--host",
                f"http://127.0.0.1:{port}",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            cwd=ROOT,
            stdout=sys.stderr,
        )
        # The processor time the web and worker processes used during the measured run (from everyone's sign-in to
        # the end): what the pages and documents cost, whatever else the machine was doing meanwhile.
        cpu_at_start: dict[str, float] | None = None
        while locust.poll() is None:
            time.sleep(1)
            if cpu_at_start is None and results.exists() and '"MARK"' in results.read_text():
                cpu_at_start = _cpu_seconds(processes)
        cpu_at_end = _cpu_seconds(processes)
        cpu = {k: round(cpu_at_end[k] - (cpu_at_start or {}).get(k, 0.0), 1) for k in cpu_at_end}
        context["loadavg_1m_after"] = round(_load_average(), 2)
        requests = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
        _report(requests, split, context, cpu)
        with app.app_context():
            requested, produced, failed, waited = _drain(first_document)
        _emit("load_docs_requested", requested, "documents", context)
        _emit("load_docs_produced", produced, "documents", context, failed=failed, waited_s=round(waited, 1))
        logged = _log_errors(tmp)
        _note(f"server log lines at ERROR, CRITICAL or with a traceback: {len(logged)}")
        for line in logged[:20]:
            _note(line)
    finally:
        processes.stop_all()


def _p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


def _report(
    requests: list[dict[str, Any]], split: tuple[int, int], context: dict[str, Any], cpu: dict[str, float]
) -> None:
    """The figures of the measured run: from the moment everyone had signed in (the locustfile's mark) to the end.
    The sign-ins before it (50 people within the first half-minute, each password check slow by design) are given
    apart, and the pages' p95 over the whole run beside the measured one."""
    commissioners, providers = split
    marks = [r["at"] for r in requests if r["type"] == "MARK"]
    requests = [r for r in requests if r["type"] != "MARK"]
    http = [r for r in requests if r["type"] != "JOURNEY"]
    first = min((r["at"] - r["ms"] / 1000 for r in http), default=0.0)
    everyone_in = marks[0] if marks else first
    measured = [r for r in http if r["at"] - r["ms"] / 1000 >= everyone_in]
    span = max((r["at"] for r in measured), default=everyone_in) - everyone_in
    _emit(
        "load_users",
        users(),
        "users",
        context,
        commissioners=commissioners,
        providers=providers,
        seconds=round(span, 1),
        signing_in_s=round(everyone_in - first, 1),
        everyone_signed_in=bool(marks),
    )
    _emit(
        "load_requests_per_s",
        len(measured) / span if span else 0.0,
        "requests/s",
        context,
        requests=len(measured),
        web_cpu_s=cpu.get("web", 0.0),
        worker_cpu_s=cpu.get("workers", 0.0),
        web_cpu_ms_per_request=round(1000 * cpu.get("web", 0.0) / len(measured), 1) if measured else 0.0,
    )
    sign_ins = [r["ms"] for r in http if r["name"] in SIGN_IN]
    by_page: dict[str, list[float]] = defaultdict(list)
    for r in measured:
        if r["name"] not in NOT_PAGES | SIGN_IN:
            by_page[r["name"]].append(r["ms"])
    pages = [ms for timings in by_page.values() for ms in timings]
    slowest = sorted(by_page, key=lambda name: _p95(by_page[name]), reverse=True)[:5]
    _emit(
        "load_p95_ms",
        _p95(pages),
        "ms",
        context,
        measured="pages: every HTML page and form post (redirects followed) once everyone had signed in",
        pages=len(pages),
        p50=round(sorted(pages)[len(pages) // 2], 1) if pages else 0.0,
        whole_run_p95=round(_p95([r["ms"] for r in http if r["name"] not in NOT_PAGES | SIGN_IN]), 1),
        sign_in_p95=round(_p95(sign_ins), 1),
        slowest_p95={name: {"p95": round(_p95(by_page[name]), 1), "n": len(by_page[name])} for name in slowest},
    )
    errors = [r for r in requests if "error" in r]
    _emit(
        "load_error_rate",
        len(errors) / len(requests) if requests else 1.0,
        "ratio",
        context,
        failures=len(errors),
        requests=len(requests),
        reasons=dict(Counter(r["error"] for r in errors).most_common(5)),
    )


def _drain(first_document: int) -> tuple[int, int, int, float]:
    """Wait (bounded) for every document created during the run to be finished; (requested, ready, failed, waited)."""
    import sqlalchemy as sa

    from service.documents.models import Document, DocumentStatus
    from service.extensions import db

    started = time.monotonic()
    deadline = started + drain_seconds()
    while True:
        db.session.expire_all()
        statuses = db.session.scalars(sa.select(Document.status).where(Document.id >= first_document)).all()
        db.session.rollback()
        waiting = sum(1 for status in statuses if not status.is_finished)
        if not waiting or time.monotonic() > deadline:
            break
        _note(f"{waiting} of {len(statuses)} documents still being made")
        time.sleep(5)
    ready = sum(1 for status in statuses if status is DocumentStatus.READY)
    failed = sum(1 for status in statuses if status.is_finished and status is not DocumentStatus.READY)
    return len(statuses), ready, failed, time.monotonic() - started


def _cpu_seconds(processes: Any) -> dict[str, float]:
    """Processor seconds used so far by gunicorn (master and web processes) and by the workers (with their render
    workers and LibreOffice), children that ended included."""
    import psutil

    totals = {"web": 0.0, "workers": 0.0}
    for number, started in enumerate(processes.started):
        try:
            root = psutil.Process(started.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for process in tree:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            used = times.user + times.system + times.children_user + times.children_system
            totals["web" if number == 0 else "workers"] += used
    return totals


def _log_errors(tmp: Path) -> list[str]:
    """The servers' log lines that say something went wrong (the logs hold no personal data)."""
    found = []
    for log in sorted(tmp.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if any(word in line for word in (" ERROR ", "[ERROR]", "CRITICAL", "Traceback", "WORKER TIMEOUT")):
                found.append(f"{log.name}: {line[:300]}")
    return found


if __name__ == "__main__":
    if sys.argv[1:] == ["--inside"]:
        _inside()
    else:
        main()
