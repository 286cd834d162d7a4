"""The wheel is a working Hanse: installed into a fresh virtual environment and started from
outside the checkout, it serves a translated page with its static files."""

from __future__ import annotations

import os
import re
import site
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests.realtime.servers import free_port
from tests.support.sqlite_template import migrated_copy
from tests.support.wheel import build_wheel, copy_checkout

ROOT = Path(settings.BASE_DIR)


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


@pytest.mark.own_stack  # its own SQLite installation (tests/conftest.py)
@pytest.mark.heavy
@pytest.mark.skipif(
    not (ROOT / "node_modules").is_dir(), reason="needs the npm packages (make install)"
)
def test_the_wheel_serves_a_page_outside_the_checkout(tmp_path: Path) -> None:
    """Build the wheel as `make dist` does, install it into a new venv, start uvicorn in an
    empty folder: the German login page and its static files are served."""
    python = sys.executable
    # Built from a copy of the checkout's files, so that the build writes nothing into the
    # checkout that tests running beside this one read (static files, build/).
    wheel = build_wheel(copy_checkout(tmp_path / "source"), tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    assert sum("/templates/" in name for name in names) > 100
    assert "hanse/locale/de/LC_MESSAGES/django.mo" in names
    # Every migration ships (the database below is migrated once per session, from the
    # checkout: tests/support/sqlite_template.py).
    migrations = {str(p.relative_to(ROOT)) for p in (ROOT / "hanse").glob("*/migrations/0*.py")}
    assert migrations and migrations <= set(names), sorted(migrations - set(names))[:10]
    assert any(name.endswith("licenses/LICENSE") for name in names)

    venv = tmp_path / "venv"
    _run([python, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    fresh = venv / "bin" / "python"
    _run(
        [
            python,
            "-m",
            "pip",
            "--python",
            str(fresh),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    # Dependencies come from the test's environment (installing them anew would download
    # them); Hanse itself only from the wheel.
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HANSE_ENV": "production",
        "SECRET_KEY": "a-long-secret-key-for-this-test-only-" + "x" * 20,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HANSE_DATA_DIR": str(tmp_path / "var"),
        "SECURE_COOKIES": "false",
    }
    where = _run([str(fresh), "-c", "import hanse; print(hanse.__file__)"], cwd=work, env=env)
    assert where.strip().startswith(str(venv)), where
    migrated_copy(tmp_path / "var" / "hanse.sqlite3")
    _run([str(fresh), "-m", "hanse", "migrate", "--no-input", "-v", "0"], cwd=work, env=env)
    _run([str(fresh), "-m", "hanse", "collectstatic", "--no-input", "-v", "0"], cwd=work, env=env)

    port = free_port()
    log = (tmp_path / "uvicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [
            str(fresh),
            "-m",
            "uvicorn",
            "hanse.asgi:application",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        page = None
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "uvicorn.log").read_text()[-3000:]
            try:
                page = httpx.get(f"{base}/accounts/login/", headers={"Accept-Language": "de"})
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None
        assert page.status_code == 200
        assert "Anmelden" in page.text
        scripts = re.findall(r'src="(/static/[^"]+\.js)"', page.text)
        styles = re.findall(r'href="(/static/[^"]+\.css)"', page.text)
        assert any("htmx" in src for src in scripts), scripts
        for path in scripts + styles:
            assert httpx.get(base + path).status_code == 200, path
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
