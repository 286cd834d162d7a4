"""Backup archives: one ``.tar.gz`` with the database, the uploaded files and a manifest.

Layout of an archive (format 1)::

    database.sqlite3 | database.pgdump   the database (hanse/core/backup_db.py)
    media/<path>                         every uploaded file: under MEDIA_ROOT, or in the
                                         object storage bucket when S3_BUCKET is set
    keys/secret_key, keys/vapid.json     the keys Hanse keeps in HANSE_DATA_DIR, if any
    manifest.json                        written last: version, vendor, migrations, rows per
                                         table, SHA-256 and size of every other member

The database is copied first and the files after it, so every file a row of the copy names is
in the archive (uploads are written before their row; a file deleted in the seconds between
the two steps is the one gap, see docs/operations.md). The archive is written under a
``.partial`` name and renamed when complete: a file with the final name is a whole backup.

A restore extracts into a staging folder and checks every member against the manifest before
it touches the database; then it loads the database, moves the files into MEDIA_ROOT and
compares the rows per table and every file's digest with the manifest.

With object storage (hanse/core/storage.py) the files are read from and written back to the
bucket through the storage API; the archive is the same, so a backup of one kind restores
into the other."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanse.core import backup_db
from hanse.core.storage import uses_object_storage, walk

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
KEYS = "keys"
# What Hanse keeps in HANSE_DATA_DIR besides the database: the generated SECRET_KEY (laptops;
# production sets SECRET_KEY) and the web push keys of `manage.py hanse_vapid`.
KEY_FILES = ("secret_key", "vapid.json")
_CHUNK = 1024 * 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and in what state."""


