"""A real S3-compatible server on loopback (moto's, ``moto_server``, run as its own process), and the app on either
store: every test that asks for ``app`` here runs twice, on the local output folder and on a fresh bucket."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from service.settings import Settings
from tests.helpers import require
from tests.mail.conftest import free_port

#: Credentials for the server on loopback only; the variables boto3 reads, as in production.
TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "apdocs-test-key",
    "AWS_SECRET_ACCESS_KEY": "apdocs-test-secret",
    "AWS_DEFAULT_REGION": "eu-west-2",
}


@dataclass
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        """A boto3 client of the test's own, to look into the bucket behind apdocs' back."""
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url)

    def new_bucket(self) -> str:
        name = f"apdocs-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        return name


def _moto_server() -> str | None:
    beside = Path(sys.executable).parent / "moto_server"
    return str(beside) if beside.exists() else shutil.which("moto_server")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """``moto_server -H 127.0.0.1 -p <free port>`` for the whole run, stopped at the end."""
    program = _moto_server()
    require("" if program else "moto_server is not installed (pip install 'moto[server]', in the test extras)")
    assert program is not None
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in TEST_CREDENTIALS.items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            patch.delenv(name, raising=False)
        process = None
        for _ in range(5):  # another process may take the free port between finding and binding it
            port = free_port()
            process = subprocess.Popen(  # noqa: S603 - our own venv's program, fixed arguments
                [program, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
            )
            endpoint = f"http://127.0.0.1:{port}"
            if _answers(endpoint, process):
                break
            process.kill()
            process.wait()
            process = None
        assert process is not None, "moto_server did not start: " + log.name
        try:
            yield S3Server(endpoint)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _answers(endpoint: str, process: subprocess.Popen[bytes]) -> bool:
    """Wait until the server answers HTTP (it takes a second or two to import), or has exited."""
    deadline = time.monotonic() + 60  # a readiness wait, not a measurement
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310 - loopback, http
                return True
        except OSError:
            time.sleep(0.1)
    return False


@pytest.fixture(params=["local", "s3"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def base_settings(base_settings: Settings, store_kind: str, request: pytest.FixtureRequest) -> Settings:
    """The suite's settings, with the generated files in a fresh bucket of the S3 server for ``s3``."""
    if store_kind == "local":
        return base_settings
    server: S3Server = request.getfixturevalue("s3_server")
    return replace(base_settings, storage_url=f"s3://{server.new_bucket()}/apdocs", s3_endpoint_url=server.endpoint_url)


def bucket_keys(server: S3Server, storage_url: str) -> list[str]:
    """Every key in the bucket of ``storage_url``, as the object store lists them."""
    bucket = storage_url.removeprefix("s3://").partition("/")[0]
    listed = server.client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
