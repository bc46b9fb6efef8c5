"""The storage interface and what every store shares: its errors and what a key may be."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol


class StorageError(OSError):
    """The store could not be reached or refused the request (not "no such file": that is ``FileNotFoundError``).
    Passing by nature: the same request may well work a minute later, so a job tries again."""


class BadKey(ValueError):  # noqa: N818 - names what it is, as the other errors here do
    """A key that could reach outside the store (absolute, ``..``, empty parts, a backslash)."""


def check_key(key: str) -> str:
    """``key`` if it is a plain relative POSIX path inside the store; raises ``BadKey`` otherwise. Keys come from
    the database, but a row is data: a path in it is never trusted to stay inside the output folder."""
    if not key or "\\" in key or "\x00" in key or key.startswith("/"):
        raise BadKey("not a relative path")
    parts = PurePosixPath(key).parts
    if not parts or any(part in ("", ".", "..") for part in parts) or PurePosixPath(*parts).as_posix() != key:
        raise BadKey("not a plain relative path")
    return key


class Storage(Protocol):
    """Where generated files are kept. Every method takes a key (``check_key``)."""

    #: ``local`` or ``s3``, for the logs and /healthz (never a bucket's name or a path).
    kind: str

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` whole: a reader sees the old bytes or the new, never a part."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes under ``key``; ``FileNotFoundError`` when there are none."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A binary file object to read ``key`` from (the caller closes it); ``FileNotFoundError`` when none."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens when it is not there."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file on this machine's disk that holds ``key``, for the tools that need a path (LibreOffice writes
        its PDF there directly); None for a store that is not a local folder."""
        ...
