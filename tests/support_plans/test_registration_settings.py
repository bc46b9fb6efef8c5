"""The registration settings: APDOCS_CWSA_S43_COMMENCEMENT (unset: the current law) and
APDOCS_REGISTRATION_FULL_TIME_HOURS (18), read at start-up; a nonsense value stops the service starting, with the
variable named, rather than apply a rule nobody chose."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from service.app import create_app
from service.rules.registration import RegistrationRule
from service.settings import Settings
from service.support_plans.registration import registration_rule


@pytest.fixture
def environment(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APDOCS_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.delenv("APDOCS_CWSA_S43_COMMENCEMENT", raising=False)
    monkeypatch.delenv("APDOCS_REGISTRATION_FULL_TIME_HOURS", raising=False)
    return monkeypatch


def test_by_default_the_current_law_applies(environment):
    settings = Settings.from_env()
    assert settings.cwsa_s43_commencement is None
    assert settings.registration_full_time_hours == Decimal(18)


@pytest.mark.parametrize(
    ("commencement", "hours", "expected"),
    [
        pytest.param("2027-09-01", "", (date(2027, 9, 1), Decimal(18)), id="date-only"),
        pytest.param(" 2027-09-01 ", "16.5", (date(2027, 9, 1), Decimal("16.5")), id="date-and-hours"),
        pytest.param("", "12", (None, Decimal(12)), id="hours-only"),
    ],
)
def test_the_settings_are_read(environment, commencement, hours, expected):
    environment.setenv("APDOCS_CWSA_S43_COMMENCEMENT", commencement)
    environment.setenv("APDOCS_REGISTRATION_FULL_TIME_HOURS", hours)
    settings = Settings.from_env()
    assert (settings.cwsa_s43_commencement, settings.registration_full_time_hours) == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param("CWSA_S43_COMMENCEMENT", "1/9/2027", "must be a date written YYYY-MM-DD", id="uk-date"),
        pytest.param("CWSA_S43_COMMENCEMENT", "2027-02-30", "must be a date written YYYY-MM-DD", id="no-such-day"),
        pytest.param("CWSA_S43_COMMENCEMENT", "soon", "must be a date written YYYY-MM-DD", id="words"),
        pytest.param("REGISTRATION_FULL_TIME_HOURS", "eighteen", "must be a number of hours a week", id="words"),
        pytest.param("REGISTRATION_FULL_TIME_HOURS", "0", "must be more than 0 and at most 168", id="zero"),
        pytest.param("REGISTRATION_FULL_TIME_HOURS", "-5", "must be more than 0 and at most 168", id="negative"),
        pytest.param(
            "REGISTRATION_FULL_TIME_HOURS", "169", "must be more than 0 and at most 168", id="more-than-a-week"
        ),
        pytest.param("REGISTRATION_FULL_TIME_HOURS", "NaN", "must be more than 0 and at most 168", id="nan"),
        pytest.param("REGISTRATION_FULL_TIME_HOURS", "Infinity", "must be more than 0 and at most 168", id="infinity"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(environment, name, value, message):
    environment.setenv(f"APDOCS_{name}", value)
    with pytest.raises(ValueError, match=f"APDOCS_{name} {message}"):
        Settings.from_env()


def test_the_app_builds_the_rule_from_its_settings(base_settings, tmp_path):
    settings = replace(
        base_settings,
        output_dir=tmp_path,
        cwsa_s43_commencement=date(2027, 9, 1),
        registration_full_time_hours=Decimal("16.5"),
    )
    with create_app(settings).app_context():
        assert registration_rule() == RegistrationRule(date(2027, 9, 1), Decimal("16.5"))
    with create_app(replace(base_settings, output_dir=tmp_path)).app_context():
        assert registration_rule() == RegistrationRule(None, Decimal(18))
