"""Sign-in, sign-out and account management views: parse, call a service, commit."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from forms.auth import SignInForm, UserForm
from service.access import current, public, roles_required
from service.auth import kept_answers, sessions
from service.auth import services as accounts
from service.auth.models import SessionEnd, User
from service.extensions import db, limiter
from service.rules.roles import Role

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_limit() -> str:
    return current_app.config["APDOCS_LOGIN_RATE_LIMIT"]


def _submitted_email() -> str:
    return accounts.normalise_email(request.form.get("email", ""))[:254] or "-"


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_email)
def sign_in() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        db.session.commit()
        if user is not None:
            _start_session(user)
            db.session.commit()
            # Back to the form whose answers were kept when the last session went idle, if any.
            return redirect(kept_answers.waiting_page(user) or url_for("dashboard.index"))
        form.email.errors = ["Enter a correct email address and password"]
        form.password.errors = [""]
    expired = request.args.get("expired") == "1"
    kept = request.args.get("kept") == "1"
    return render_template("auth/sign_in.html", form=form, expired=expired, kept=kept)


def _start_session(user: User) -> None:
    """Sign ``user`` in on this browser with a new server-side session: a new id every time (no fixation)."""
    previous = session.get(sessions.SESSION_KEY)
    session.clear()
    session_id = sessions.start(user, replacing=previous)
    login_user(user)
    session[sessions.SESSION_KEY] = session_id
    session.permanent = True


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    sessions.end_current(SessionEnd.SIGNED_OUT)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/users")
@roles_required(Role.ADMIN)
def users() -> str:
    admin = current()
    return render_template("auth/users.html", users=accounts.users_of(admin.organisation_id))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> Response | str:
    admin = current()
    form = UserForm()
    _limit_roles(form, admin.organisation.kind)
    if form.validate_on_submit():
        try:
            accounts.create_user(admin.organisation, _details(form), admin)
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash("Account created.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> Response | str:
    admin = current()
    user = accounts.get_user_for_admin(admin, user_id)
    if user is None:
        abort(404)
    form = UserForm(obj=user)
    _limit_roles(form, admin.organisation.kind)
    if form.validate_on_submit():
        version = user.session_version
        try:
            accounts.update_user(user, _details(form), admin)
        except accounts.AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            if user.id == admin.id and user.session_version != version:
                # Their own new password ended all their sessions; this browser carries on, on a new one.
                _start_session(user)
            db.session.commit()
            flash("Account updated.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


def _limit_roles(form: UserForm, kind: object) -> None:
    allowed = accounts.ROLES_BY_KIND[kind]  # type: ignore[index]
    form.role.choices = [(r.value, r.label) for r in allowed]


def _details(form: UserForm) -> accounts.AccountDetails:
    return accounts.AccountDetails(
        name=form.name.data or "",
        email=form.email.data or "",
        role=Role(form.role.data),
        password=form.password.data or None,
        is_active=bool(form.is_active.data),
        senior_leader=bool(form.senior_leader.data),
    )
