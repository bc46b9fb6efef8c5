"""Date rules behind the checks a commissioner makes before using an alternative provision provider.

Why this module exists: the commissioning school stays responsible for a pupil's safety and education while the pupil is
at a provider (the Oxfordshire AP directory advice and commissioning guidance), so before placing a pupil it must know
that the provider's safeguarding leads are trained and that its insurance is in force. Both are "is this date still good
on day X?" questions. Answering them in one place, as pure functions of the dates and of ``on`` (the day we are asking
about, passed in and never read from the clock), keeps every screen, export and test in agreement and makes the edge
days testable.

Rules:

* **Safeguarding training** (Keeping Children Safe in Education, Part 2, "Training"): the designated
  safeguarding lead and any deputies "should undergo training ... updated at least every two years". Training
  done on day D is therefore current up to and including the same calendar day two years later (retraining
  on that day keeps the gap at exactly two years) and out of date from the day after.
* **Insurance**: a policy's expiry date is the last day of cover, so the provider is insured on that day
  and uninsured from the next. Renewal paperwork takes time, so a policy ending within
  :data:`INSURANCE_WARNING_DAYS` days counts as expiring soon: the commissioner should ask for the renewal
  before the placement starts rather than find a gap afterwards.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

#: KCSIE: DSL and deputy training "updated at least every two years".
TRAINING_VALID_YEARS = 2

#: How far ahead an insurance expiry is flagged as "expiring soon" (inclusive).
INSURANCE_WARNING_DAYS = 30


class TrainingStatus(enum.StrEnum):
    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"
    CURRENT = "current"


class InsuranceStatus(enum.StrEnum):
    MISSING = "missing"
    EXPIRED = "expired"
    EXPIRING_SOON = "expiring_soon"
    CURRENT = "current"


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year.

    Why 28 February and not 1 March: these dates are deadlines for safeguarding checks, and when the law's
    "two years" has no exact calendar day the earlier reading is the safe one.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def training_refresh_due(trained_on: date) -> date:
    """The last day on which training done on ``trained_on`` still counts as current.

    Why: KCSIE expects DSL and deputy DSL training to be refreshed at least every two years, so training
    done on 3 March 2023 must be refreshed by 3 March 2025.
    """
    return add_years(trained_on, TRAINING_VALID_YEARS)


def training_status(trained_on: date | None, on: date) -> TrainingStatus:
    """Whether safeguarding training done on ``trained_on`` is current on day ``on``.

    Why: a DSL or deputy whose training is missing or more than two years old does not meet KCSIE, and the
    commissioner must see that before relying on them to act on a concern about a pupil. Training dated in
    the future (a booked course) does not count yet.
    """
    if trained_on is None or trained_on > on:
        return TrainingStatus.MISSING
    if on > training_refresh_due(trained_on):
        return TrainingStatus.OUT_OF_DATE
    return TrainingStatus.CURRENT


def insurance_status(expiry: date | None, on: date) -> InsuranceStatus:
    """Whether insurance ending on ``expiry`` (the last day of cover) is in force on day ``on``.

    Why: a commissioner must not place a pupil with an uninsured provider, and should chase a renewal
    that falls within the next :data:`INSURANCE_WARNING_DAYS` days (so a policy ending today or in 30 days
    is expiring soon, one ending in 31 days is current, one that ended yesterday has expired).
    """
    if expiry is None:
        return InsuranceStatus.MISSING
    if expiry < on:
        return InsuranceStatus.EXPIRED
    if expiry <= on + timedelta(days=INSURANCE_WARNING_DAYS):
        return InsuranceStatus.EXPIRING_SOON
    return InsuranceStatus.CURRENT
