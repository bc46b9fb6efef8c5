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
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from flask import Response, current_app, has_app_context, send_file

from service.files import write_atomically


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


class S3Storage:
    """An S3-compatible object store: ``s3://bucket/prefix``. A PUT of a whole object is atomic in S3 (a reader gets
    the old object or the new), which is all ``put`` promises. The bucket stays private: nothing here makes an
    address a browser could fetch."""

    kind = "s3"

    def __init__(self, url: str, endpoint_url: str = "", client: Any = None) -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        if client is None:
            import boto3  # only when S3 is configured: the embedded default never loads it
            from botocore.config import Config

            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url or None,
                config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=60),
            )
        self.client = client

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, method: str, key: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, Key=self._key(key), **kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(key) from None
            # The code only (AccessDenied, NoSuchBucket, SlowDown): the message may carry the bucket and the key.
            raise StorageError(f"the object store refused {method}: {code or 'error'}") from None
        except BotoCoreError as error:
            raise StorageError(f"the object store could not be reached: {type(error).__name__}") from None

    def put(self, key: str, data: bytes) -> None:
        self._call("put_object", key, Body=data)

    def get(self, key: str) -> bytes:
        return self._call("get_object", key)["Body"].read()

    def open(self, key: str) -> BinaryIO:
        # Documents are a few MB at most: read whole, so a slow store never holds a web thread mid-response.
        return io.BytesIO(self.get(key))

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", key)
        except (FileNotFoundError, BadKey):
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", key)

    def local_path(self, key: str) -> None:
        return None


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/prefix``; raises ``ValueError`` with the variable named otherwise."""
    if not url.startswith("s3://"):
        raise ValueError("APDOCS_STORAGE_URL must look like s3://bucket/prefix")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    if not bucket or "/" in bucket:
        raise ValueError("APDOCS_STORAGE_URL must name a bucket: s3://bucket/prefix")
    if prefix:
        try:
            check_key(prefix)
        except BadKey:
            raise ValueError("APDOCS_STORAGE_URL's prefix must be a plain path: s3://bucket/prefix") from None
    return bucket, prefix


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
