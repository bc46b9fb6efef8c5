"""The LA-sized bench: the demo plus ``apdocs demo --scale N`` on a throwaway PostgreSQL, timed as Westshire's officer.

``run(emit)`` (called by ``bench/run.py``) starts PostgreSQL exactly as ``make test`` does, by running this file
under ``scripts/with-postgres.sh``, and forwards the JSON lines it prints. Under the script it runs two processes
one after the other, so that the figures of one do not colour the other's:

1. ``--generate``: migrates, loads the demo and adds the caseload of ``N`` placements (``APDOCS_BENCH_SCALE``,
   default 5000) with ``service.demo.scale``; emits ``scale_generate_s`` (the caseload alone, not the demo).
2. ``--measure``: a fresh process that is the web process: the app through the Flask test client (the views,
   queries and templates a real request runs, without waitress's threads and the network, which add the same few
   milliseconds at any size and would make the figures noisier on a shared 2-core machine; the process's memory is
   then the app's own). Signed in as ``officer@westshire.example`` it times ``/`` (``scale_dashboard_ms_p95``),
   ``/summary?term=all`` (``scale_summary_all_time_ms_p95``), last week's ``/attendance/weekly-report.csv``
   (``scale_weekly_report_ms_p95``) and the LA's AP census ``/summary/ap-census.csv``
   (``scale_census_csv_ms_p95``), each ``APDOCS_BENCH_REPEAT`` times (default 10) after one warm-up request; then,
   signed in as a provider's staff, imports up to 20,000 marks by CSV through ``/attendance/import``
   (``attendance_import_marks_per_s``; in as many files as the importer's row limit needs, all timed);
   ``scale_peak_rss_mb`` is the process's peak resident memory after the pages and the import, with the memory it
   held once signed in as the baseline; last the attendance alert job's first run (``scale_alert_job_s``; the
   emails are queued, not sent: the queue is a file of its own), as at 17:30 on today or the next working day,
   when nobody has marked that day's sessions yet.

Every line carries ``"placements": N`` and ``"marks": M`` (the attendance marks in the database). The harness only
measures: how fast these are is the pages' business.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Emit = Callable[..., None]

BENCH_PROVIDER_STAFF = "bench-staff@scale.example"
IMPORT_MARKS = 20_000


def placements() -> int:
    return int(os.environ.get("APDOCS_BENCH_SCALE", "5000"))


def repeat() -> int:
    return int(os.environ.get("APDOCS_BENCH_REPEAT", "10"))


def run(emit: Emit) -> None:  # noqa: ARG001 - the lines come from the processes under with-postgres.sh
    """Run the bench under a throwaway PostgreSQL and forward its JSON lines (anything else goes to stderr)."""
    command = [str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, str(Path(__file__).resolve()), "--inside"]
    forward_json_lines(command, "bench/scale.py")


def forward_json_lines(command: list[str], what: str) -> None:
    """Run ``command`` (a throwaway server's wrapper around this script) and pass on its JSON lines, one measurement
    each, on stdout; anything else it prints goes to stderr. Exits non-zero, naming ``what``, if it failed."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert process.stdout is not None
    for line in process.stdout:
        (sys.stdout if line.startswith("{") else sys.stderr).write(line)
        sys.stdout.flush()
    if process.wait():
        raise SystemExit(f"{what} failed (exit {process.returncode})")


def _inside() -> None:
    """Under with-postgres.sh: the generator's process, then the web process."""
    with tempfile.TemporaryDirectory(prefix="apdocs-bench-scale-") as tmp:
        # Jobs wait in a queue file nobody works: the alert job's figure is the job's, not the delivery of its
        # emails. Set here, before either process imports the service (its queue is built on first import).
        env = {
            **os.environ,
            "APDOCS_BENCH_TMP": tmp,
            "APDOCS_QUEUE_URL": f"sqlite:///{tmp}/queue.sqlite3",
            "APDOCS_SECRET_KEY": os.environ.get("APDOCS_SECRET_KEY", "bench-only-secret"),
        }
        for step in ("--generate", "--measure"):
            subprocess.run([sys.executable, str(Path(__file__).resolve()), step], env=env, check=True)  # noqa: S603


def _app():  # type: ignore[no-untyped-def]
    """The app on the bench's PostgreSQL, its files in the bench's temporary directory."""
    tmp = Path(os.environ["APDOCS_BENCH_TMP"])
    from service.app import create_app
    from service.settings import Settings

    url = os.environ["APDOCS_TEST_DATABASE_URL"]
    settings = replace(Settings.from_env(), database_url=url, instance_dir=tmp, output_dir=tmp / "output")
    return create_app(settings, overrides={"RATELIMIT_ENABLED": False})


def _marks() -> int:
    import sqlalchemy as sa

    from service.attendance.models import AttendanceMark
    from service.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark)) or 0


