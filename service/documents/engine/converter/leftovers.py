"""Who owns an ``apdocs-lo-*`` instance folder, and the sweep that removes the ones whose owner is gone.

Each slot's folder (profile, LibreOffice's scratch files) holds an ``owner`` file: the pid of the process that runs
the pool and that process's start time (``/proc/<pid>/stat`` field 22, so a recycled pid is not mistaken for the
owner). Normally the slot, or the UNO worker when it sees its parent die, removes the folder and its LibreOffice.
When nobody is left to do so (the service and its UNO workers killed together, by ``kill -9`` of the whole service or
the out-of-memory killer), the next pool to start on the machine finds the folder, kills every process still running
from it (``soffice.bin`` lists the folder in its arguments) and removes it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "apdocs-lo-"
OWNER_FILE = "owner"
#: A folder without an owner file (made by an older apdocs) is swept only when no process uses it and it is older
#: than this: a slot writes its owner file right after creating the folder, so a younger one may be starting.
UNOWNED_GRACE_S = 120.0


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None if it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def write_owner(folder: str) -> None:
    """Mark ``folder`` as this process's."""
    pid = os.getpid()
    Path(folder, OWNER_FILE).write_text(f"{pid} {start_time(pid) or ''}\n", encoding="ascii")


def owner_alive(folder: Path) -> bool | None:
    """True if the folder's owner still runs, False if it is gone, None if the folder has no owner file."""
    try:
        pid_text, _, started = Path(folder, OWNER_FILE).read_text(encoding="ascii").strip().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    current = start_time(pid)
    return current is not None and (not started or current == started)


def processes_using(folders: list[Path]) -> dict[Path, list[int]]:
    """For each folder, the live processes whose command line names it (soffice.bin, oosplash, the UNO worker)."""
    found: dict[Path, list[int]] = {folder: [] for folder in folders}
    needles = {folder: str(folder).encode() for folder in folders}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if PREFIX.encode() not in cmdline:
            continue
        for folder, needle in needles.items():
            if needle + b"/" in cmdline and start_time(int(entry)) is not None:
                found[folder].append(int(entry))
    return found


def sweep(tmpdir: str | None = None, now: float | None = None) -> int:
    """Kill what runs from, and remove, every instance folder of this user whose owner is gone. Returns how many.

    Never raises: a sweep that cannot finish leaves the rest for the next one."""
    base = Path(tmpdir or tempfile.gettempdir())
    now = now if now is not None else time.time()
    try:
        candidates = [
            path
            for path in base.iterdir()
            if path.name.startswith(PREFIX) and path.is_dir() and path.stat().st_uid == os.getuid()
        ]
    except OSError:
        return 0
    stale = []
    for folder in candidates:
        alive = owner_alive(folder)
        if alive:
            continue
        if alive is None:
            with contextlib.suppress(OSError):
                if now - folder.stat().st_mtime < UNOWNED_GRACE_S:
                    continue
        stale.append(folder)
    if not stale:
        return 0
    users = processes_using(stale)
    removed = 0
    for folder in stale:
        pids = users[folder]
        if pids and owner_alive(folder) is None:
            continue  # an older apdocs's instance, still in use by its live pool
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(start_time(pid) is not None for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.02)
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
        if pids:
            log.warning("killed %d LibreOffice process(es) left running by a converter that is gone", len(pids))
    if removed:
        log.warning("removed %d LibreOffice instance folder(s) left by converters that are gone", removed)
    return removed
