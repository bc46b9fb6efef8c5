"""The processes that open documents: the environment they start with (only what they need, never the
service's secrets), and how they are asked to stop.

The render worker runs uploaded templates and LibreOffice opens the documents they make: both handle content
an organisation's admin chose. Whatever they inherit, a flaw in them could read (``/proc/self/environ``), so
they are started with a fresh environment instead of the service's, which holds ``APDOCS_SECRET_KEY``, the
database URL with its password and the SMTP password.

What they get, found by running LibreOffice with nothing at all: it needs no variable (``PATH`` only to find
``soffice`` by name), but writes caches under ``HOME`` (``.cache/dconf``, ``.config``), so ``HOME`` is the
instance's own folder, removed with it; ``TMPDIR`` too. The locale and time zone are passed on when set, as
they decide how dates and text are formatted; they are never secret.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

#: Passed on from the service's environment when set (the locale and the time zone); nothing else is.
PASSED_ON = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "TZ")
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"


def minimal_environment(
    home: str | Path, tmpdir: str | Path | None = None, *, source: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``PATH``, ``HOME`` and ``TMPDIR`` in the child's own folder, the locale and time zone; nothing else."""
    source = os.environ if source is None else source
    env = {
        "PATH": source.get("PATH") or DEFAULT_PATH,
        "HOME": str(home),
        "TMPDIR": str(tmpdir if tmpdir is not None else home),
    }
    for name in PASSED_ON:
        if source.get(name):
            env[name] = source[name]
    env.setdefault("LANG", "C.UTF-8")
    return env


def ask_to_quit(process: subprocess.Popen | None, grace_s: float) -> None:
    """Send a worker speaking JSON lines on stdin ``{"cmd": "quit"}`` and wait up to ``grace_s`` for it to exit.

    The render worker and the converter worker both take it, so each can tidy up (LibreOffice must be told to
    terminate, or it outlives its worker); the caller kills whatever is left afterwards.
    """
    if process is None or process.poll() is not None:
        return
    try:
        assert process.stdin is not None
        process.stdin.write(b'{"cmd": "quit"}\n')
        process.stdin.flush()
        process.wait(timeout=grace_s)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        pass
