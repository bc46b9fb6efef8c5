"""Checks a senior leader set aside, with a reason; the desk-top review of a provider not on the LA's list.

Why a table of overrides, not a flag on the plan: each override is a decision by a named senior leader to use a
provider although one particular check failed (its insurance, its QA outcome, its registration), and the plan's
readers, the LA and an inspector must see which check, why, who and when. One row per decision keeps that record;
it is audited, shown on the check page and printed in the AP Support Plan ("Checks overridden").

Who may override: only a commissioner whom the organisation's admin has made a senior leader
(``User.senior_leader``). The guidance puts these decisions on the commissioning school's or LA's leadership (DfE,
Arranging alternative provision (February 2025); the Oxfordshire commissioning guidance), not on whoever drafts
the plan. A provider that may have to register as an independent school needs more than a reason: the suspected
unregistered school must be reported to the DfE, Ofsted and the Virtual AP Headteacher (the Oxfordshire
commissioning guidance), so that override also records when that report was made and by whom.

The desk-top review: using a provider not on the LA's approved list must be reported to the Virtual AP Headteacher,
and a desk-top review of its processes, insurances and systems carried out (the Oxfordshire AP directory advice
and commissioning guidance). The commissioner who uses the provider records both for the plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.audit import services as audit
from service.auth.models import User
from service.db import Base, UTCDateTime, utcnow
from service.extensions import db
from service.placements.models import Placement
from service.rules.dates import uk_date
from service.rules.roles import Role
from service.support_plans.checks import Check, Severity
from service.support_plans.services import PlanError, plan_for_editing

#: The check key of the registration rule (``agreement.agreement_checks``): its override needs the report too.
REGISTRATION = "registration"

#: A reason shorter than this is not a reason: a senior leader says why, in at least a sentence.
MIN_REASON_CHARACTERS = 20
MIN_REASON_WORDS = 4


class PlanOverride(Base):
    """A blocking check on one placement's plan, set aside by a senior leader with a reason."""

    __tablename__ = "plan_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    #: ``Check.key`` of the check set aside (e.g. ``provider_insurance``, ``registration``).
    check_key: Mapped[str] = mapped_column(sa.String(40))
    #: The check's title and what it said when it was overridden, so the record reads true if the facts change.
    check_title: Mapped[str] = mapped_column(sa.String(200), default="")
    check_message: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: For the registration check: when the provider was reported to the DfE, Ofsted and the Virtual AP
    #: Headteacher, and who reported it.
    reported_on: Mapped[date | None] = mapped_column(nullable=True)
    reported_by: Mapped[str] = mapped_column(sa.String(200), default="")

    by: Mapped[User | None] = relationship()

    @property
    def complete(self) -> bool:
        """Whether the override has everything its check needs (the registration one needs the report)."""
        if self.check_key == REGISTRATION:
            return self.reported_on is not None and bool(self.reported_by.strip())
        return True


class DesktopReview(Base):
    """The desk-top review of a provider not on the LA's approved list, and its report to the Virtual AP Headteacher."""

    __tablename__ = "plan_desktop_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), unique=True)
    reviewed_on: Mapped[date | None] = mapped_column(nullable=True)
    reviewed_by: Mapped[str] = mapped_column(sa.String(200), default="")
    reported_on: Mapped[date | None] = mapped_column(nullable=True)
    reported_by: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# -- reading ---------------------------------------------------------------------------------------------------------


def overrides_of(placement: Placement) -> list[PlanOverride]:
    """The placement's overrides, oldest first (a check overridden again keeps its earlier rows)."""
    return list(
        db.session.scalars(
            sa.select(PlanOverride).where(PlanOverride.placement_id == placement.id).order_by(PlanOverride.id)
        )
    )


def current_overrides(placement: Placement) -> dict[str, PlanOverride]:
    """The latest override of each check on this placement, by check key."""
    return {override.check_key: override for override in overrides_of(placement)}


def desktop_review_of(placement: Placement) -> DesktopReview | None:
    return db.session.scalar(sa.select(DesktopReview).where(DesktopReview.placement_id == placement.id))


def is_senior_leader(user: User) -> bool:
    """Whether the user may override a blocking check: a commissioner the admin made a senior leader."""
    return user.role is Role.COMMISSIONER and bool(user.senior_leader)


