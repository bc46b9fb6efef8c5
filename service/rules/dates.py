"""How a date reads in apdocs's documents and messages: ``23 September 2007``, in UK time.

Why here: the statutory rules explain their deadlines in words ("the first review must be by …"), and the
pages, documents and emails must write the same date the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK).date()
    return f"{value.day} {value:%B %Y}"
