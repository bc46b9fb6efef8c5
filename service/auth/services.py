"""Accounts: password hashing, authentication and user management.

Passwords are hashed with argon2 (the OWASP-recommended memory-hard function); a failed sign-in
takes the same time whether or not the account exists, so the form cannot be used to discover who
has an account.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from service.audit import services as audit
from service.auth import sessions
from service.auth.models import SessionEnd, User
from service.db import utcnow
from service.errors import FieldError
from service.extensions import db
from service.organisations.models import Organisation
from service.rules.organisations import OrganisationKind
from service.rules.roles import Role

MIN_PASSWORD_LENGTH = 12  # NCSC: length beats complexity rules

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("apdocs-timing-equaliser")

# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[OrganisationKind, tuple[Role, ...]] = {
    OrganisationKind.SCHOOL: (Role.ADMIN, Role.COMMISSIONER, Role.VIEWER),
    OrganisationKind.LOCAL_AUTHORITY: (Role.ADMIN, Role.COMMISSIONER, Role.VIEWER),
    OrganisationKind.PROVIDER: (Role.ADMIN, Role.PROVIDER_STAFF),
}


class AccountError(FieldError):
    """A problem with an account change that the user can fix."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Audits both outcomes."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.is_active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        audit.record(
            "sign_in_failed",
            "user",
            user.id if user else None,
            None,
            organisation_id=user.organisation_id if user else None,
        )
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_sign_in_at = utcnow()
    audit.record("sign_in", "user", user.id, user)
    return user


@dataclass
class AccountDetails:
    name: str
    email: str
    role: Role
    password: str | None
    is_active: bool = True
    #: May override a blocking provider check, with a reason (``support_plans.overrides``): commissioners only.
    senior_leader: bool = False


def users_of(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id).order_by(User.name)))


def get_user_for_admin(admin: User, user_id: int) -> User | None:
    """A user the admin may manage: only accounts in the admin's own organisation."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != admin.organisation_id:
        return None
    return user


def create_user(organisation: Organisation, details: AccountDetails, actor: User | None) -> User:
    """Create an account; the role must fit the organisation's kind, and the email must be unused."""
    _check_role(organisation, details.role)
    email = normalise_email(details.email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError("email", "An account with this email address already exists")
    if not details.password:
        raise AccountError("password", "Enter a password for the new account")
    _check_password(details.password)
    _check_senior_leader(details)
    user = User(
        name=details.name.strip(),
        email=email,
        role=details.role,
        organisation_id=organisation.id,
        password_hash=hash_password(details.password),
        is_active=details.is_active,
        senior_leader=details.senior_leader,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, actor, {"role": details.role.value}, organisation_id=organisation.id)
    if details.senior_leader:
        audit.record("grant_senior_leader", "user", user.id, actor, organisation_id=organisation.id)
    return user


def update_user(user: User, details: AccountDetails, actor: User) -> User:
    """Change an account. Deactivating it, or changing its password or role, ends all its open sessions at once."""
    _check_role(user.organisation, details.role)
    email = normalise_email(details.email)
    clash = db.session.scalar(sa.select(User.id).where(User.email == email, User.id != user.id))
    if clash is not None:
        raise AccountError("email", "An account with this email address already exists")
    if user.id == actor.id and (not details.is_active or details.role is not Role.ADMIN):
        raise AccountError("role", "You cannot remove your own administrator access or deactivate yourself")
    _check_senior_leader(details)
    fields = ("name", "email", "role", "is_active", "senior_leader")
    changed = [f for f in fields if getattr(user, f) != getattr(details, f)]
    user.name, user.email, user.role, user.is_active = details.name.strip(), email, details.role, details.is_active
    if "senior_leader" in changed:
        user.senior_leader = details.senior_leader
        action = "grant_senior_leader" if details.senior_leader else "revoke_senior_leader"
        audit.record(action, "user", user.id, actor)
    if details.password:
        _check_password(details.password)
        user.password_hash = hash_password(details.password)
        changed.append("password")
    if "password" in changed or "is_active" in changed or "role" in changed:
        user.session_version += 1
        sessions.end_all(user.id, _why_sessions_end(user, changed))
    audit.record("update", "user", user.id, actor, {"fields": changed})
    return user


def _why_sessions_end(user: User, changed: list[str]) -> SessionEnd:
    """The reason recorded on the sessions an account change ends (the weightiest, when several changed)."""
    if "is_active" in changed and not user.is_active:
        return SessionEnd.DEACTIVATED
    if "password" in changed:
        return SessionEnd.PASSWORD_CHANGED
    if "role" in changed:
        return SessionEnd.ROLE_CHANGED
    return SessionEnd.DEACTIVATED  # reactivated: nothing was open; a session from before still stays ended


def _check_senior_leader(details: AccountDetails) -> None:
    """Only a commissioner can be a senior leader: the grant lets them override checks on plans they commission."""
    if details.senior_leader and details.role is not Role.COMMISSIONER:
        raise AccountError("senior_leader", "Only a commissioner can be a senior leader")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"Password must be at least {MIN_PASSWORD_LENGTH} characters")


def _check_role(organisation: Organisation, role: Role) -> None:
    if role not in ROLES_BY_KIND[organisation.kind]:
        allowed = ", ".join(r.label for r in ROLES_BY_KIND[organisation.kind])
        raise AccountError("role", f"A {organisation.kind.label.lower()} account can only be: {allowed}")