def _emit(name: str, value: float, unit: str, **extra: float) -> None:
    line = {"name": name, "value": round(value, 3), "unit": unit, "placements": placements(), "marks": MARKS, **extra}
    print(json.dumps(line), flush=True)


MARKS = 0


def _generate() -> None:
    """Migrate, load the demo, time the caseload; add a bench-only provider staff account for the import."""
    global MARKS
    from service import demo
    from service.auth.models import User
    from service.auth.services import hash_password
    from service.demo import scale
    from service.demo.world import DEMO_PASSWORD
    from service.extensions import db
    from service.providers.models import Provider
    from service.rules.roles import Role
    from service.schema import migrate_database

    migrate_database(os.environ["APDOCS_TEST_DATABASE_URL"])
    app = _app()
    with app.app_context():
        demo.load()
        db.session.commit()
        started = time.perf_counter()
        result = scale.add_caseload(placements())
        db.session.commit()
        elapsed = time.perf_counter() - started
        provider = db.session.query(Provider).filter_by(name=scale.PROVIDERS[0][0]).one()
        db.session.add(
            User(
                email=BENCH_PROVIDER_STAFF,
                name="Bench provider staff",
                role=Role.PROVIDER_STAFF,
                organisation_id=provider.organisation_id,
                password_hash=hash_password(DEMO_PASSWORD),
            )
        )
        db.session.commit()
        _analyze()
        MARKS = _marks()
        _emit("scale_generate_s", elapsed, "s", marks_generated=result.marks)


def _analyze() -> None:
    """Refresh the planner's statistics after the bulk inserts (``ANALYZE`` on both databases).

    Why: autovacuum analyses PostgreSQL's new tables only some time later, and SQLite never does unprompted; until
    then each planner guesses row counts from empty or demo-sized tables, and the first measured dashboards ran
    slower plans than any later run would, measuring the bench's timing rather than the service's."""
    import sqlalchemy as sa

    from service.extensions import db

    with db.engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        connection.commit()


