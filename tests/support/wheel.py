"""The wheel as ``make dist`` builds it (without its ``install`` step), from a copy of the
checkout: the build writes nothing into the checkout that tests running beside it read (static
files, build/). For tests/core/test_package.py and tests/deploy/test_container_build.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run(args: list[str], *, cwd: Path, timeout: float = 300) -> str:
    done = subprocess.run(  # noqa: S603  # our own interpreter and tools, our arguments
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


def copy_checkout(source: Path) -> Path:
    """The checkout's tracked files and compiled catalogs in ``source``, with the npm packages
    linked: what ``make dist`` builds from."""
    tracked = run(["git", "ls-files", "-z"], cwd=ROOT).split("\0")
    compiled = [str(p.relative_to(ROOT)) for p in (ROOT / "hanse" / "locale").rglob("*.mo")]
    for name in [*filter(None, tracked), *compiled]:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    (source / "node_modules").symlink_to(ROOT / "node_modules")
    return source


def build_wheel(source: Path, dist: Path) -> Path:
    """``make dist`` in ``source`` (a copy_checkout): the front-end packages copied, then the
    wheel into ``dist``."""
    python = sys.executable
    run([python, "scripts/vendor_static.py"], cwd=source)
    run(
        [python, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(source)],
        cwd=source,
    )  # fmt: skip
    (wheel,) = dist.glob("hanse-*.whl")
    return wheel
