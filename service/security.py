"""Cross-cutting protection: deny-by-default sign-in, server-side session checks, security headers, error pages."""

from __future__ import annotations

import logging
import traceback
from datetime import datetime

from flask import Flask, Response, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from wtforms.validators import ValidationError

from service.auth import kept_answers, sessions
from service.auth.models import SessionEnd, User, UserSession
from service.extensions import db, login_manager

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _account_for(user_id: str) -> User | None:
    """The active account behind a Flask-Login id ("<id>.<session version>"), or None.

    The version is bumped with every password, role or active change: a second lock, behind the server-side
    session, on a cookie from before the change.
    """
    try:
        raw_id, raw_version = user_id.split(".", 1)
        user = db.session.get(User, int(raw_id))
    except ValueError:
        return None
    if user is None or not user.is_active or str(user.session_version) != raw_version:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):  # type: ignore[no-untyped-def]
        """The user, only while the server-side session named in the cookie is open and theirs."""
        user = _account_for(user_id)
        row = sessions.from_cookie()
        if user is None or row is None or row.ended_at is not None or row.user_id != user.id:
            return None
        return user

    @app.before_request
    def require_sign_in() -> Response | None:
        if request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint or "")
        closed = view is not None and not getattr(view, "apdocs_public", False)
        row = sessions.from_cookie()
        moment = sessions.now()
        if row is not None and row.ended_at is None and sessions.is_over(row, moment):
            # Before anything reads current_user, so that no page, public or not, sees this session signed in.
            kept = _end_expired_session(view if closed else None, row, moment)
            return redirect(url_for("auth.sign_in", expired=1, kept=1 if kept else None)) if closed else None
        if not closed:
            return None  # public, or a 404/405 that Flask answers
        if not current_user.is_authenticated:
            if row is not None:
                session.clear()  # a session that ended elsewhere: forget its id
            return login_manager.unauthorized()
        if row is not None and sessions.touch(row, moment):
            db.session.commit()
        return None

    def _end_expired_session(view: object, row: UserSession, moment: datetime) -> bool:
        """End a session past its idle or absolute limit; True when a late post to ``view`` was kept."""
        owner_id = int(current_user.id) if current_user.is_authenticated else None
        sessions.end(row, SessionEnd.EXPIRED, moment)
        db.session.commit()
        kept = owner_id is not None and view is not None and _keep_late_answers(view, owner_id)
        logout_user()
        session.clear()
        return kept

    def _keep_late_answers(view: object, user_id: int) -> bool:
        """Keep a post that came after the session limit, if its view takes long answers and its CSRF token is good."""
        if request.method != "POST" or not getattr(view, "apdocs_keeps_answers", False):
            return False
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            return False
        try:
            kept_answers.keep(user_id, request.path, request.form)
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
