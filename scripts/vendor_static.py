"""Copy the front-end packages that settings.STATICFILES_DIRS takes from node_modules into
hanse/static/, so that a wheel carries them (an installed Hanse has no node_modules).

Run by ``make dist`` after ``npm ci``; the copies are build output (see .gitignore)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
    from django.conf import settings

    node_modules = ROOT / "node_modules"
    copied = 0
    for entry in settings.STATICFILES_DIRS:
        if not isinstance(entry, tuple):
            continue
        prefix, source = entry[0], Path(entry[1])
        if node_modules not in source.parents:
            continue
        if not source.is_dir():
            print(f"missing {source}: run npm ci first", file=sys.stderr)
            return 1
        target = ROOT / "hanse" / "static" / prefix
        shutil.rmtree(target, ignore_errors=True)
        # Source maps too: CSS and JS name them, and the manifest storage checks every name.
        shutil.copytree(source, target)
        copied += 1
        print(f"{source.relative_to(ROOT)} -> {target.relative_to(ROOT)}")
    print(f"{copied} front-end package(s) copied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
