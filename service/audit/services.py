"""Recording audit events.

Safeguarding data demands a trail of who saw and changed what. Events are added to the current
transaction, so an action and its audit row commit (or roll back) together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context, request

from service.audit.models import AuditEvent
from service.extensions import db

if TYPE_CHECKING:
    from service.auth.models import User


def record(
    action: str,
    entity_type: str,
    entity_id: int | None,
    user: User | None,
    detail: dict[str, Any] | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session. ``detail`` must hold field names and ids, not personal data."""
    ip = request.remote_addr or "" if has_request_context() else ""
    event = AuditEvent(
        user_id=user.id if user else None,
        organisation_id=organisation_id if organisation_id is not None else (user.organisation_id if user else None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        ip_address=ip[:45],
        detail=detail or {},
    )
    db.session.add(event)
    return event


def events_for_organisation(organisation_id: int, limit: int = 200) -> list[AuditEvent]:
    """The most recent events in one organisation, for its admin."""
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def events_for(entity_type: str, entity_id: int) -> list[AuditEvent]:
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(stmt))
