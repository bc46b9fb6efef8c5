"""What /proc says about the pool's processes (Linux): alive or not, who is in a process group, and how much memory
each holds. The pool kills and measures whole process groups (worker, oosplash, soffice.bin), so it reads these
instead of trusting a child's exit status."""

from __future__ import annotations

import os

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, pgid) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def process_alive(pid: int | None) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    if not pid:
        return False
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def group_members(pgids: set[int]) -> list[int]:
    """Live (non-zombie) processes whose process group is one of ``pgids``."""
    if not pgids:
        return []
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        stat = _proc_stat(int(entry))
        if stat and stat[2] in pgids and stat[0] not in ("Z", "X"):
            members.append(int(entry))
    return members


def rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` in kB, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0
