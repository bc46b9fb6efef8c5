"""``make bench``: speed figures as JSON lines ({"name", "value", "unit"}, plus baseline/ratio where measured).

Measured here rather than in timed tests, which only flake on a shared 2-core machine. Each run
builds its own throwaway SQLite database so the figures do not depend on the demo data; ``scale.py`` last, on a
throwaway PostgreSQL with the demo and an LA-sized caseload (``apdocs demo --scale N``), timed as the LA's officer.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PLACEMENTS = 400


def emit(name: str, value: float, unit: str, **extra: float) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, **extra}), flush=True)


def bench_rules() -> None:
    from service.rules import calendar
    from service.rules.calendar import add_working_days, working_days_between

    # add_working_days keeps its answers (rules.calendar): every day asked once, after emptying what it kept, so
    # the figure is the work itself and not the cache.
    calendar._add_working_days.cache_clear()
    start = date(2000, 1, 1)
    days = [start + timedelta(days=i) for i in range(7300)]
    t0 = time.perf_counter()
    for day in days:
        add_working_days(day, 5)
        working_days_between(day, day + timedelta(days=40))
    elapsed = time.perf_counter() - t0
    emit("working_day_calls_per_s", 2 * len(days) / elapsed, "calls/s")


def bench_dashboard() -> None:
    os.environ.setdefault("APDOCS_SECRET_KEY", "bench-only-secret")
    # Jobs run at once, in this process: the queue is built from this when service.queue is first imported.
    os.environ.setdefault("APDOCS_QUEUE_URL", "immediate")
    from service.app import create_app
    from service.schema import migrate_database
    from service.settings import Settings
    from tests import factories
    from tests.conftest import TEST_PASSWORD, browser
    from tests.helpers import form_data

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrate_database(url)
        settings = replace(Settings.from_env(), database_url=url, instance_dir=Path(tmp), output_dir=Path(tmp) / "out")
        app = create_app(settings, overrides={"RATELIMIT_ENABLED": False})
        with app.app_context():
            from service.extensions import db
            from service.rules.placement_status import PlacementStatus

            school = factories.SchoolFactory(name="Bench School")
            user = factories.UserFactory(organisation=school, email="bench@example.org")
            providers = [factories.ProviderFactory() for _ in range(20)]
            statuses = list(PlacementStatus)
            for i in range(PLACEMENTS):
                pupil = factories.PupilFactory(organisation=school)
                factories.PlacementFactory(pupil=pupil, provider=providers[i % 20], status=statuses[i % len(statuses)])
            db.session.commit()
            email = user.email
        client = browser(app)
        page = client.get("/sign-in")
        client.post("/sign-in", data=form_data(page, {"email": email, "password": TEST_PASSWORD}))
        timings = []
        for _ in range(25):
            t0 = time.perf_counter()
            response = client.get("/")
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        timings.sort()
        emit("dashboard_400_placements_ms_p50", statistics.median(timings), "ms")
        emit("dashboard_400_placements_ms_p95", timings[int(len(timings) * 0.95) - 1], "ms")


if __name__ == "__main__":
    bench_rules()
    bench_dashboard()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import converter
    import documents
    import scale

    converter.run(emit)
    documents.run(emit)
    scale.run(emit)  # last: the LA-sized caseload on a throwaway PostgreSQL (APDOCS_BENCH_SCALE, default 5000)
