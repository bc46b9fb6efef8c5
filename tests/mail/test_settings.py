"""The mail settings come from APDOCS_* variables, with defaults that need nothing installed."""

from __future__ import annotations

import pytest

from service.mail.settings import MailSettings
from service.settings import Settings


def test_defaults_write_files_and_link_to_where_apdocs_serves(monkeypatch):
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "MAIL_FROM", "BASE_URL", "LINK_EXPIRY_DAYS"):
        monkeypatch.delenv(f"APDOCS_{name}", raising=False)
    monkeypatch.setenv("APDOCS_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("APDOCS_PORT", "5050")
    config = Settings.from_env().flask_config()
    mail = MailSettings.from_config(config)
    assert mail.smtp_host == "" and mail.smtp_port == 587 and mail.smtp_security == "starttls"
    assert mail.mail_from == "apdocs@localhost" and mail.max_attempts == 5 and mail.link_expiry_days == 7
    assert mail.base_url == "http://127.0.0.1:5050"


def test_every_mail_setting_is_read(monkeypatch):
    monkeypatch.setenv("APDOCS_SECRET_KEY", "test-secret-key-not-for-production")
    values = {
        "SMTP_HOST": "smtp.school.example",
        "SMTP_PORT": "465",
        "SMTP_SECURITY": "TLS",
        "SMTP_USER": "apdocs",
        "SMTP_PASSWORD": "s3cret",
        "MAIL_FROM": "apdocs@school.example",
        "MAIL_MAX_ATTEMPTS": "3",
        "MAIL_RETRY_BASE_S": "120",
        "LINK_EXPIRY_DAYS": "14",
        "BASE_URL": "https://apdocs.school.example/",
    }
    for name, value in values.items():
        monkeypatch.setenv(f"APDOCS_{name}", value)
    mail = MailSettings.from_config(Settings.from_env().flask_config())
    assert (mail.smtp_host, mail.smtp_port, mail.smtp_security) == ("smtp.school.example", 465, "tls")
    assert (mail.smtp_user, mail.smtp_password, mail.mail_from) == ("apdocs", "s3cret", "apdocs@school.example")
    assert (mail.max_attempts, mail.retry_base_s, mail.link_expiry_days) == (3, 120, 14)
    assert mail.base_url == "https://apdocs.school.example"


def test_an_unknown_security_setting_stops_start_up_rather_than_send_in_the_clear(monkeypatch):
    monkeypatch.setenv("APDOCS_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("APDOCS_SMTP_SECURITY", "ssl-please")
    with pytest.raises(ValueError, match="APDOCS_SMTP_SECURITY"):
        Settings.from_env()