def _rss_mb() -> float:
    """The process's resident memory now (``VmRSS``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _p95(timings: list[float]) -> float:
    """The 95th percentile by nearest rank (with ten requests, the slowest)."""
    ordered = sorted(timings)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _measure() -> None:
    global MARKS
    from service.demo import scale
    from service.demo.world import DEMO_PASSWORD
    from service.server import tune_garbage_collector
    from tests.conftest import browser
    from tests.helpers import form_data

    app = _app()
    tune_garbage_collector()  # as ``apdocs serve`` does once its app is built
    with app.app_context():
        MARKS = _marks()
    officer = browser(app)
    page = officer.get("/sign-in")
    answer = officer.post("/sign-in", data=form_data(page, {"email": scale.OFFICER_EMAIL, "password": DEMO_PASSWORD}))
    assert answer.status_code == 302, "the officer could not sign in"
    idle_mb = _rss_mb()
    last_monday = date.today() - timedelta(days=date.today().weekday(), weeks=1)
    pages = (
        ("scale_dashboard_ms_p95", "/"),
        ("scale_summary_all_time_ms_p95", "/summary?term=all"),
        ("scale_weekly_report_ms_p95", f"/attendance/weekly-report.csv?week={last_monday.isoformat()}"),
        ("scale_census_csv_ms_p95", "/summary/ap-census.csv"),
    )
    for name, path in pages:
        timings, size = [], 0
        for n in range(repeat() + 1):
            started = time.perf_counter()
            response = officer.get(path)
            body = response.get_data()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, f"{path} answered {response.status_code}"
            if n:  # the first request warms the caches (templates, the statement cache): not counted
                timings.append(elapsed)
            size = len(body)
        _emit(name, _p95(timings), "ms", p50=round(sorted(timings)[len(timings) // 2], 3), bytes=size)

    _import(app)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _emit("scale_peak_rss_mb", peak_mb, "MB", baseline=round(idle_mb, 3), ratio=round(peak_mb / idle_mb, 3))

    from service.attendance.jobs import send_attendance_alerts_now

    with app.app_context():
        started = time.perf_counter()
        queued = send_attendance_alerts_now(_school_day_evening())
        _emit("scale_alert_job_s", time.perf_counter() - started, "s", emails_queued=queued)


def _school_day_evening() -> datetime:
    """Today at 17:30 UTC (after the afternoon session in UK time, winter or summer), or the next working day's
    when today is not one: the job's first run on a school day whose sessions nobody has marked yet, as on the
    evening the issue measured, whatever day the bench runs."""
    from service.rules.calendar import is_working_day

    day = date.today()
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, dt_time(17, 30), tzinfo=UTC)


def _import(app) -> None:  # type: ignore[no-untyped-def]
    """Up to 20,000 marks of the first generated provider's running placements, by CSV, as its staff would send
    them: each present mark sent again as late (``L``) and each late one as present, so every row changes a mark."""
    import sqlalchemy as sa

    from service.attendance import importer
    from service.attendance.models import AttendanceMark
    from service.auth.models import User
    from service.demo.world import DEMO_PASSWORD
    from service.extensions import db
    from service.placements.models import Placement
    from service.providers.models import Provider
    from service.rules.placement_status import PlacementStatus
    from tests.conftest import browser
    from tests.helpers import form_data

    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == BENCH_PROVIDER_STAFF))
        provider_id = db.session.scalar(sa.select(Provider.id).where(Provider.organisation_id == staff.organisation_id))
        marks = db.session.execute(
            sa.select(AttendanceMark.placement_id, AttendanceMark.on, AttendanceMark.session, AttendanceMark.code)
            .join(Placement, Placement.id == AttendanceMark.placement_id)
            .where(
                Placement.provider_id == provider_id,
                Placement.status.in_((PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)),
                AttendanceMark.code.in_(("/", "\\", "L")),
            )
            .order_by(AttendanceMark.on.desc(), AttendanceMark.placement_id, AttendanceMark.session)
            .limit(IMPORT_MARKS)
        ).all()
    rows = [
        (f"AP-{pid}", on.isoformat(), session.value, ("/" if session.value == "am" else "\\") if code == "L" else "L")
        for pid, on, session, code in marks
    ]
    client = browser(app)
    page = client.get("/sign-in")
    client.post("/sign-in", data=form_data(page, {"email": BENCH_PROVIDER_STAFF, "password": DEMO_PASSWORD}))
    limit = importer.MAX_ROWS  # today's limit on one file: as many files as it needs, all timed
    files = [rows[i : i + limit] for i in range(0, len(rows), limit)]
    started = time.perf_counter()
    for chunk in files:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(importer.COLUMNS)
        writer.writerows(chunk)
        form = client.get("/attendance/import")
        response = client.post(
            "/attendance/import",
            data=form_data(form, {"file": (io.BytesIO(out.getvalue().encode()), "marks.csv")}),
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, f"the import was refused ({response.status_code})"
    elapsed = time.perf_counter() - started
    _emit("attendance_import_marks_per_s", len(rows) / elapsed, "marks/s", marks_imported=len(rows), files=len(files))


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "--inside":
        _inside()
    elif step == "--generate":
        _generate()
    elif step == "--measure":
        _measure()
    else:
        run(lambda *args, **kwargs: None)
