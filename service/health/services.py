"""The health checks, and who may read their details.

A load balancer needs only ``{"status": "ok"|"error"}`` and the HTTP code. The details (database backend,
migration revision, queue type, what failed) help an operator, and would help an attacker pick an exploit,
so they go only to a signed-in admin or to a monitor presenting ``APDOCS_HEALTH_TOKEN``.
"""

from __future__ import annotations

import functools
import hmac
import os

import sqlalchemy as sa
from flask import current_app

from service.documents.engine.converter import PoolSettings, soffice_available, uno_python_available
from service.extensions import db
from service.queue import huey
from service.rules.roles import Role


@functools.lru_cache(maxsize=1)
def _converter_installed() -> tuple[bool, bool]:
    """Checked once per process: whether LibreOffice and a Python with its UNO bridge are installed."""
    settings = PoolSettings.from_env()
    return soffice_available(settings), uno_python_available(settings)


def _database() -> dict[str, str]:
    try:
        db.session.execute(sa.text("SELECT 1"))
        revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # noqa: BLE001 - report any failure as "down", never raise
        db.session.rollback()
        return {"status": "error", "backend": db.engine.dialect.name, "error": type(error).__name__}
    return {"status": "ok", "backend": db.engine.dialect.name, "revision": str(revision)}


def _converter() -> dict[str, str]:
    """Installed or not; and, from the events the worker's pool shares (``converter-events.jsonl`` in the instance
    folder), its trouble in the last 15 minutes: ``degraded`` with the counts when it restarted or failed. Degraded
    is for the operator, not a reason for a load balancer to take this web process out of service (see healthy)."""
    soffice, uno = _converter_installed()
    if not (soffice and uno):
        missing = [name for name, ok in (("LibreOffice", soffice), ("Python UNO bridge", uno)) if not ok]
        return {"status": "error", "error": f"not installed: {', '.join(missing)}"}
    from service.documents.jobs import converter_events  # the documents package imports the queue: import late

    counts = converter_events().counts()
    trouble = {kind: count for kind, count in counts.items() if count}
    checks = {"status": "degraded" if trouble else "ok", "window_minutes": "15"}
    checks.update({f"last_15_min_{kind}": str(count) for kind, count in counts.items()})
    return checks


def _worker_queue() -> dict[str, str]:
    try:
        pending = huey.pending_count()
    except Exception as error:  # noqa: BLE001 - report the queue as down, never raise
        return {"status": "error", "error": type(error).__name__}
    checks = {"status": "ok", "queue": type(huey).__name__, "pending": str(pending)}
    # `apdocs serve` keeps its worker child's supervisor here (service.server.SUPERVISOR_EXTENSION, read by name:
    # the server imports the app, which imports this package). Whether that process is alive is a detail, not the
    # status: its supervisor restarts it, and a load balancer must not take a web process that answers out of
    # service for it.
    supervisor = current_app.extensions.get("apdocs_worker_supervisor")
    if supervisor is not None:
        checks.update(supervisor.status())
    return checks


def _web_process() -> dict[str, str]:
    """Which web process answered: under gunicorn several do, and an operator (or the test that starts two) can tell
    them apart."""
    return {"status": "ok", "pid": str(os.getpid())}


def run_checks() -> dict[str, dict[str, str]]:
    """Every check by name, each with its ``status`` and, for an operator, what it found."""
    return {"database": _database(), "converter": _converter(), "worker": _worker_queue(), "web": _web_process()}


def healthy(checks: dict[str, dict[str, str]]) -> bool:
    """Every check's ``status`` is ok, or degraded: a converter that restarted lately still serves pages (200); the
    details say so to an operator."""
    return all(check["status"] in ("ok", "degraded") for check in checks.values())


def may_see_details(user: object, authorization: str | None, token: str) -> bool:
    """Whether this caller may read the details: a signed-in admin, or the configured bearer token.

    The token is compared in constant time, so its characters cannot be guessed one by one from how long a
    refusal takes. With no token configured, no header opens the details.
    """
    if getattr(user, "is_authenticated", False) and getattr(user, "role", None) is Role.ADMIN:
        return True
    if not token or not authorization:
        return False
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())
