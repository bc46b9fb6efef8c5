"""Files under the output folder: written atomically, identified by SHA-256.

A file (a document's PDF, a template, an .eml the file transport writes) either is there whole or is not
there: a crash mid-write leaves only a temporary file with a unique name, never a half-written PDF, and two
writers never share a name. In the core, not in documents: mail and signing write and check files too, and
need nothing else from documents to do it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