def apply_overrides(placement: Placement, checks: list[Check]) -> list[Check]:
    """The checks with each overridden blocker turned into a warning that says who overrode it, when and why.

    Why a warning and not "met": the commissioner must still read it, and so must everyone who reads the plan.
    An override of the registration check without the report to the DfE, Ofsted and the Virtual AP Headteacher
    (an override recorded before the report was required) leaves the check blocking, and says what is missing.
    """
    if not any(check.overridable and check.severity is Severity.BLOCKER for check in checks):
        return checks
    overrides = current_overrides(placement)
    result = []
    for check in checks:
        override = overrides.get(check.key)
        if override is None or not check.overridable or check.severity is not Severity.BLOCKER:
            result.append(check)
            continue
        by = override.by.name if override.by else "a commissioner"
        said = f"{check.message} Overridden by {by} on {uk_date(override.at)}: “{override.reason}”."
        if override.complete:
            if override.reported_on is not None:
                said += (
                    f" Reported to the DfE, Ofsted and the Virtual AP Headteacher on {uk_date(override.reported_on)}"
                    f" by {override.reported_by}."
                )
            result.append(replace(check, severity=Severity.WARNING, message=said))
        else:
            said += (
                " The override does not record the report to the DfE, Ofsted and the Virtual AP Headteacher:"
                " a senior leader must override it again with the report."
            )
            result.append(replace(check, message=said))
    return result


# -- recording -------------------------------------------------------------------------------------------------------


class NotSeniorLeader(Exception):
    """Raised when someone who is not a senior leader tries to override a check."""


def record_override(
    user: User,
    placement: Placement,
    check: Check,
    reason: str,
    reported_on: date | None = None,
    reported_by: str = "",
    on: date | None = None,
) -> PlanOverride:
    """Set aside one blocking check: a senior leader, a reason in at least a sentence, and (registration) the report.

    ``check`` is the check as ``agreement_checks`` gave it today: only an overridable blocker can be set aside.
    """
    plan_for_editing(user, placement)  # the commissioning organisation, an editable plan
    if not is_senior_leader(user):
        raise NotSeniorLeader
    if not check.overridable or check.severity is not Severity.BLOCKER:
        raise PlanError("override_reason", f"“{check.title}” is not a check that stops this plan")
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_CHARACTERS or len(reason.split()) < MIN_REASON_WORDS:
        raise PlanError(
            "override_reason", "Say why the plan should go ahead despite this check, in at least a sentence"
        )
    reported_by = reported_by.strip()
    if check.key == REGISTRATION:
        today = on or date.today()
        if reported_on is None:
            raise PlanError(
                "reported_on",
                "Enter the date the provider was reported to the DfE, Ofsted and the Virtual AP Headteacher",
            )
        if reported_on > today:
            raise PlanError("reported_on", "The date of the report must be today or in the past")
        if not reported_by:
            raise PlanError("reported_by", "Enter the name of the person who made the report")
    else:
        reported_on, reported_by = None, ""
    override = PlanOverride(
        placement_id=placement.id,
        check_key=check.key,
        check_title=check.title,
        check_message=check.message,
        reason=reason,
        by_id=user.id,
        at=utcnow(),
        reported_on=reported_on,
        reported_by=reported_by,
    )
    db.session.add(override)
    db.session.flush()
    audit.record("override", "support_plan", placement.id, user, {"rule": check.key, "override_id": override.id})
    return override


def record_desktop_review(
    user: User,
    placement: Placement,
    reviewed_on: date | None,
    reviewed_by: str,
    reported_on: date | None,
    reported_by: str,
    on: date | None = None,
) -> DesktopReview:
    """Record the desk-top review of an unlisted provider and the report to the Virtual AP Headteacher, for this plan.

    Any commissioner of the plan records it (it is evidence, not an override); every part is required, and the
    dates must have happened.
    """
    plan_for_editing(user, placement)
    today = on or date.today()
    for field, day, what in (
        ("reviewed_on", reviewed_on, "the desk-top review"),
        ("reported_on", reported_on, "the report to the Virtual AP Headteacher"),
    ):
        if day is None:
            raise PlanError(field, f"Enter the date of {what}")
        if day > today:
            raise PlanError(field, f"The date of {what} must be today or in the past")
    if not reviewed_by.strip():
        raise PlanError("reviewed_by", "Enter who carried out the desk-top review")
    if not reported_by.strip():
        raise PlanError("reported_by", "Enter who reported it to the Virtual AP Headteacher")
    review = desktop_review_of(placement) or DesktopReview(placement_id=placement.id)
    review.reviewed_on, review.reviewed_by = reviewed_on, reviewed_by.strip()
    review.reported_on, review.reported_by = reported_on, reported_by.strip()
    review.recorded_by_id, review.recorded_at = user.id, utcnow()
    db.session.add(review)
    db.session.flush()
    audit.record("desktop_review", "support_plan", placement.id, user)
    return review
