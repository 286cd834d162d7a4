"""A real S3 API server for the object storage tests: moto in server mode (``moto_server``) on
a free port, in a process of its own, with one bucket. Hanse talks to it through
django-storages and boto3 over HTTP exactly as it talks to MinIO or Ceph RGW.

``s3_storage`` points the default storage at it for one test, under a prefix of that test's
own (``S3_PREFIX``), so tests never see each other's files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.missing import skip_or_fail
from tests.support.processes import free_port

BUCKET = "hanse-test"
ACCESS_KEY = "hanse-test-key"  # moto accepts any credentials
SECRET_KEY = "hanse-test-secret"  # a throwaway local server's
REGION = "eu-central-1"


@dataclass
class S3Server:
    endpoint_url: str
    process: subprocess.Popen[bytes]
    log: Path
    prefix: str = ""  # the current test's folder in the bucket (s3_storage)

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _moto_server() -> str | None:
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.is_file() else shutil.which("moto_server")


def _answers(endpoint_url: str) -> bool:
    try:
        httpx.get(f"{endpoint_url}/moto-api/", timeout=1)
    except httpx.HTTPError:
        return False
    return True


def start(log: Path) -> S3Server:
    """Start moto_server on a free port and wait until it answers; with the bucket made."""
    binary = _moto_server()
    if binary is None:
        skip_or_fail('moto_server is not installed (pip install "moto[server]", the dev extra)')
    port = free_port()
    env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603  # a fixed binary with our arguments
            [str(binary), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = S3Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while not _answers(server.endpoint_url):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"moto_server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)
    server.client().create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = start(tmp_path_factory.mktemp("s3") / "moto.log")
    try:
        yield server
    finally:
        server.stop()


def storage_settings(endpoint_url: str, prefix: str) -> dict[str, Any]:
    """STORAGES["default"] as hanse/settings.py builds it for these S3_* settings."""
    from hanse.core.storage import S3_BACKEND, s3_options

    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": s3_options(
            bucket=BUCKET,
            endpoint_url=endpoint_url,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            region=REGION,
            prefix=prefix,
            timeout=3,
        ),
    }


@pytest.fixture
def s3_storage(s3_server: S3Server, settings: Any) -> Iterator[S3Server]:
    """The default storage is the S3 server's bucket, under a prefix of this test's own; the
    filesystem's MEDIA_ROOT is checked to stay empty by the tests that care."""
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(s3_server.endpoint_url, prefix),
    }
    s3_server.prefix = prefix
    yield s3_server
    s3_server.prefix = ""


def object_names(server: S3Server) -> list[str]:
    """Every object of the current test's prefix, without the prefix."""
    found = server.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{server.prefix}/")
    return sorted(o["Key"].removeprefix(f"{server.prefix}/") for o in found.get("Contents", []))


def object_bytes(server: S3Server, name: str) -> bytes:
    got = server.client().get_object(Bucket=BUCKET, Key=f"{server.prefix}/{name}")
    return bytes(got["Body"].read())
