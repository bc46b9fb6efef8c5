"""The commands that run an installation: ``serve`` (the web server, with the worker in the same process on one
machine) and ``worker`` (the background worker alone)."""

from __future__ import annotations

import signal

import click
from waitress import serve as waitress_serve

from service.app import create_app
from service.documents.jobs import default_worker_threads
from service.queue import create_consumer, start_embedded_worker
from service.settings import Settings


@click.command()
@click.option("--host", default=None, help="Defaults to APDOCS_HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Defaults to APDOCS_PORT (5000).")
@click.option("--threads", default=8, show_default=True)
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the document worker in this process (the one-machine set-up).",
)
def serve(host: str | None, port: int | None, threads: int, worker: bool) -> None:
    """Serve apdocs with waitress (for more, run gunicorn behind a reverse proxy: see the README)."""
    settings = Settings.from_env()
    app = create_app(settings)
    host = host or settings.host
    port = port or settings.port
    consumer = None
    if worker:
        consumer = start_embedded_worker(app, default_worker_threads())
        # Huey's consumer takes over SIGTERM for a run loop we do not use: give it back, so that a
        # service manager's stop ends the server (and, in `finally`, the worker) as Ctrl+C does.
        signal.signal(signal.SIGTERM, _stop_serving)
    click.echo(f"apdocs is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="apdocs")
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def _stop_serving(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--workers", default=None, type=int, help="Threads; defaults to the converter pool size + 1.")
def worker(workers: int | None) -> None:
    """Run the background worker alone (documents and mail; scaled out: one per converter machine, with Redis)."""
    consumer = create_consumer(create_app(), workers or default_worker_threads())
    click.echo("apdocs document worker started (Ctrl+C to stop)")
    consumer.run()


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (serve, worker)
