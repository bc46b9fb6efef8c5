"""The converter pool's settings (``APDOCS_CONVERTER_*``), its one error, and whether LibreOffice and a Python with
``uno`` are installed: what callers need without starting anything."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field


class ConversionFailed(Exception):
    """A document could not be converted.

    ``reason`` says what happened, for an engineer or the log (it may quote LibreOffice and name a file, never a
    pupil: files are named by document type, placement number and version). ``plain`` is what a SENCO or LA officer
    is shown: plain English, no path, no exception, no LibreOffice text. ``transient`` is true when the same
    document may well convert later (LibreOffice crashed, hung or could not start; the disk was full), so a job's
    own retry is worth it; false when it would fail again (a corrupt template)."""

    def __init__(self, reason: str, *, plain: str = "", transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.plain = plain or reason
        self.transient = transient


#: What a user is told when the disk the PDF goes to (or LibreOffice's scratch space) is full.
DISK_FULL = "The server ran out of space to save the document; try again later or tell your administrator"


def _default_pool_size() -> int:
    cpus = os.cpu_count() or 1
    return min(cpus, 2) if cpus <= 2 else cpus


@dataclass(frozen=True)
class PoolSettings:
    size: int = field(default_factory=_default_pool_size)
    timeout_s: float = 60.0
    max_docs_per_instance: int = 200
    retries: int = 2
    retry_backoff_s: float = 1.0
    uno_python: str = "/usr/bin/python3"
    soffice: str = "soffice"
    start_timeout_s: float = 60.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> PoolSettings:
        env = os.environ if environ is None else environ

        def number(name: str, default, cast):
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = cast(raw)
            except ValueError as exc:
                raise ValueError(f"{name} must be a number, got {raw!r}") from exc
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {raw!r}")
            return value

        def retries() -> int:
            raw = env.get("APDOCS_CONVERTER_RETRIES", "").strip()
            if not raw:
                return 2
            if not raw.isdigit():
                raise ValueError(f"APDOCS_CONVERTER_RETRIES must be a whole number, got {raw!r}")
            return int(raw)

        return cls(
            retries=retries(),
            retry_backoff_s=number("APDOCS_CONVERTER_RETRY_BACKOFF_S", 1.0, float),
            size=number("APDOCS_CONVERTER_POOL_SIZE", _default_pool_size(), int),
            timeout_s=number("APDOCS_CONVERTER_TIMEOUT_S", 60.0, float),
            max_docs_per_instance=number("APDOCS_CONVERTER_MAX_DOCS", 200, int),
            uno_python=env.get("APDOCS_UNO_PYTHON", "").strip() or "/usr/bin/python3",
            soffice=env.get("APDOCS_SOFFICE", "").strip() or "soffice",
            start_timeout_s=number("APDOCS_CONVERTER_START_TIMEOUT_S", 60.0, float),
        )


def uno_python_available(settings: PoolSettings | None = None) -> bool:
    """Can ``settings.uno_python`` ``import uno``?"""
    settings = settings or PoolSettings()
    try:
        result = subprocess.run(  # noqa: S603
            [settings.uno_python, "-I", "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def soffice_available(settings: PoolSettings | None = None) -> bool:
    """Is ``settings.soffice`` an executable (a path, or a name on PATH)?"""
    settings = settings or PoolSettings()
    return shutil.which(settings.soffice) is not None
