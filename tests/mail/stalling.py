"""SMTP servers on loopback that misbehave as real ones do: one that stops answering at a chosen step (aiosmtpd,
its handler waiting instead of replying) and one that drops the connection in the middle of the message's content
(a plain socket, since aiosmtpd hands the content over only once it has all of it)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.mail.conftest import Received, RecordingHandler, running_smtp


@dataclass
class StallingHandler(RecordingHandler):
    """Stops answering at ``stall_at`` ("MAIL": before the content, or "DATA": once the content has arrived) for
    the first ``stalls`` conversations, then behaves. ``stalled`` is set when it starts to wait."""

    stall_at: str = ""
    stalls: int = 1
    stall_s: float = 600.0
    stalled: threading.Event = field(default_factory=threading.Event)

    def _take_stall(self, step: str) -> bool:
        with self.lock:
            if self.stall_at == step and self.stalls > 0:
                self.stalls -= 1
                return True
            return False

    async def _wait(self) -> None:
        self.stalled.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(self.stall_s)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any) -> str:  # noqa: N802
        if self._take_stall("MAIL"):
            await self._wait()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self._take_stall("DATA"):
            with self.lock:  # the content is here: the server may well deliver it, but it never says so
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            await self._wait()
            return "250 Message accepted for delivery"
        return await super().handle_DATA(server, session, envelope)


@contextlib.contextmanager
def stalling_smtp() -> Iterator[tuple[StallingHandler, int]]:
    """A ``StallingHandler`` behind a real aiosmtpd on 127.0.0.1, and its port (behaving until told to stall)."""
    handler = StallingHandler()
    with running_smtp(handler) as port:
        yield handler, port


@dataclass
class MidDataDropper:
    """A bare SMTP server that accepts the envelope, says 354, reads the first bytes of content and hangs up."""

    port: int = 0
    content_bytes_seen: int = 0
    _sock: socket.socket | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(30)
        self.port = int(self._sock.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        assert self._sock is not None
        with contextlib.suppress(OSError):
            conn, _ = self._sock.accept()
            with conn:
                conn.settimeout(30)
                reader = conn.makefile("rb")
                conn.sendall(b"220 test ESMTP\r\n")
                while line := reader.readline():
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        conn.sendall(b"250 test\r\n")
                    elif verb in (b"MAIL", b"RCPT"):
                        conn.sendall(b"250 OK\r\n")
                    elif verb == b"DATA":
                        conn.sendall(b"354 go ahead\r\n")
                        self.content_bytes_seen = len(reader.readline())
                        return  # hang up in the middle of the content
                    else:
                        conn.sendall(b"250 OK\r\n")

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
        if self._thread is not None:
            self._thread.join(timeout=30)


@contextlib.contextmanager
def dropping_smtp() -> Iterator[MidDataDropper]:
    server = MidDataDropper()
    server.start()
    try:
        yield server
    finally:
        server.stop()
