"""Weekly hours as the rules take them: an exact Decimal, never a float, never negative or infinite."""

from __future__ import annotations

from decimal import Decimal


def weekly_hours(value: object, what: str = "Weekly hours") -> Decimal:
    """``value`` as a Decimal number of hours a week; ``what`` names it in the error.

    Why strict: 18 and 30 hours are legal thresholds, and a float such as 18.000000001 must not tip a
    provider over one; negative or non-finite hours can only be a data-entry error that would otherwise
    silently change a total.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}.")
    hours = Decimal(value)
    if not hours.is_finite():
        raise ValueError(f"{what} must be a finite number.")
    if hours < 0:
        raise ValueError(f"{what} cannot be negative: {hours}.")
    return hours
