"""The commands that run an installation: ``serve`` (the web server, which on one machine also starts the worker
as its own supervised child process) and ``worker`` (the background worker alone).

Why the worker is a child process and not threads of the web process: a crash in one (a segmentation fault in a
C extension, LibreOffice's bridge, memory) must not take the other with it. ``serve`` starts ``apdocs worker`` as a
child (:class:`WorkerSupervisor`), starts it again with a back-off if it dies, and stops it (SIGTERM, then SIGKILL)
when the server stops. The two processes share the queue (the SQLite file in the instance folder, or Redis) and the
database, exactly as a web machine and a worker machine do when scaled out.

Both commands turn on :mod:`faulthandler`: a fatal signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL) writes every
thread's Python stack to stderr, which the service's log captures, and SIGUSR1 writes them without stopping.
"""

from __future__ import annotations

import faulthandler
import gc
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import click
from waitress import serve as waitress_serve

from service.app import create_app
from service.documents.jobs import default_worker_threads
from service.queue import create_consumer
from service.settings import Settings

log = logging.getLogger(__name__)

#: Where the web process keeps its worker supervisor, for ``/healthz`` (``service.health``) to ask after it.
SUPERVISOR_EXTENSION = "apdocs_worker_supervisor"


def enable_faulthandler() -> None:
    """On a fatal signal, write every thread's stack to stderr (the log); on SIGUSR1, write them and carry on.

    A segmentation fault otherwise leaves nothing but the exit status: these stacks say which thread was in which
    Python function when it happened. SIGUSR1 is for a process that seems stuck (``kill -USR1 <pid>``).
    """
    if sys.stderr is None:  # no stderr to write to (never the case under a service manager)
        return
    faulthandler.enable(file=sys.stderr, all_threads=True)
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True, chain=False)


#: Allocations between two collections of Python's youngest generation (the interpreter's default is 700).
GC_YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Collect Python's cyclic garbage less often, and never look again at what the app built when it started.

    Why: a page about an LA's thousands of placements allocates hundreds of thousands of objects. At the default
    threshold the collector ran so often, each time walking every object the process holds (the app, its templates,
    SQLAlchemy's mappers), that it took a third of the dashboard's time (issue 18). ``gc.freeze()`` moves what exists
    once the app is built out of the collector's way; reference counting still frees nearly everything at once, and
    the collector still runs, only after 50,000 allocations instead of 700. ``serve`` calls this once the app is
    created, and ``bench/scale.py`` does the same, so that it times the pages as the server runs them.
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, oldest)


