"""Placements' part of a pupil's page: the pupil's placements that the user's organisation commissioned."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.auth.models import User
from service.extensions import db
from service.placements.models import Placement
from service.pupils.models import Pupil
from service.signals import pupil_page


def placements_for(user: User, pupil: Pupil) -> list[Placement]:
    """The pupil's placements that the user's organisation commissioned, newest first."""
    stmt = (
        sa.select(Placement)
        .where(Placement.pupil_id == pupil.id, Placement.commissioning_organisation_id == user.organisation_id)
        .options(selectinload(Placement.provider))
        .order_by(Placement.planned_start.desc(), Placement.id.desc())
    )
    return list(db.session.scalars(stmt))


@pupil_page.connect
def placements_section(pupil: Pupil, *, user: User) -> dict[str, Any]:
    return {"placements": placements_for(user, pupil)}
