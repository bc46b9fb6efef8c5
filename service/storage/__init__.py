"""Generated files (documents' DOCX and PDF, the Word template copies they are made from, the mail's .eml files)
behind one small interface, so that several machines can share them.

The embedded default is a local folder, ``APDOCS_OUTPUT_DIR`` (``LocalStorage``: today's files, written atomically,
at today's paths). Scaled out, ``APDOCS_STORAGE_URL=s3://bucket/prefix`` keeps them in an S3-compatible object store
(``S3Storage``), which every web and worker process reaches; ``APDOCS_S3_ENDPOINT_URL`` names a store other than
AWS's, and the credentials come from the usual AWS variables or files (never from apdocs' own settings or the repo).

A file is named by a **key**: a relative POSIX path such as ``documents/12/support-plan-v3.pdf``,
``templates/<sha256>.docx`` or ``mail/41-20260101T120000000000Z.eml``, the same text the database rows keep
(``Document.pdf_path``, ``OutboxMessage.eml_path``), so rows written before storage existed still name their files.

There is deliberately no ``url``: a stored file reaches a person only through one of the app's views, after its
access checks (``send_stored``), never through a bucket's public or pre-signed address.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from flask import Response, current_app, has_app_context, send_file

from service.storage.base import BadKey, Storage, StorageError, check_key
from service.storage.local import LocalStorage
from service.storage.s3 import S3Storage, parse_s3_url

__all__ = [
    "BadKey",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StorageError",
    "check_key",
    "current_storage",
    "parse_s3_url",
    "send_stored",
    "storage_for",
]

_S3_STORES: dict[tuple[int, str, str], S3Storage] = {}
_S3_LOCK = threading.Lock()


def storage_for(config: Mapping[str, Any], output_dir: Path | None = None) -> Storage:
    """The store a process's configuration names: S3 when ``APDOCS_STORAGE_URL`` is set, else the local folder
    (``output_dir`` when given, else ``APDOCS_OUTPUT_DIR``). One S3 client per process and store, made once (boto3's
    clients are thread-safe, and making one reads files and costs tens of milliseconds)."""
    url = str(config.get("APDOCS_STORAGE_URL") or "")
    if not url:
        return LocalStorage(output_dir if output_dir is not None else Path(str(config.get("APDOCS_OUTPUT_DIR"))))
    endpoint = str(config.get("APDOCS_S3_ENDPOINT_URL") or "")
    key = (os.getpid(), url, endpoint)
    with _S3_LOCK:
        store = _S3_STORES.get(key)
        if store is None:
            store = _S3_STORES[key] = S3Storage(url, endpoint)
    return store


def current_storage(output_dir: Path | None = None) -> Storage:
    """The store of the running app (``storage_for(current_app.config)``); outside an app, the local folder."""
    if has_app_context():
        return storage_for(current_app.config, output_dir)
    if output_dir is None:
        raise RuntimeError("no app and no output folder: nowhere to keep files")
    return LocalStorage(output_dir)


def send_stored(
    storage: Storage,
    key: str,
    *,
    mimetype: str,
    download_name: str,
    as_attachment: bool = True,
    data: bytes | None = None,
) -> Response:
    """A response carrying a stored file, for a view that has already checked who may have it. ``data``: the bytes
    the view already read (to check their hash), sent as they are rather than read again."""
    path = storage.local_path(key) if data is None else None
    body: Path | BinaryIO = path if path is not None else io.BytesIO(data if data is not None else storage.get(key))
    return send_file(body, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name)