def describe_exit(returncode: int) -> str:
    """How a process ended, for the log: ``exit code 1`` or ``signal SIGSEGV (11)``."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "signal"
        return f"signal {name} ({-returncode})"
    return f"exit code {returncode}"


class WorkerSupervisor:
    """Runs ``apdocs worker`` as a child of the web process, starts it again when it dies, stops it with the server.

    The child runs in its own session, so a Ctrl+C at the terminal reaches the server only and the server stops it
    in order. It is told the server's pid (``--supervised-by``) and stops by itself if the server dies without
    stopping it (SIGKILL, out of memory): no worker and no LibreOffice is left behind either way.

    A worker that keeps dying is started again after 1 s, then 2, 4, … up to ``max_backoff_s``; one that ran for
    ``stable_after_s`` starts the count again. Each death is logged at WARNING with its exit code or signal, never
    what it was working on (that may name a pupil).
    """

    def __init__(
        self,
        command: list[str],
        *,
        stop_timeout_s: float = 10.0,
        first_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        stable_after_s: float = 60.0,
    ) -> None:
        self.command = command
        self.stop_timeout_s = stop_timeout_s
        self.first_backoff_s = first_backoff_s
        self.max_backoff_s = max_backoff_s
        self.stable_after_s = stable_after_s
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._started_at = 0.0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="apdocs-worker-supervisor", daemon=True)

    def start(self) -> None:
        """Start the worker and the thread that watches it."""
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self._process = subprocess.Popen(  # noqa: S603 - this Python, this package's own command
                self.command, stdin=subprocess.DEVNULL, start_new_session=True
            )
            self._started_at = time.monotonic()
            log.info("background worker started (pid %d)", self._process.pid)

    def _watch(self) -> None:
        backoff = self.first_backoff_s
        while not self._stopping.is_set():
            process = self._process
            if process is not None:
                returncode = process.wait()
                if self._stopping.is_set():
                    return
                if time.monotonic() - self._started_at >= self.stable_after_s:
                    backoff = self.first_backoff_s
                log.warning(
                    "background worker (pid %d) stopped: %s; starting it again in %.0f s",
                    process.pid,
                    describe_exit(returncode),
                    backoff,
                )
            if self._stopping.wait(backoff):
                return
            backoff = min(backoff * 2, self.max_backoff_s)
            try:
                self._spawn()
            except OSError as error:  # e.g. out of processes: keep the server up and try again after the back-off
                self._process = None
                log.error("background worker could not be started (%s); trying again later", type(error).__name__)
            else:
                self.restarts += 1

    @property
    def pid(self) -> int | None:
        """The running worker's pid, or None while it is down (between a death and its restart)."""
        process = self._process
        if process is None or process.poll() is not None:
            return None
        return process.pid

    def status(self) -> dict[str, str]:
        """For ``/healthz``'s details: whether the worker process is alive, its pid and how often it was restarted."""
        pid = self.pid
        return {
            "process": "alive" if pid is not None else "down",
            "pid": str(pid or ""),
            "restarts": str(self.restarts),
        }

    def stop(self) -> None:
        """Stop the worker: SIGTERM (it finishes its loop, closes its LibreOffice pool), SIGKILL after the timeout."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                log.warning(
                    "background worker (pid %d) did not stop within %.0f s: killing it",
                    process.pid,
                    self.stop_timeout_s,
                )
                process.kill()
                process.wait()
        if self._thread.is_alive():
            self._thread.join(timeout=self.stop_timeout_s)


def worker_command(parent_pid: int) -> list[str]:
    """The command the web process starts its worker with: this Python, ``apdocs worker``, told who supervises it.

    ``-X faulthandler`` turns the stacks on from the interpreter's first instruction, not only once the app is
    imported (seconds later): a worker that crashes while starting says where too."""
    return [sys.executable, "-X", "faulthandler", "-m", "service.cli", "worker", "--supervised-by", str(parent_pid)]


@click.command()
@click.option("--host", default=None, help="Defaults to APDOCS_HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Defaults to APDOCS_PORT (5000).")
@click.option("--threads", default=8, show_default=True)
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the background worker (documents and mail), as a supervised child process.",
)
def serve(host: str | None, port: int | None, threads: int, worker: bool) -> None:
    """Serve apdocs with waitress (for more, run gunicorn behind a reverse proxy: see the README)."""
    enable_faulthandler()
    settings = Settings.from_env()  # creates the instance folder's secret key, if needed, before the worker reads it
    app = create_app(settings)
    tune_garbage_collector()
    host = host or settings.host
    port = port or settings.port
    # A service manager's stop (SIGTERM) ends the server as Ctrl+C does, so `finally` stops the worker.
    signal.signal(signal.SIGTERM, _stop_serving)
    supervisor = None
    if worker:
        supervisor = WorkerSupervisor(worker_command(os.getpid()))
        app.extensions[SUPERVISOR_EXTENSION] = supervisor
        supervisor.start()
    click.echo(f"apdocs is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="apdocs")
    finally:
        if supervisor is not None:
            supervisor.stop()


def _stop_serving(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _watch_parent(parent_pid: int) -> None:
    """Stop this worker (as SIGTERM does) once the process that supervises it has gone."""
    while os.getppid() == parent_pid:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


@click.command()
@click.option("--workers", default=None, type=int, help="Threads; defaults to the converter pool size + 1.")
@click.option("--supervised-by", "supervised_by", default=None, type=int, hidden=True)
def worker(workers: int | None, supervised_by: int | None) -> None:
    """Run the background worker alone (documents and mail; scaled out: one per converter machine, with Redis)."""
    enable_faulthandler()
    consumer = create_consumer(create_app(), workers or default_worker_threads())
    if supervised_by is not None:
        threading.Thread(target=_watch_parent, args=(supervised_by,), name="apdocs-parent-watch", daemon=True).start()
    else:
        click.echo("apdocs document worker started (Ctrl+C to stop)")
    consumer.run()  # SIGTERM: stop now; SIGINT (Ctrl+C): finish the jobs in hand first


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (serve, worker)
