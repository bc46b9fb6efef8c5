"""The independent-school registration rule as this installation is configured.

Why a function of its own: the day the Children's Wellbeing and Schools Act 2026 s43 commences and the
full-time hours it brings are settings (``APDOCS_CWSA_S43_COMMENCEMENT``, ``APDOCS_REGISTRATION_FULL_TIME_HOURS``),
read when the service starts; the agreement checks and the dashboards must apply the same rule, so both build it
here from the app's configuration.
"""

from __future__ import annotations

from decimal import Decimal

from flask import current_app

from service.rules.registration import FULL_TIME_AT_PROVIDER_HOURS, RegistrationRule


def registration_rule() -> RegistrationRule:
    """The registration rule from the running app's settings (README, "Configuration")."""
    config = current_app.config
    hours = config.get("APDOCS_REGISTRATION_FULL_TIME_HOURS", FULL_TIME_AT_PROVIDER_HOURS)
    return RegistrationRule(
        commencement=config.get("APDOCS_CWSA_S43_COMMENCEMENT"),
        full_time_hours=hours if isinstance(hours, Decimal) else Decimal(str(hours)),
    )
