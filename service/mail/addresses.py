"""Who a message can go to, and the Message-ID it goes with.

Apart from the outbox because a secure link is reserved for one checked address too, before there is any
message to queue.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email

from service.errors import FieldError


def valid_address(address: str) -> str:
    """The address normalised, or ``FieldError`` ("to") when it is not one an email can be sent to."""
    return valid_recipients([address])[0]


def valid_recipients(to: Sequence[str]) -> list[str]:
    """Each address checked and normalised (no duplicates); ASCII only, as every SMTP server accepts."""
    if not to:
        raise FieldError("to", "Enter an email address to send to")
    recipients: list[str] = []
    for raw in to:
        try:
            address = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False).normalized
        except EmailNotValidError as error:
            raise FieldError("to", "Enter an email address in the correct format, like name@example.org") from error
        if address.lower() not in (r.lower() for r in recipients):
            recipients.append(address)
    return recipients


def new_message_id(mail_from: str) -> str:
    """A Message-ID that is random (it names nobody) and on the sender's domain, as RFC 5322 asks."""
    domain = mail_from.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"
