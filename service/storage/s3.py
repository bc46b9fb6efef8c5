"""An S3-compatible object store (AWS S3, MinIO, Ceph, a cloud's S3 service) through boto3."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from service.storage.base import BadKey, StorageError, check_key


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
