"""An organisation's half-terms, entered by an admin: reviews, visits and progress reports fall due by them.

The table keeps its name (``term_dates``) from when these rows lived with the support plan.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base


class TermDate(Base):
    """One half-term of an organisation's school year, entered by an admin; reviews are due by these."""

    __tablename__ = "term_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
