"""The mail settings of one app (``APDOCS_SMTP_*``, ``APDOCS_MAIL_*``, ``APDOCS_LINK_EXPIRY_DAYS``).

Their own module because every other part of the outbox (queueing, secure links, delivery, transports)
reads them, and none of those should have to import another to do so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class MailSettings:
    """The mail settings of one app (``APDOCS_SMTP_*``, ``APDOCS_MAIL_*``), read from its config.

    Read from the Flask config rather than the environment, so a worker and a test use exactly the
    app they were given.
    """

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_s: int = 60
    mail_from: str = "apdocs@localhost"
    max_attempts: int = 5
    retry_base_s: int = 60
    link_expiry_days: int = 7
    base_url: str = "http://127.0.0.1:5000"
    output_dir: Path = Path("output")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        return cls(
            smtp_host=str(config.get("APDOCS_SMTP_HOST") or ""),
            smtp_port=int(config.get("APDOCS_SMTP_PORT") or 587),
            smtp_security=str(config.get("APDOCS_SMTP_SECURITY") or "starttls"),
            smtp_user=str(config.get("APDOCS_SMTP_USER") or ""),
            smtp_password=str(config.get("APDOCS_SMTP_PASSWORD") or ""),
            smtp_timeout_s=int(config.get("APDOCS_SMTP_TIMEOUT_S") or 60),
            mail_from=str(config.get("APDOCS_MAIL_FROM") or "apdocs@localhost"),
            max_attempts=int(config.get("APDOCS_MAIL_MAX_ATTEMPTS") or 5),
            retry_base_s=int(config.get("APDOCS_MAIL_RETRY_BASE_S") or 60),
            link_expiry_days=int(config.get("APDOCS_LINK_EXPIRY_DAYS") or 7),
            base_url=str(config.get("APDOCS_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            output_dir=Path(str(config.get("APDOCS_OUTPUT_DIR") or "output")),
        )

    @property
    def sending_stale_after(self) -> timedelta:
        """How long a claimed message may stay "sending" before its worker is taken for dead.

        Every step of the conversation times out after ``smtp_timeout_s``; a conversation has about a
        dozen steps, so a claim older than this was left by a worker that stopped.
        """
        return timedelta(seconds=max(300, self.smtp_timeout_s * 12))

    def retry_delay(self, attempts: int) -> timedelta:
        """Back-off after the n-th failed attempt: base, 5 × base, 25 × base… (1, 5, 25, 125 minutes by default)."""
        return timedelta(seconds=self.retry_base_s * 5 ** max(0, attempts - 1))


def mail_settings() -> MailSettings:
    return MailSettings.from_config(current_app.config)
