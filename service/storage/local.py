"""The embedded default: generated files under the output folder, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from service.files import write_atomically
from service.storage.base import BadKey, check_key


class LocalStorage:
    """The embedded default: files under one folder (``APDOCS_OUTPUT_DIR``), written atomically (a temporary file
    beside the target, renamed), so a crash leaves the old file or none, never half of one."""

    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        root = self.root.resolve()
        path = (root / check_key(key)).resolve()
        if not path.is_relative_to(root):  # a symbolic link inside the folder that leads out of it
            raise BadKey("outside the output folder")
        return path

    def put(self, key: str, data: bytes) -> None:
        write_atomically(self._path(key), data)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except BadKey:
            return False

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path:
        return self._path(key)
