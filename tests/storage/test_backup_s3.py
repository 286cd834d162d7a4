"""Backup and restore of an installation whose uploads are in object storage: hanse_backup
reads the bucket into the archive, hanse_restore writes it into another bucket prefix, both
as operators run them (child processes configured by S3_* environment variables, so
hanse/settings.py's S3 section is what is tested)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from tests.backup.support import backup, hanse_env, manage, manage_failing, manifest_of
from tests.support.s3 import ACCESS_KEY, BUCKET, REGION, SECRET_KEY, S3Server
from tests.support.sqlite_template import migrated_copy

MAKE_FILES = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
import io
from hanse.people.models import User
from hanse.people.services import avatar_set
out = io.BytesIO()
Image.new("RGB", (300, 200), (1, 2, 3)).save(out, format="PNG")
user = User.objects.create_user(username="anna", email="anna@example.org", password="x-Pass-1")
avatar_set(user=user, upload=SimpleUploadedFile("me.png", out.getvalue(), "image/png"))
print(default_storage.save("attachments/2026/note.txt", ContentFile(b"Notiz im Eimer")))
"""

READ_BACK = """
from django.core.files.storage import default_storage
from hanse.core.storage import uses_object_storage
from hanse.people.models import User
user = User.objects.get(username="anna")
print("object storage:", uses_object_storage(), len(user.avatar.read()), user.avatar_thumbnail.url)
print(default_storage.open("attachments/2026/note.txt").read().decode())
"""


# Its own SQLite installation and S3 server, whatever the run uses (tests/conftest.py).
pytestmark = pytest.mark.own_stack


def _env(data_dir: Path, server: S3Server, prefix: str) -> dict[str, str]:
    return {
        **hanse_env(data_dir),
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": server.endpoint_url,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_REGION": REGION,
        "S3_PREFIX": prefix,
    }


def _objects(server: S3Server, prefix: str) -> dict[str, str]:
    client = server.client()
    found = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/").get("Contents", [])
    return {
        item["Key"].removeprefix(f"{prefix}/"): hashlib.sha256(
            client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        ).hexdigest()
        for item in found
    }


@pytest.mark.heavy
def test_backup_and_restore_through_object_storage(s3_server: S3Server, tmp_path: Path) -> None:
    source_prefix, target_prefix = (f"bk-{uuid.uuid4().hex[:8]}" for _ in range(2))
    source = _env(tmp_path / "var", s3_server, source_prefix)
    # The session's migrated file (tests/support/sqlite_template.py); migrate finds nothing
    # left to apply, as after make run.
    migrated_copy(tmp_path / "var" / "hanse.sqlite3")
    manage(source, "migrate", "--no-input", "-v", "0")
    manage(source, "shell", "-c", MAKE_FILES)
    stored = _objects(s3_server, source_prefix)
    assert len(stored) == 3  # the photo, its thumbnail, the note
    assert not (tmp_path / "var" / "media").exists()  # nothing on disk

    archive = backup(source, tmp_path / "out")
    manifest = manifest_of(archive)
    assert {name: entry["sha256"] for name, entry in manifest["media"].items()} == stored

    target = _env(tmp_path / "restored", s3_server, target_prefix)
    manage(target, "hanse_restore", str(archive))
    assert _objects(s3_server, target_prefix) == stored
    read = manage(target, "shell", "-c", READ_BACK)
    assert "object storage: True" in read
    assert "/media/avatars/thumbs/" in read
    assert "Notiz im Eimer" in read

    # Into a prefix that holds files: refused without --force, with it the files of the backup
    # are written again (and checked against the manifest).
    fresh = _env(tmp_path / "fresh", s3_server, target_prefix)  # an empty database
    refused = manage_failing(fresh, "hanse_restore", str(archive))
    assert refused.returncode != 0
    assert "object storage bucket (S3_BUCKET, S3_PREFIX) already holds files" in refused.stderr
    assert not (tmp_path / "fresh" / "hanse.sqlite3").exists() or "tables" not in refused.stderr
    again = manage(target, "hanse_restore", "--force", str(archive))
    assert again is not None
    assert _objects(s3_server, target_prefix) == stored
