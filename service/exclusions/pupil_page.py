"""Exclusions' part of a pupil's page: the pupil's exclusions and the sixth-day deadline of each."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.exclusions import services
from service.pupils.models import Pupil
from service.signals import pupil_page


@pupil_page.connect
def exclusions_section(pupil: Pupil, *, user: User) -> dict[str, Any]:
    return {
        "exclusions": services.exclusions_of_pupil(user, pupil, date.today()),
        "can_record_exclusion": services.can_record(user),
    }
