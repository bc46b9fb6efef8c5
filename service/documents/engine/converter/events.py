"""The converter's recent trouble, shared between processes: one JSON line per event in a small file.

Why a file: the pool lives in the worker process (``apdocs worker``, or the worker child of ``apdocs serve``) and
``/healthz`` is answered by the web process, so counters in memory would always read zero where an operator looks.
Both processes share the instance folder, so the pool appends ``{"t": <unix time>, "event": "crash"}`` lines there
and the health check counts the lines of the last 15 minutes. No schema was allotted for this, and a file needs no
database round trip on the pool's failure path (which may be the moment the database is in trouble too).

Lines hold the time and the kind of event only: never a document's name, a path or a pupil. Appends are single
``write`` calls under ``flock``; when the file passes ``MAX_BYTES`` the writer keeps only the last hour.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: The kinds of event: an instance restarted after a crash or a hang, the causes, and documents that failed.
KINDS = ("restart", "crash", "timeout", "start_failed", "disk_full", "failed", "orphan_removed")
WINDOW_S = 15 * 60
MAX_BYTES = 64 * 1024
KEEP_S = 60 * 60


class ConverterEvents:
    """Appends the converter's events to ``path`` and counts the recent ones. Never raises: health is best effort."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def record(self, event: str, now: float | None = None) -> None:
        line = json.dumps({"t": round(now if now is not None else time.time(), 3), "event": event}) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a+", encoding="utf-8") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    if fh.tell() > MAX_BYTES:
                        self._trim(fh)
                    fh.write(line)
                    fh.flush()
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        except OSError as error:  # a full disk must not turn a conversion failure into a crash of the pool
            log.warning("could not record a converter event in %s: %s", self.path.name, type(error).__name__)

    def counts(self, window_s: float = WINDOW_S, now: float | None = None) -> dict[str, int]:
        """How many events of each kind in the last ``window_s`` seconds (every kind, zero when none)."""
        since = (now if now is not None else time.time()) - window_s
        counts = dict.fromkeys(KINDS, 0)
        for stamp, event in self._read():
            if stamp >= since and event in counts:
                counts[event] += 1
        return counts

    def _read(self) -> list[tuple[float, str]]:
        try:
            with open(self.path, encoding="utf-8") as fh:
                fcntl.flock(fh, fcntl.LOCK_SH)
                lines = fh.readlines()
        except OSError:
            return []
        found = []
        for line in lines:
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                entry = json.loads(line)
                found.append((float(entry["t"]), str(entry["event"])))
        return found

    @staticmethod
    def _trim(fh) -> None:  # type: ignore[no-untyped-def]
        fh.seek(0)
        since = time.time() - KEEP_S
        kept = []
        for line in fh.readlines():
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                if float(json.loads(line)["t"]) >= since:
                    kept.append(line)
        fh.seek(0)
        fh.truncate()
        fh.writelines(kept)
        fh.flush()
        os.fsync(fh.fileno())
