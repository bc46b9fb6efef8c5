"""Who may do what: deny by default, scope by organisation and role.

Every view is closed unless it is marked ``@public``; section-level role checks answer 403 (the
section's existence is not a secret), and a record outside the user's scope answers 404 so that
nobody can learn which pupils or placements exist elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import abort
from flask_login import current_user

from service.rules.organisations import OrganisationKind
from service.rules.roles import Role

if TYPE_CHECKING:
    from service.auth.models import User

F = TypeVar("F", bound=Callable[..., Any])

COMMISSIONING_ROLES = (Role.COMMISSIONER,)


def public(view: F) -> F:
    """Mark a view as reachable without signing in (sign-in page, health check)."""
    view.apdocs_public = True  # type: ignore[attr-defined]
    return view


def keeps_answers(view: F) -> F:
    """Mark a form view whose post, arriving after the session went idle, is kept for its author to save later.

    Its GET must then fill the form from ``service.auth.kept_answers.kept_formdata`` when there is any.
    """
    view.apdocs_keeps_answers = True  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only these roles into a view; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated or current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def current() -> User:
    """The signed-in user, typed."""
    if not current_user.is_authenticated:
        abort(401)
    return cast("User", current_user._get_current_object())  # noqa: SLF001 - Flask-Login's proxy


NAV_BY_ROLE: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.COMMISSIONER: (
        ("dashboard.index", "Dashboard"),
        ("pupils.list_pupils", "Pupils"),
        ("exclusions.excluded_pupils", "Excluded pupils"),
        ("providers.list_providers", "Providers"),
        ("summary.index", "Summary"),
        ("mail.outbox", "Outbox"),
    ),
    Role.PROVIDER_STAFF: (("dashboard.index", "Placements"), ("providers.list_providers", "Our provider record")),
    Role.VIEWER: (("dashboard.index", "Dashboard"), ("summary.index", "Summary")),
    Role.ADMIN: (
        ("dashboard.index", "Administration"),
        ("auth.users", "Accounts"),
        ("providers.list_providers", "Providers"),
        ("documents.manage_templates", "Templates"),
        ("term_dates.term_dates", "Term dates"),
        ("organisations.settings", "Organisation settings"),
        ("audit.audit_log", "Audit log"),
    ),
}

#: The list of decisions waiting for an LA officer (service.la_decisions), only for commissioners at an LA.
LA_DECISIONS_NAV = ("la_decisions.waiting", "Decisions")


#: What only a local authority's officers (commissioners of an LA organisation) open: their schools' placements.
NAV_FOR_LA_OFFICERS: tuple[tuple[str, str], ...] = (("la_notices.school_placements", "Schools' placements"),)


def is_la_officer(user: User) -> bool:
    """A commissioner at a local authority: who records the LA's decisions and reads its schools' placements."""
    return user.role is Role.COMMISSIONER and user.organisation.kind is OrganisationKind.LOCAL_AUTHORITY


def nav_items() -> tuple[tuple[str, str], ...]:
    """The navigation links the signed-in user's role can use (and nothing they would get 403 on)."""
    if not current_user.is_authenticated:
        return ()
    items = NAV_BY_ROLE.get(current_user.role, ())
    if is_la_officer(current_user):
        items = (*items[:1], LA_DECISIONS_NAV, *items[1:], *NAV_FOR_LA_OFFICERS)  # decisions next to the dashboard
    return items
