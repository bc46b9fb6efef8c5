"""gunicorn's configuration for apdocs' web processes: ``gunicorn -c gunicorn.conf.py`` (README, "Scaling out").

Several web processes on one machine, each a whole app (``service.wsgi``), built after the fork so no database or
Redis connection is shared between processes. They must share what a single process keeps for itself: one
``APDOCS_SECRET_KEY``, ``APDOCS_RATELIMIT_STORAGE_URL=redis://…`` (else each process counts sign-in attempts on
its own), ``APDOCS_QUEUE_URL`` (Redis, for workers on other machines) and the database. The background worker is
never started in a web process: run ``apdocs worker`` beside them.

Listens on ``APDOCS_HOST``:``APDOCS_PORT``, with ``APDOCS_WEB_PROCESSES`` processes of ``APDOCS_WEB_THREADS``
threads (``service.settings.WebServer``); gunicorn's own options on the command line (``-b``, ``-w``) still win.
"""

from __future__ import annotations

import faulthandler
from typing import Any

# Only the settings here: the master process must not import the app (service.server imports it), whose modules
# would then be inherited by every web process instead of being loaded after the fork.
from service.settings import WebServer

_web = WebServer.from_env()

wsgi_app = "service.wsgi:app"
bind = [f"{_web.host}:{_web.port}"]
workers = _web.processes
worker_class = "gthread"
threads = _web.threads
preload_app = False  # each process builds its own app after the fork (see above)
# A process that stops answering its master for this long is killed and replaced (requests themselves may be longer).
timeout = 60
graceful_timeout = 30
# gunicorn's own messages and the app's log both go to standard error, where the service manager keeps them. No
# access log: it would hold every client's address; the audit log records what matters.
errorlog = "-"
accesslog = None
proc_name = "apdocs-web"
# gunicorn 24+ opens a control socket in the home folder (one path for every server of the account, so two would
# clash); apdocs is stopped and reloaded by signals from the service manager instead.
control_socket_disable = True


def when_ready(server: Any) -> None:
    """The master process: its stacks on a fatal signal. Its SIGUSR1 stays gunicorn's (reopen the logs and pass it to
    every web process), so ``kill -USR1 <master pid>`` has each web process write its stacks."""
    faulthandler.enable(all_threads=True)


def post_worker_init(worker: Any) -> None:
    """Each web process, once its app is built: the stacks on a crash (``kill -USR1 <pid>`` for a stuck one), and
    the garbage-collector tuning that ``apdocs serve`` does (``tune_garbage_collector``: freeze the app, collect the
    youngest generation less often), which cannot be done before the fork because the app is built after it."""
    from service.server import enable_faulthandler, tune_garbage_collector

    enable_faulthandler()
    tune_garbage_collector()
    worker.log.info("web process %d ready: garbage collector tuned, stacks on SIGUSR1", worker.pid)
