"""Where uploaded files live: the data directory (one machine) or S3-compatible object storage
(MinIO, Ceph RGW, ...) when ``S3_BUCKET`` is set (several machines; docs/operations.md).

Every reader and writer of uploads goes through Django's storage API (``default_storage``,
``FieldFile.open``), never through filesystem paths, so both work the same. Files are never
handed to browsers by the object store: ``HanseS3Storage.url`` names Hanse's own address
(``MEDIA_URL``), and every file is streamed through Hanse after its permission check
(docs/security.md, "Uploaded files on object storage")."""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.utils.encoding import filepath_to_uri

logger = logging.getLogger(__name__)

S3_BACKEND = "hanse.core.storage.HanseS3Storage"

try:  # django-storages with boto3: installed with Hanse, used only when S3_BUCKET is set
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - a checkout without the dependency
    S3Storage = object


class HanseS3Storage(S3Storage):
    """django-storages' S3 backend with Hanse's rules: never overwrite (a second upload of a
    name gets a new name, as on the filesystem), no ACLs (the bucket stays private), and URLs
    that point at Hanse, not at the bucket."""

    file_overwrite = False
    default_acl = None
    querystring_auth = False

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"


def uses_object_storage(storage: Storage | None = None) -> bool:
    """Whether ``storage`` (default: the default storage) is object storage, not a folder."""
    return S3Storage is not object and isinstance(storage or default_storage, S3Storage)


def s3_options(
    *,
    bucket: str,
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
    prefix: str = "",
    ca_bundle: str = "",
    addressing_style: str = "path",
    timeout: int = 10,
) -> dict[str, Any]:
    """The OPTIONS of ``STORAGES['default']`` for these S3 settings (hanse/settings.py)."""
    from botocore.config import Config

    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": False,
        "signature_version": "s3v4",
        "addressing_style": addressing_style or "path",
        "client_config": Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": addressing_style or "path"},
            signature_version="s3v4",
        ),
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if access_key:
        options["access_key"] = access_key
    if secret_key:
        options["secret_key"] = secret_key
    if region:
        options["region_name"] = region
    if ca_bundle:
        options["verify"] = ca_bundle
    return options


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name under ``folder`` of ``storage``, sorted (folders first-level by name)."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(dirs):
        yield from walk(storage, posixpath.join(folder, sub) if folder else sub)


def check_object_storage() -> dict[str, Any] | None:
    """Readiness of the object store: the bucket answers a HEAD with our credentials. None
    when files are kept on the filesystem. Raises when the store cannot be reached."""
    if not uses_object_storage():
        return None
    backend: Any = default_storage
    client = backend.connection.meta.client
    client.head_bucket(Bucket=backend.bucket_name)
    return {"bucket": backend.bucket_name}