@dataclass
class BackupResult:
    path: Path
    size: int
    database_size: int
    media_files: int
    media_bytes: int
    keys: list[str]
    rows: int
    tables: int


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def hanse_version() -> str:
    try:
        return importlib.metadata.version("hanse")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def default_directory() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _target(output: Path | None, created: dt.datetime) -> Path:
    name = f"hanse-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    if output is None:
        return default_directory() / name
    if output.is_dir():
        return output / name
    return output


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` as (archive-relative POSIX path, path), sorted."""
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes that go into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(path.stat().st_mtime)
        reader = _HashingReader(handle)
        try:
            tar.addfile(info, reader)
        except OSError as exc:  # the file shrank while it was read
            raise BackupError(
                _("%(file)s changed while it was archived: %(error)s")
                % {"file": path, "error": exc}
            ) from exc
    return {"sha256": reader.digest.hexdigest(), "size": size}


def _add_stored(tar: tarfile.TarFile, name: str, stored: str) -> dict[str, Any]:
    """One file of object storage, streamed into the archive through the storage API."""
    size = default_storage.size(stored)
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(default_storage.get_modified_time(stored).timestamp())
    with default_storage.open(stored, "rb") as handle:
        reader = _HashingReader(handle)
        try:
            tar.addfile(info, reader)
        except OSError as exc:
            raise BackupError(
                _("%(file)s changed while it was archived: %(error)s")
                % {"file": stored, "error": exc}
            ) from exc
    return {"sha256": reader.digest.hexdigest(), "size": size}


def _stored_names() -> Iterator[str]:
    """Every file in object storage (under S3_PREFIX), sorted per folder."""
    return walk(default_storage)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(_now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _write_members(
    tar: tarfile.TarFile, tmp: Path, manifest: dict[str, Any], *, keys: bool, say: Say
) -> None:
    """The database first, then the files, the keys and at last the manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    say(_("Copying the database …"))
    with backup_db.snapshot(tmp) as snap:
        if not snap.tables:
            # A backup job pointed at the wrong place would otherwise write empty archives.
            raise BackupError(
                _(
                    "The database has no tables: is this the installation's DATABASE_URL and "
                    "HANSE_DATA_DIR? Nothing to back up."
                )
            )
        entry = _add_file(tar, snap.file.name, snap.file)
        manifest["database"].update(
            file=snap.file.name, migrations=snap.migrations, tables=snap.tables, **entry
        )
        snap.file.unlink()
    if uses_object_storage():
        say(_("Copying the files in object storage …"))
        for name in _stored_names():
            manifest["media"][name] = _add_stored(tar, f"{MEDIA}/{name}", name)
    else:
        say(_("Copying the files under %(folder)s …") % {"folder": media_root})
        for name, path in media_files(media_root):
            manifest["media"][name] = _add_file(tar, f"{MEDIA}/{name}", path)
    if keys:
        for key in KEY_FILES:
            path = Path(settings.DATA_DIR) / key
            if path.is_file():
                manifest["keys"][key] = _add_file(tar, f"{KEYS}/{key}", path)
    _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable (a crash right after it keeps the new name)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create(output: Path | None = None, *, keys: bool = True, say: Say = print) -> BackupResult:
    """Write one backup archive; where it went and how big it is."""
    created = _now()
    target = _target(output, created)
    partial = target.with_name(target.name + ".partial")
    media_root = Path(settings.MEDIA_ROOT)
    if target.parent.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(
            _("Write backups outside MEDIA_ROOT (%(folder)s), not into it.")
            % {"folder": media_root}
        )
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "hanse_version": hanse_version(),
        "created_at": created.isoformat(),
        "database": {"vendor": backup_db.vendor()},
        "media": {},
        "keys": {},
    }
    try:
        with tempfile.TemporaryDirectory(prefix=".hanse-backup-", dir=target.parent) as tmp:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    _write_members(tar, Path(tmp), manifest, keys=keys, say=say)
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, target)
        _fsync_directory(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    tables = manifest["database"]["tables"]
    return BackupResult(
        path=target,
        size=target.stat().st_size,
        database_size=manifest["database"]["size"],
        media_files=len(manifest["media"]),
        media_bytes=sum(entry["size"] for entry in manifest["media"].values()),
        keys=sorted(manifest["keys"]),
        rows=sum(tables.values()),
        tables=len(tables),
    )


# --- Reading an archive ---------------------------------------------------------------------


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(
            _("The archive holds a path outside its folders: %(path)r.") % {"path": name}
        )
    return path


def extract(archive: Path, staging: Path) -> dict[str, Any]:
    """Unpack ``archive`` into ``staging`` and check every member against the manifest; the
    manifest. Refuses damaged, incomplete or foreign archives."""
    if not archive.is_file():
        raise BackupError(_("%(archive)s is not a file.") % {"archive": archive})
    digests: dict[str, str] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                path = _safe_name(member.name)
                if not member.isfile():
                    raise BackupError(
                        _("The archive holds something other than a file: %(path)s.")
                        % {"path": path}
                    )
                source = tar.extractfile(member)
                if source is None:  # isfile() above: tarfile gives a reader for every file
                    raise BackupError(
                        _("%(path)s cannot be read from the archive.") % {"path": path}
                    )
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                destination = staging / path
                destination.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with destination.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                os.utime(destination, (member.mtime, member.mtime))  # the sweep reads ages
                digests[str(path)] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(
            _("The archive %(archive)s is damaged or not a backup: %(error)s")
            % {"archive": archive, "error": exc}
        ) from exc
    if manifest_bytes is None:
        raise BackupError(
            _("%(archive)s has no %(manifest)s: not a Hanse backup, or cut short.")
            % {"archive": archive, "manifest": MANIFEST}
        )
    try:
        manifest = json.loads(manifest_bytes)
        database = manifest["database"]
        expected = {database["file"]: database["sha256"]}
        expected.update({f"{MEDIA}/{n}": e["sha256"] for n, e in manifest["media"].items()})
        expected.update({f"{KEYS}/{n}": e["sha256"] for n, e in manifest["keys"].items()})
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(
            _("The manifest of %(archive)s is unreadable: %(error)r")
            % {"archive": archive, "error": exc}
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(archive)s has archive format %(found)r; this Hanse reads format %(format)s.")
            % {"archive": archive, "found": manifest.get("format"), "format": FORMAT}
        )
    missing = sorted(set(expected) - set(digests))
    extra = sorted(set(digests) - set(expected))
    changed = sorted(n for n in expected if n in digests and digests[n] != expected[n])
    if missing or extra or changed:
        findings = (
            (_("missing"), missing),
            (_("not in the manifest"), extra),
            (_("digest differs"), changed),
        )
        details = "; ".join(
            f"{label}: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}"
            for label, names in findings
            if names
        )
        raise BackupError(
            _("The archive %(archive)s does not match its manifest (%(details)s).")
            % {"archive": archive, "details": details}
        )
    return dict(manifest)


def _media_is_empty(root: Path) -> bool:
    return next(media_files(root), None) is None


def _upload_contents(source: Path, result: RestoreResult) -> None:
    """Write the staged files into object storage under their own names; a file of that name
    that is there already is replaced (a repeated restore), any other is left and noted."""
    restored = set()
    for name, path in media_files(source):
        if default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise OSError(f"object storage stored {name} as {saved}")
        restored.add(name)
    others = [name for name in _stored_names() if name not in restored]
    if others:
        result.notes.append(
            ngettext(
                "%(n)s file in object storage is not in the backup and was left there "
                "(%(examples)s)",
                "%(n)s files in object storage are not in the backup and were left there "
                "(e.g. %(examples)s)",
                len(others),
            )
            % {"n": len(others), "examples": ", ".join(others[:3])}
        )


def _move_contents(source: Path, destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        shutil.move(str(entry), str(destination / entry.name))


def restore(
    archive: Path, *, force: bool = False, keys: bool = True, say: Say = print
) -> RestoreResult:
    """Restore ``archive`` into the configured database, MEDIA_ROOT and HANSE_DATA_DIR.

    Nothing is written before the archive is verified and the targets are found empty (or
    ``force``: what is there is set aside, never deleted, except PostgreSQL's schema). A
    failure after the first write raises BackupError naming what was restored so far."""
    media_root = Path(settings.MEDIA_ROOT)
    data_dir = Path(settings.DATA_DIR)
    suffix = f"before-restore-{_now():%Y%m%dT%H%M%SZ}"
    here = backup_db.vendor()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".hanse-restore-", dir=media_root.parent) as tmp:
        staging = Path(tmp)
        say(_("Checking %(archive)s …") % {"archive": archive})
        manifest = extract(archive, staging)
        there = manifest["database"]["vendor"]
        if there != here:
            raise BackupError(
                _(
                    "This backup holds a %(there)s database and Hanse is configured for "
                    "%(here)s: a %(there)s backup restores into %(there)s only (set "
                    "DATABASE_URL accordingly)."
                )
                % {"there": there, "here": here}
            )
        if manifest["database"]["file"] != backup_db.VENDOR_FILES.get(here):
            raise BackupError(
                _("The archive's database file does not fit %(here)s.") % {"here": here}
            )
        result = RestoreResult(manifest)
        if not force:
            if not backup_db.is_empty():
                raise BackupError(
                    _(
                        "The database already has tables. Restore into an empty database, or "
                        "use --force to replace it (SQLite: the old file is kept beside it; "
                        "PostgreSQL: its schema is dropped)."
                    )
                )
            if uses_object_storage():
                if next(_stored_names(), None) is not None:
                    raise BackupError(
                        _(
                            "The object storage bucket (S3_BUCKET, S3_PREFIX) already holds "
                            "files. Restore into an empty bucket or a new S3_PREFIX, or use "
                            "--force (files of the backup replace those of the same name; "
                            "others are left in place)."
                        )
                    )
            elif not _media_is_empty(media_root):
                raise BackupError(
                    _(
                        "MEDIA_ROOT (%(folder)s) already holds files. Restore into an empty "
                        "folder, or use --force (the old files are moved aside)."
                    )
                    % {"folder": media_root}
                )
        done: list[str] = []
        try:
            say(_("Restoring the database …"))
            result.notes += backup_db.restore(
                staging / manifest["database"]["file"], force=force, suffix=suffix
            )
            done.append(_("the database"))
            if uses_object_storage():
                n = len(manifest["media"])
                say(
                    ngettext(
                        "Restoring %(n)s file into object storage …",
                        "Restoring %(n)s files into object storage …",
                        n,
                    )
                    % {"n": n}
                )
                try:
                    _upload_contents(staging / MEDIA, result)
                except OSError:
                    raise
                except Exception as exc:  # botocore's errors: the store refused or is away
                    raise OSError(f"object storage: {type(exc).__name__}: {exc}") from exc
            else:
                n = len(manifest["media"])
                say(
                    ngettext(
                        "Restoring %(n)s file into %(folder)s …",
                        "Restoring %(n)s files into %(folder)s …",
                        n,
                    )
                    % {"n": n, "folder": media_root}
                )
            if not uses_object_storage() and not _media_is_empty(media_root):
                aside = media_root.with_name(f"{media_root.name}.{suffix}")
                _move_contents(media_root, aside)
                result.notes.append(
                    _("the files that were in %(folder)s moved to %(aside)s")
                    % {"folder": media_root, "aside": aside}
                )
            if not uses_object_storage() and (staging / MEDIA).is_dir():
                _move_contents(staging / MEDIA, media_root)
            done.append(_("the files"))
            if keys:
                for key in manifest["keys"]:
                    path = data_dir / key
                    source = staging / KEYS / key
                    if path.is_file() and path.read_bytes() == source.read_bytes():
                        continue
                    data_dir.mkdir(parents=True, exist_ok=True)
                    aside_key = backup_db.set_aside(path, suffix)
                    if aside_key is not None:
                        result.notes.append(
                            _("%(path)s set aside as %(aside)s")
                            % {"path": path, "aside": aside_key}
                        )
                    shutil.move(str(source), str(path))
                    path.chmod(0o600)
                    done.append(f"{KEYS}/{key}")
        except (OSError, backup_db.DatabaseError) as exc:
            state = ", ".join(str(d) for d in done) if done else _("nothing")
            raise BackupError(
                _(
                    "The restore stopped: %(error)s. Restored so far: %(state)s. The database "
                    "and MEDIA_ROOT are NOT a complete copy of the backup: restore again with "
                    "--force."
                )
                % {"error": exc, "state": state}
            ) from exc
    result.problems = verify(manifest)
    return result


def verify(manifest: dict[str, Any]) -> list[str]:
    """What differs between the configured database and MEDIA_ROOT and the manifest."""
    expected: dict[str, int] = manifest["database"]["tables"]
    actual = backup_db.current_counts()
    problems = [
        _table_problem(table, actual.get(table), expected.get(table))
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]
    media_root = Path(settings.MEDIA_ROOT)
    if uses_object_storage():
        for name, entry in sorted(manifest["media"].items()):
            digest = hashlib.sha256()
            try:
                with default_storage.open(name, "rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
            except FileNotFoundError:
                problems.append(_("file %(name)s: missing") % {"name": name})
                continue
            if digest.hexdigest() != entry["sha256"]:
                problems.append(
                    _("file %(name)s: its SHA-256 differs from the manifest") % {"name": name}
                )
        return problems
    for name, entry in sorted(manifest["media"].items()):
        path = media_root / name
        if not path.is_file():
            problems.append(_("file %(name)s: missing") % {"name": name})
        elif sha256_file(path) != entry["sha256"]:
            problems.append(
                _("file %(name)s: its SHA-256 differs from the manifest") % {"name": name}
            )
    return problems


def _table_problem(table: str, actual: int | None, expected: int | None) -> str:
    """One table whose rows differ from the manifest (``None``: the table is not there)."""
    if actual is None:
        return ngettext(
            "table %(table)s: missing, the manifest says %(expected)s row",
            "table %(table)s: missing, the manifest says %(expected)s rows",
            expected or 0,
        ) % {"table": table, "expected": expected}
    if expected is None:
        return ngettext(
            "table %(table)s: %(actual)s row, not in the manifest",
            "table %(table)s: %(actual)s rows, not in the manifest",
            actual,
        ) % {"table": table, "actual": actual}
    return ngettext(
        "table %(table)s: %(actual)s row, the manifest says %(expected)s",
        "table %(table)s: %(actual)s rows, the manifest says %(expected)s",
        actual,
    ) % {"table": table, "actual": actual, "expected": expected}
