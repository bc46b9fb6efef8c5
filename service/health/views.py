"""Health check. Answers JSON and says nothing about any record, so it needs no sign-in; its details need more."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.access import public
from service.health import services as health

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    checks = health.run_checks()
    healthy = health.healthy(checks)
    body: dict[str, object] = {"status": "ok" if healthy else "error"}
    if health.may_see_details(
        current_user, request.headers.get("Authorization"), current_app.config["APDOCS_HEALTH_TOKEN"]
    ):
        body["checks"] = checks
    return jsonify(body), 200 if healthy else 503
