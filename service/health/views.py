"""Health check. Answers JSON; says nothing about any record, so it needs no sign-in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from service.access import public
from service.extensions import db

bp = Blueprint("health", __name__)


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
    healthy = all(check["status"] == "ok" for check in checks.values())
    return jsonify({"status": "ok" if healthy else "error", "checks": checks}), 200 if healthy else 503
