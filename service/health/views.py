"""Health check. Answers JSON; says nothing about any record, so it needs no sign-in."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from service.access import public
from service.extensions import db

bp = Blueprint("health", __name__)


@functools.lru_cache(maxsize=1)
def _converter_installed() -> tuple[bool, bool]:
    """Checked once per process: whether LibreOffice and a Python with its UNO bridge are installed."""
    from service.documents.converter import PoolSettings, soffice_available, uno_python_available

    settings = PoolSettings.from_env()
    return soffice_available(settings), uno_python_available(settings)


def _converter() -> dict[str, str]:
    soffice, uno = _converter_installed()
    if soffice and uno:
        return {"status": "ok"}
    missing = [name for name, ok in (("LibreOffice", soffice), ("Python UNO bridge", uno)) if not ok]
    return {"status": "error", "error": f"not installed: {', '.join(missing)}"}


def _worker_queue() -> dict[str, str]:
    from service.documents import jobs

    try:
        pending = jobs.queue.pending_count()
    except Exception as error:  # noqa: BLE001 - report the queue as down, never raise
        return {"status": "error", "error": type(error).__name__}
    return {"status": "ok", "queue": type(jobs.queue).__name__, "pending": str(pending)}


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    checks: dict[str, dict[str, str]] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        checks["database"] = {"status": "ok", "backend": db.engine.dialect.name, "revision": str(revision)}
    except Exception as error:  # noqa: BLE001 - report any failure as "down", never raise
        db.session.rollback()
        checks["database"] = {"status": "error", "backend": db.engine.dialect.name, "error": type(error).__name__}
    checks["converter"] = _converter()
    checks["worker"] = _worker_queue()
    healthy = all(check["status"] == "ok" for check in checks.values())
    return jsonify({"status": "ok" if healthy else "error", "checks": checks}), 200 if healthy else 503
