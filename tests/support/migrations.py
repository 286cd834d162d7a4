"""What names a migrated template database (tests/support/pg_template.py,
tests/support/sqlite_template.py): a checksum of everything that decides what ``migrate``
makes of an empty database. A template is kept for later sessions while its checksum holds;
another checksum's template is removed once it is a day old (a second checkout on the machine,
at other migrations, may be using it right now)."""

from __future__ import annotations

import hashlib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# Templates of other migrations are removed once they are older than this.
STALE_SECONDS = 24 * 3600


def migrations_checksum() -> str:
    """Every migration file of Hanse, the locked dependency versions (the other apps'
    migrations) and the settings (the installed apps)."""
    digest = hashlib.sha256()
    files = sorted(BASE_DIR.glob("hanse/*/migrations/*.py"))
    files += [BASE_DIR / "requirements" / "lock.txt", BASE_DIR / "hanse" / "settings.py"]
    for path in files:
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
