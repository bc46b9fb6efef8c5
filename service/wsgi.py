"""The WSGI application for gunicorn's web processes: ``gunicorn -c gunicorn.conf.py`` (README, "Scaling out").

Each web process imports this module after gunicorn forked it (``preload_app`` is off), so each builds its own app:
its own database connections, Redis connections and queue binding, none shared across a fork. A web process only
enqueues: the background worker (documents, mail, the periodic jobs) is never started here; run ``apdocs worker``
beside it (one per converter machine), as the sample process layout (``deploy/``) does.
"""

from __future__ import annotations

from service.app import create_app

app = create_app()
