"""The forms' request tokens (what makes a double click make one document) are kept a month, then forgotten by the
nightly job, so the table does not grow for ever; a token still within the month still answers a resent form."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.db import utcnow
from service.documents.jobs import forget_old_request_tokens
from service.documents.models import RequestToken
from service.documents.services import REQUEST_TOKEN_DAYS
from service.extensions import db
from service.rules.placement_status import PlacementStatus
from tests import factories


def test_request_tokens_older_than_a_month_are_forgotten_and_newer_ones_kept(db_session, school, provider):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )
    now = utcnow()
    for token, age in (("a" * 32, REQUEST_TOKEN_DAYS + 1), ("b" * 32, REQUEST_TOKEN_DAYS - 1), ("c" * 32, 0)):
        db.session.add(
            RequestToken(token=token, action="produce", placement_id=placement.id, created_at=now - timedelta(days=age))
        )
    db.session.commit()

    forget_old_request_tokens.call_local()

    db.session.expire_all()
    kept = set(db.session.scalars(sa.select(RequestToken.token)))
    assert kept == {"b" * 32, "c" * 32}
