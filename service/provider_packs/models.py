"""The provider information pack as recorded: what the provider needs to keep the pupil safe and taught.

The Oxfordshire commissioning guidance and the EOTAS guidance for English schools say the provider must have this in
writing before the pupil arrives. Most of the pack comes from records apdocs already holds (the pupil, the plan's
objectives and timetable, the school's safeguarding contacts); this table holds what only the pack asks for, and which
sections the commissioner decided the provider does not need (data minimisation: UK GDPR art. 5(1)(c)).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.models import User
from service.db import Base, TimestampMixin
from service.placements.models import Placement
from service.rules.provider_pack import PackSection


class ProviderPack(TimestampMixin, Base):
    __tablename__ = "provider_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), unique=True)

    send_needs: Mapped[str] = mapped_column(sa.Text, default="")
    literacy: Mapped[str] = mapped_column(sa.Text, default="")
    medical_needs: Mapped[str] = mapped_column(sa.Text, default="")
    what_works: Mapped[str] = mapped_column(sa.Text, default="")
    what_to_avoid: Mapped[str] = mapped_column(sa.Text, default="")
    behaviours_that_challenge: Mapped[str] = mapped_column(sa.Text, default="")
    strategies_that_worked: Mapped[str] = mapped_column(sa.Text, default="")
    aptitudes_interests: Mapped[str] = mapped_column(sa.Text, default="")
    transport: Mapped[str] = mapped_column(sa.Text, default="")
    other_emergency_contacts: Mapped[str] = mapped_column(sa.Text, default="")
    withheld: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # PackSection values kept out
    #: Why each section that needs a reason (``rules.provider_pack.ALWAYS_CARRIED``) is kept out: section -> reason.
    #: The commissioner's own record, shown on the pack's pages; never in the pack itself.
    withheld_reasons: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    placement: Mapped[Placement] = relationship(back_populates="provider_pack")
    updated_by: Mapped[User | None] = relationship()

    def shares(self, section: PackSection) -> bool:
        return section.value not in (self.withheld or [])

    def reason_for(self, section: PackSection) -> str:
        return (self.withheld_reasons or {}).get(section.value, "")
