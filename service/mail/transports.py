"""Transports: how a built message is handed over, and what a failure means for whether it went.

The SMTP conversation is taken step by step. Until the message's content starts to go to the server,
nothing can have been delivered, so a failure there is "not sent" (``NotSent``): the message is tried
again later. Once the content has started to go, only the server's final reply says what happened: 250
is sent, a refusal is not sent, and no reply at all (the connection dropped) is "may have been sent"
(``MaybeSent``), which a person checks.

Errors are written for people and name steps and reply codes, never what the server said (which often
quotes the address).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Any, Protocol

from flask import Flask

from service.db import utcnow
from service.mail.settings import MailSettings
from service.storage import Storage, storage_for


class NotSent(Exception):  # noqa: N818 - names the outcome, as MaybeSent does
    """Nothing can have been delivered: safe to try again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MaybeSent(Exception):  # noqa: N818
    """The content may have reached the server without the server saying it took it: a person checks."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transport(Protocol):
    """Hands one built message over. Returns the .eml path (relative to the output folder) or "".

    Raises ``NotSent`` when nothing can have gone, ``MaybeSent`` when it cannot tell. Calls ``content_starts``
    (if given) just before the first byte of content goes: the point of no return, which the caller records.
    """

    name: str

    def send(
        self,
        email: EmailMessage,
        *,
        sender: str,
        recipients: Sequence[str],
        outbox_id: int,
        content_starts: Callable[[], None] | None = None,
    ) -> str: ...


_DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


class SmtpTransport:
    """Sends over SMTP, one step at a time, so a failure is known to be before or after the point of no return."""

    name = "smtp"

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(
        self,
        email: EmailMessage,
        *,
        sender: str,
        recipients: Sequence[str],
        outbox_id: int,
        content_starts: Callable[[], None] | None = None,
    ) -> str:
        smtp = self._open_envelope(sender, recipients)
        if content_starts is not None:
            try:
                content_starts()
            except BaseException:
                _close(smtp)  # nothing of the content went: the server drops the envelope
                raise
        self._send_content(smtp, email)
        return ""

    def _open_envelope(self, sender: str, recipients: Sequence[str]) -> smtplib.SMTP:
        """Everything before the point of no return: connect, greet, sign in, give sender and recipients, and
        ask to send. Any failure here is ``NotSent``: nothing of the content has gone."""
        s = self.settings
        step = "connect to the mail server"
        smtp: smtplib.SMTP | None = None
        try:
            context = ssl.create_default_context()
            if s.smtp_security == "tls":
                smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s, context=context)
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s)
            step = "greet the mail server"
            smtp.ehlo_or_helo_if_needed()
            if s.smtp_security == "starttls":
                step = "start an encrypted connection (STARTTLS)"
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_user:
                step = "sign in to the mail server"
                smtp.login(s.smtp_user, s.smtp_password)
            step = "give the sender"
            code, _ = smtp.mail(sender)
            if code != 250:
                raise NotSent(f"Not sent: the mail server refused the sender address ({code})")
            for number, recipient in enumerate(recipients, start=1):
                step = "give the recipients"
                code, _ = smtp.rcpt(recipient)
                if code not in (250, 251):
                    # Sending to the others now and to this one later would send the others two copies.
                    raise NotSent(f"Not sent: the mail server refused recipient {number} of {len(recipients)} ({code})")
            step = "start sending the message"
            smtp.putcmd("data")
            code, _ = smtp.getreply()
            if code != 354:
                raise NotSent(f"Not sent: the mail server would not take the message ({code})")
            return smtp
        except NotSent:
            _close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as error:
            _close(smtp)
            raise NotSent(
                f"Not sent: the mail server did not accept the user name and password ({error.smtp_code})"
            ) from None
        except smtplib.SMTPResponseException as error:
            _close(smtp)
            raise NotSent(f"Not sent: the mail server refused to {step} ({error.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as error:
            _close(smtp)
            raise NotSent(f"Not sent: could not {step} ({_kind(error)})") from None

    def _send_content(self, smtp: smtplib.SMTP, email: EmailMessage) -> None:
        """The point of no return: from the first byte of content, the server may deliver it, so a lost
        connection is ``MaybeSent`` and only a refusal in the final reply is ``NotSent``."""
        try:
            data = _DOT_AT_LINE_START.sub(b"..", email.as_bytes(policy=SMTP_POLICY))
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            smtp.send(data + b".\r\n")
            code, _ = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            _close(smtp)
            if _timed_out(error):
                raise MaybeSent(
                    "May have been sent: the mail server did not confirm receiving the message within "
                    f"{self.settings.smtp_timeout_s} second{'' if self.settings.smtp_timeout_s == 1 else 's'}, so we "
                    "stopped waiting (no answer in time)"
                ) from None
            raise MaybeSent(
                "May have been sent: the connection to the mail server was lost while sending the message, "
                f"before it confirmed receiving it ({_kind(error)})"
            ) from None
        if code != 250:
            _close(smtp)
            raise NotSent(f"Not sent: the mail server refused the message ({code})")
        with contextlib.suppress(smtplib.SMTPException, OSError):  # it said 250: the message is the server's now
            smtp.quit()


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()


def _timed_out(error: BaseException) -> bool:
    """Whether our own timeout ended the step. smtplib turns a timed-out read or write into
    ``SMTPServerDisconnected`` ("Connection unexpectedly closed: timed out"), closing the socket itself: the
    ``TimeoutError`` is what it was raised from (its context), and the server never closed anything."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, TimeoutError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _kind(error: BaseException) -> str:
    """A reason for people that names no address: the error's kind, never its message."""
    if _timed_out(error):
        return "no answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError):
        return "the server closed the connection"
    if isinstance(error, socket.gaierror):
        return "the server's name was not found"
    if isinstance(error, ssl.SSLError):
        return "the encrypted connection failed"
    return type(error).__name__


class FileTransport:
    """The embedded default: each message written whole as ``mail/<id>-<timestamp>.eml`` in storage (the output
    folder, or the object store when scaled out), where the outbox and whoever reads the mailbox find it."""

    name = "file"

    def __init__(self, storage: Storage, folder: str = "mail") -> None:
        self.storage = storage
        self.folder = folder

    def send(
        self,
        email: EmailMessage,
        *,
        sender: str,
        recipients: Sequence[str],
        outbox_id: int,
        content_starts: Callable[[], None] | None = None,
    ) -> str:
        if content_starts is not None:
            content_starts()  # a worker stopped after this may have left the file written
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        key = f"{self.folder}/{outbox_id}-{stamp}.eml"
        try:
            self.storage.put(key, email.as_bytes(policy=SMTP_POLICY))
        except OSError as error:
            raise NotSent(f"Not sent: the .eml file could not be written ({type(error).__name__})") from None
        return key


def transport_for(app_or_config: Flask | Mapping[str, Any]) -> Transport:
    """SMTP when ``APDOCS_SMTP_HOST`` is set; otherwise .eml files under the output folder's ``mail/``."""
    config = app_or_config.config if isinstance(app_or_config, Flask) else app_or_config
    settings = MailSettings.from_config(config)
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FileTransport(storage_for(config, settings.output_dir))
