"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests, and real documents to send.

The server runs in its own thread with its own event loop, as a mail server is another process to
apdocs; its handler can be told to refuse a recipient, refuse the message, or drop the connection
once the content has arrived, which is how each outcome of a real SMTP conversation is produced.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from service.documents.models import Document, DocumentStatus
from service.files import sha256_of
from tests import factories


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def email(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)  # type: ignore[return-value]


@dataclass
class RecordingHandler:
    """Collects every message the server accepted (or took in before dropping the line)."""

    rcpt_reply: str | None = None  # e.g. "550 5.1.1 No such user here"
    data_reply: str | None = None  # e.g. "554 5.6.0 Message refused"
    drop_after_data: bool = False
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_reply:
            return self.data_reply
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if self.drop_after_data:
            server.transport.abort()  # the content is here; the client never hears the final reply
        return "250 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_smtp(handler: Any) -> Iterator[int]:
    """A real aiosmtpd server on 127.0.0.1 with ``handler``, for as long as the block runs; yields its port."""
    controller = None
    for _ in range(5):  # another process may take the free port between finding and binding it
        port = free_port()
        candidate = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=30)
        try:
            candidate.start()
        except (OSError, RuntimeError, TimeoutError):
            continue
        controller = candidate
        break
    assert controller is not None, "could not start the test SMTP server"
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[RecordingHandler, int]]:
    handler = RecordingHandler()
    with running_smtp(handler) as port:
        yield handler, port


@pytest.fixture
def smtp(app: Flask, smtp_server: tuple[RecordingHandler, int]) -> RecordingHandler:
    """The app sends by SMTP to the test server (plain, on loopback), with generous timeouts."""
    handler, port = smtp_server
    app.config.update(
        APDOCS_SMTP_HOST="127.0.0.1",
        APDOCS_SMTP_PORT=port,
        APDOCS_SMTP_SECURITY="none",
        APDOCS_SMTP_TIMEOUT_S=30,
        APDOCS_MAIL_FROM="apdocs@northbridge.example",
        APDOCS_BASE_URL="https://apdocs.example",
    )
    return handler


def small_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Test document"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ready_document(app: Flask, placement: Any, **kwargs: Any) -> Document:
    """A READY document with a real PDF in the output folder and its SHA-256, as the engine leaves one."""
    data = small_pdf()
    version = kwargs.pop("version", 1)
    relative = f"documents/{placement.id}/support-plan-placement-{placement.id}-v{version}.pdf"
    path = Path(app.config["APDOCS_OUTPUT_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return factories.DocumentFactory(
        placement=placement,
        version=version,
        status=DocumentStatus.READY,
        pdf_path=relative,
        pdf_sha256=sha256_of(data),
        docx_path=relative.removesuffix(".pdf") + ".docx",
        **kwargs,
    )


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Zoë", legal_last_name="O'Connor-Smith")
    return factories.PlacementFactory(pupil=pupil, provider=provider)


@pytest.fixture
def document(app: Flask, placement: Any) -> Document:
    return ready_document(app, placement)
