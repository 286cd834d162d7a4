"""The scheduled sweep removes stored files no row points to, once they are a day old."""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hanse.core.uploads import sweep_orphans
from hanse.jobs import scheduler
from hanse.jobs.models import ScheduledJob
from hanse.people.models import User
from hanse.posts.services.posts import post_create


def _write(name: str, *, hours_old: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    stamp = time.time() - hours_old * 3600
    os.utime(path, (stamp, stamp))
    return path


def _age(name: str, *, hours_old: float) -> None:
    stamp = time.time() - hours_old * 3600
    os.utime(Path(settings.MEDIA_ROOT) / name, (stamp, stamp))


@pytest.fixture
def files(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    """Old and new orphans in both upload folders, files rows point to, and files elsewhere."""
    author = make_user("jonas")
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (1, 2, 3)).save(out, format="PNG")
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnail comes from the queue
        post = post_create(
            author=author,
            body="Mit Bild",
            files=[SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")],
        )
    attachment = post.attachments.get()
    assert attachment.thumbnail.name
    _age(attachment.file.name, hours_old=48)
    _age(attachment.thumbnail.name, hours_old=48)
    return {
        "referenced": {attachment.file.name, attachment.thumbnail.name},
        "old_orphans": {
            str(p.relative_to(settings.MEDIA_ROOT).as_posix())
            for p in (
                _write("attachments/2024/01/aaaa", hours_old=25),
                _write("attachments/thumbs/2024/01/bbbb.webp", hours_old=100),
                _write("chat/2024/01/cccc", hours_old=30),
                _write("chat/thumbs/2024/01/dddd.webp", hours_old=30),
            )
        },
        "young_orphans": {
            str(p.relative_to(settings.MEDIA_ROOT).as_posix())
            for p in (
                _write("attachments/2026/05/eeee", hours_old=23),
                _write("chat/2026/05/ffff", hours_old=0),
            )
        },
        "elsewhere": {
            str(p.relative_to(settings.MEDIA_ROOT).as_posix())
            for p in (
                _write("avatars/2024/01/old.jpg", hours_old=500),
                _write("events/old.jpg", hours_old=500),
            )
        },
    }


def _present() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_sweep_removes_old_orphans_only(files: dict[str, Any], caplog: Any) -> None:
    """Old files without a row go (each logged); young ones, referenced ones and files of
    other folders stay."""
    with caplog.at_level(logging.INFO, logger="hanse.core.uploads"):
        removed = sweep_orphans()
    assert set(removed) == files["old_orphans"]
    assert _present() == files["referenced"] | files["young_orphans"] | files["elsewhere"]
    logged = caplog.text
    for name in files["old_orphans"]:
        assert f"Removed orphaned file {name}" in logged
    assert "4 orphaned file(s) removed" in logged


def test_sweep_grace_period_is_a_parameter(files: dict[str, Any]) -> None:
    """With no grace period the young orphans go too; referenced files never do."""
    removed = sweep_orphans(grace=timedelta(0), now=timezone.now() + timedelta(seconds=1))
    assert set(removed) == files["old_orphans"] | files["young_orphans"]
    assert files["referenced"] <= _present()


def test_sweep_is_a_scheduled_job(files: dict[str, Any]) -> None:
    """The scheduler knows the job and, once it is due, runs it (inline test queue)."""
    schedule = next(s for s in scheduler.SCHEDULES if s.name == "core.sweep_orphan_files")
    now = timezone.now()
    scheduler.run_due([schedule], now=now)  # creates the job's row for its next 03:45
    ScheduledJob.objects.filter(name=schedule.name).update(next_run_at=now)
    assert scheduler.run_due([schedule], now=now) == ["core.sweep_orphan_files"]
    assert not files["old_orphans"] & _present()
    assert files["referenced"] <= _present()


def test_sweep_without_upload_folders_does_nothing(db: None) -> None:
    """A fresh installation (no folders yet) sweeps without error."""
    assert sweep_orphans() == []
