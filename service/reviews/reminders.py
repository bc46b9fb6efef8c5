"""Email the commissioner when a review is overdue, once a week until it is held.

Why: the guidance expects reviews at least half-termly, and a review slips when nobody is told. The
dashboard shows it; this also tells the person who commissioned the placement (or, when they no longer
have an active account, every commissioner of the organisation) by email: no pupil's name in the subject.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from service.auth.models import User
from service.extensions import db
from service.mail.models import OutboxMessage
from service.mail.outbox import queue_message
from service.placements.models import Placement
from service.reviews.services import review_due
from service.rules.dates import uk_date
from service.rules.placement_status import PlacementStatus
from service.rules.roles import Role

PURPOSE = "review_overdue"
EVERY_DAYS = 7
ATTENDING = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW)


def overdue_review_reminders(today: date) -> list[OutboxMessage]:
    """Queue a reminder for each attending placement whose review is overdue and who had none this week.
    The caller commits, then enqueues the messages."""
    since = datetime.combine(today - timedelta(days=EVERY_DAYS - 1), time.min, tzinfo=UTC)
    recently = set(
        db.session.scalars(
            sa.select(OutboxMessage.placement_id).where(
                OutboxMessage.purpose == PURPOSE, OutboxMessage.created_at >= since
            )
        )
    )
    messages = []
    for placement in db.session.scalars(sa.select(Placement).where(Placement.status.in_(ATTENDING))):
        if placement.id in recently:
            continue
        deadline = review_due(placement)
        if deadline.latest >= today:
            continue
        to = commissioner_emails(placement)
        if not to:
            continue
        messages.append(
            queue_message(
                organisation_id=placement.commissioning_organisation_id,
                to=to,
                subject=f"Review overdue (ref AP-{placement.id})",
                body=(
                    f"The review of placement AP-{placement.id} at {placement.provider.name} was due by "
                    f"{uk_date(deadline.latest)} ({deadline.explanation}). Reviews are due at least every half "
                    "term. Arrange it with the provider, the pupil and their parents, then record it in apdocs.\n\n"
                    "You will be reminded once a week until it is recorded.\n"
                ),
                purpose=PURPOSE,
                placement_id=placement.id,
            )
        )
    return messages


def commissioner_emails(placement: Placement) -> list[str]:
    """Whom to tell about a placement: the commissioner who started it while they still work there, or else
    every active commissioner of its organisation, so a message never goes to someone who has left."""
    creator = db.session.get(User, placement.created_by_id) if placement.created_by_id else None
    if creator is not None and creator.is_active and creator.organisation_id == placement.commissioning_organisation_id:
        return [creator.email]
    return list(
        db.session.scalars(
            sa.select(User.email).where(
                User.organisation_id == placement.commissioning_organisation_id,
                User.role == Role.COMMISSIONER,
                User.is_active.is_(True),
            )
        )
    )
