"""Cross-cutting protection: deny-by-default sign-in, session expiry, security headers, error pages."""

from __future__ import annotations

import logging
import time
import traceback

from flask import Flask, Response, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from wtforms.validators import ValidationError

from service.auth import kept_answers
from service.extensions import db, login_manager

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):  # type: ignore[no-untyped-def]
        from service.auth.models import User

        try:
            raw_id, raw_version = user_id.split(".", 1)
            user = db.session.get(User, int(raw_id))
        except ValueError:
            return None
        if user is None or not user.is_active or str(user.session_version) != raw_version:
            return None
        return user

    @app.before_request
    def require_sign_in() -> Response | None:
        view = app.view_functions.get(request.endpoint or "")
        if request.endpoint == "static" or (view is not None and getattr(view, "apdocs_public", False)):
            return None
        if view is None:
            return None  # 404/405 handled by Flask
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        idle_limit = app.config["APDOCS_SESSION_IDLE_MINUTES"] * 60
        now = int(time.time())
        last_seen = session.get("last_seen", now)
        if now - int(last_seen) > idle_limit:
            kept = _keep_late_answers(view)
            logout_user()
            session.clear()
            return redirect(url_for("auth.sign_in", expired=1, kept=1 if kept else None))
        session["last_seen"] = now
        session.permanent = True
        return None

    def _keep_late_answers(view: object) -> bool:
        """Keep a post that came after the idle limit, if its view takes long answers and its CSRF token is good."""
        if request.method != "POST" or not getattr(view, "apdocs_keeps_answers", False):
            return False
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            return False
        try:
            kept_answers.keep(int(current_user.id), request.path, request.form)
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.error("could not keep a late post on %s: %s", request.endpoint, type(error).__name__)
            return False
        return True

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # same-origin: our own pages send the Referer that the HTTPS CSRF check requires; other sites get nothing.
        response.headers.setdefault("Referrer-Policy", "same-origin")  # a secure link's pages send none
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[str, int]:
        if error.code is None or error.code < 400:
            return error.get_response()
        template = {403: "errors/403.html", 404: "errors/404.html", 429: "errors/429.html"}.get(
            error.code, "errors/generic.html"
        )
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        # Log the exception type and where it happened, never its message or the request data:
        # database errors quote the values they were given, and those are children's personal data.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method, request.endpoint, frames)
        db.session.rollback()
        return render_template("errors/500.html"), 500
