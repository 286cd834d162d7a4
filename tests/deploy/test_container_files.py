"""deploy/Containerfile and deploy/compose.yaml (issue 22, item 6).

The structure tests always run: the image runs as a user of its own, installs the wheel of
``make dist``, collects the static files and checks /healthz; uvicorn starts with the options
of the systemd unit; compose has every part (PostgreSQL, Redis, two web processes, workers,
scheduler, nginx with the shipped nginx.conf), one shared volume for uploaded files and a data
volume per Hanse container.

test_image_builds_and_answers_healthz builds and starts the image with podman when podman can
pull the base image and run containers here; otherwise it skips with podman's own error (on
the build machine of December 2026: no registry reachable; and crun starts no container in
that sandbox: "setrlimit RLIMIT_NOFILE: Operation not permitted", with lower limits "cgroups
in hybrid mode not supported")."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
BASE_IMAGE = "docker.io/library/python:3.11-slim-bookworm"
HANSE_SERVICES = {"web1", "web2", "worker", "worker-live", "scheduler"}


def containerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of deploy/Containerfile, continuation lines joined."""
    text = (DEPLOY / "Containerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _sep, rest = stripped.partition(" ")
            out.append((instruction.upper(), rest.strip()))
    return out


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def unit_uvicorn_options() -> list[str]:
    """uvicorn's options in deploy/hanse-web@.service, without host and port."""
    line = next(
        line
        for line in (DEPLOY / "hanse-web@.service").read_text().splitlines()
        if line.startswith("ExecStart=")
    )
    words = shlex.split(line)[2:]
    return [w for i, w in enumerate(words) if w not in ("--host", "--port") and not (
        i > 0 and words[i - 1] in ("--host", "--port")
    )]  # fmt: skip


def test_containerfile_runs_the_wheel_as_a_user_of_its_own() -> None:
    steps = containerfile()
    instructions = [i for i, _a in steps]
    assert steps[0] == ("FROM", BASE_IMAGE)
    user = [a for i, a in steps if i == "USER"]
    assert user and user[-1] not in ("root", "0"), "the processes must not run as root"
    # Everything after USER runs unprivileged; installing happens before it.
    assert instructions.index("USER") > max(
        n for n, (i, a) in enumerate(steps) if i == "RUN" and "pip install" in a
    )
    copies = [a for i, a in steps if i == "COPY"]
    assert any("dist/hanse-" in a and ".whl" in a for a in copies), "the wheel of make dist"
    assert any("collectstatic" in a for i, a in steps if i == "RUN")
    health = next(a for i, a in steps if i == "HEALTHCHECK")
    assert "/healthz" in health
    env = " ".join(a for i, a in steps if i == "ENV")
    assert "HANSE_ENV=production" in env
    cmd = next(a for i, a in reversed(steps) if i == "CMD")
    words = [w.strip('" ,[]') for w in cmd.split(",")]
    options = [w for w in words if w]
    for option in unit_uvicorn_options():
        assert option in options, f"{option} is in the systemd unit but not in the image's CMD"


def test_compose_has_every_part_and_shares_only_the_uploads() -> None:
    spec = compose()
    services = spec["services"]
    assert {"postgres", "redis", "migrate", "nginx"} | HANSE_SERVICES <= set(services)
    assert "noeviction" in services["redis"]["command"]
    assert "--appendonly" in services["redis"]["command"]
    data_volumes = set()
    for name in HANSE_SERVICES:
        service = services[name]
        assert service["image"] == "localhost/hanse:latest"
        mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}
        assert mounts["/var/lib/hanse/media"] == "media", f"{name}: uploads on the shared volume"
        assert mounts["/var/lib/hanse"] != "media"
        data_volumes.add(mounts["/var/lib/hanse"])
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert len(data_volumes) == len(HANSE_SERVICES), "each container has its own data directory"
    assert set(spec["volumes"]) >= {"media", "static", "pgdata", "redisdata"} | data_volumes
    commands = {name: services[name].get("command") or [] for name in HANSE_SERVICES}
    assert commands["worker"][-1] == "hanse_worker"
    assert commands["worker-live"][-2:] == ["--queue", "live"]
    assert commands["scheduler"][-1] == "hanse_scheduler"


def test_compose_nginx_uses_the_shipped_configuration() -> None:
    """nginx mounts deploy/nginx.conf and only swaps its upstream addresses for the web
    services; the rendered result names exactly the web services."""
    nginx = compose()["services"]["nginx"]
    assert "./nginx.conf:/etc/hanse/nginx.conf:ro" in nginx["volumes"]
    script = nginx["command"][-1]
    shipped = (DEPLOY / "nginx.conf").read_text()
    rendered = shipped
    for old, new in re.findall(r"s/([^/]+)/([^/]+)/", script):
        assert old in shipped, f"compose replaces {old}, which nginx.conf does not hold"
        rendered = rendered.replace(old, new)
    upstream = re.search(r"upstream hanse \{(.*?)\}", rendered, re.S)
    assert upstream is not None
    servers = re.findall(r"server (\S+?)(?: |;)", upstream.group(1))
    assert servers == ["web1:8000", "web2:8000"]
    assert "static:/srv/hanse/var/static:ro" in nginx["volumes"]
    assert "alias /srv/hanse/var/static/;" in shipped
    assert "/etc/ssl/certs/hanse.pem" in shipped and "/etc/ssl/private/hanse.key" in shipped


def _podman(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # podman with our arguments
        [shutil.which("podman") or "podman", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_image_builds_and_answers_healthz(tmp_path: Path) -> None:
    """podman build, then podman run: /healthz answers 200 inside the container."""
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (apt-get install podman)")
    pulled = _podman("pull", BASE_IMAGE, timeout=300)
    if pulled.returncode != 0:
        pytest.skip(f"podman cannot pull {BASE_IMAGE}: {pulled.stderr.strip()[-400:]}")
    probe = _podman("run", "--rm", BASE_IMAGE, "true", timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"podman cannot run a container here: {probe.stderr.strip()[-400:]}")
    # The wheel as `make dist` builds it (without its `install` step).
    context = tmp_path / "context"
    (context / "dist").mkdir(parents=True)
    shutil.copy(DEPLOY / "Containerfile", context / "Containerfile")
    subprocess.run(
        [sys.executable, "scripts/vendor_static.py"], cwd=BASE_DIR, check=True, timeout=300
    )
    subprocess.run(  # noqa: S603  # our interpreter
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(context / "dist"), "."],
        cwd=BASE_DIR, check=True, timeout=600,
    )  # fmt: skip
    tag = "localhost/hanse-test:latest"
    built = _podman("build", "-f", "Containerfile", "-t", tag, str(context), timeout=1800)
    assert built.returncode == 0, built.stderr[-3000:]
    name = f"hanse-test-{tmp_path.name}"[:60]
    started = _podman(
        "run", "-d", "--name", name, "-e", "SECRET_KEY=container-test", "-e",
        "ALLOWED_HOSTS=127.0.0.1", tag,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr[-2000:]
    try:
        deadline = time.monotonic() + 90
        while True:
            check = _podman(
                "exec", name, "python", "-c",
                "import urllib.request; print(urllib.request.urlopen("
                "'http://127.0.0.1:8000/healthz', timeout=4).status)",
            )  # fmt: skip
            if check.stdout.strip() == "200":
                break
            assert time.monotonic() < deadline, check.stderr[-2000:]
            time.sleep(2)
        user = _podman("exec", name, "id", "-u")
        assert user.stdout.strip() != "0"
    finally:
        _podman("rm", "-f", name)
