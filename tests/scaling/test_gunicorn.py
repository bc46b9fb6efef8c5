"""gunicorn as the web server (``gunicorn.conf.py``): two web processes on one loopback address, on the test's
database (SQLite, or PostgreSQL in make test's second run), answer a signed-in person; both processes answer, each
knows the session the other started (one secret key, sessions held in the database), and neither runs the
background worker. The real gunicorn, the real app, a browser speaking HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests import factories
from tests.queue.processes import descendants
from tests.scaling.processes import Browser, scaled_env
from tests.server.conftest import children_of, free_port, poll


def test_two_gunicorn_web_processes_answer_a_signed_in_person(app, tmp_path, processes, commissioner, school):  # type: ignore[no-untyped-def]
    admin = factories.UserFactory(organisation=school, role=factories.Role.ADMIN, name="Ada Admin")
    env = scaled_env(app.config["SQLALCHEMY_DATABASE_URI"], None, tmp_path)
    port = free_port()
    master = processes.gunicorn(env, tmp_path / "gunicorn.log", port, processes=2)
    web_pids = poll(lambda: pids if len(pids := children_of(master.pid)) == 2 else None, "two web processes")
    assert master.pid not in web_pids
    ready = [f"web process {pid} ready: garbage collector tuned, stacks on SIGUSR1" for pid in web_pids]
    # Each process did the per-process set-up once its app was built.
    poll(lambda: all(line in (tmp_path / "gunicorn.log").read_text() for line in ready), "both processes set up")

    person = Browser(f"http://127.0.0.1:{port}")
    dashboard = person.sign_in(commissioner.email, factories.TEST_PASSWORD)
    assert dashboard.status == 200 and dashboard.url.endswith("/"), dashboard.text[:500]
    assert "To do today" in dashboard.text and "Sam Senco" in dashboard.text

    # An admin's /healthz says which process answered, and shows its details only when that process knows the
    # session: every answer from either process must come with them. New connections, several at once, until
    # both processes have answered.
    watcher = Browser(f"http://127.0.0.1:{port}")
    assert watcher.sign_in(admin.email, factories.TEST_PASSWORD).status == 200
    answered: set[int] = set()

    def both_answered() -> bool:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for body in pool.map(lambda _: watcher.health(), range(16)):
                assert "checks" in body, "a web process did not know the admin's session"
                answered.add(int(body["checks"]["web"]["pid"]))
        return answered == web_pids

    poll(both_answered, f"both web processes {sorted(web_pids)} to answer (so far {sorted(answered)})")

    # The web processes only enqueue: no worker, no LibreOffice under them, and no supervised worker to report.
    for pid in web_pids:
        assert descendants(pid) == [], "a web process started a child (the background worker belongs elsewhere)"
    assert "process" not in watcher.health()["checks"]["worker"]
    assert person.get("/").status == 200
