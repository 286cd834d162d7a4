"""deploy/Containerfile and deploy/compose.yaml (issue 22, item 6).

The structure tests always run: the image runs as a user of its own, installs the wheel of
``make dist``, collects the static files and checks /healthz; uvicorn starts with the options
of the systemd unit; compose has every part (PostgreSQL, Redis, two web processes, workers,
scheduler, nginx with the shipped nginx.conf), one shared volume for uploaded files and a data
volume per Hanse container.

tests/deploy/test_container_build.py builds the image with podman and starts it."""

from __future__ import annotations

import re
import shlex
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
    # The base image is a build argument whose default is the official image.
    assert steps[0] == ("ARG", f"BASE_IMAGE={BASE_IMAGE}")
    assert steps[1] == ("FROM", "${BASE_IMAGE}")
    user = [a for i, a in steps if i == "USER"]
    assert user and user[-1] not in ("root", "0"), "the processes must not run as root"
    # Everything after USER runs unprivileged; installing happens before it.
    assert instructions.index("USER") > max(
        n for n, (i, a) in enumerate(steps) if i == "RUN" and "pip install" in a
    )
    copies = [a for i, a in steps if i == "COPY"]
    assert any("dist/hanse-" in a and ".whl" in a for a in copies), "the wheel of make dist"
    # Its dependencies at the versions CI tested.
    assert any(a.startswith("requirements/lock.txt ") for a in copies)
    install = next(a for i, a in steps if i == "RUN" and "pip install" in a)
    assert "--constraint" in install
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
    # The one-shot migrate has the services' settings and waits longer for a connection than a
    # request does (podman-compose starts it again beside everything else).
    migrate_env = services["migrate"]["environment"]
    assert migrate_env["DATABASE_URL"] == services["web1"]["environment"]["DATABASE_URL"]
    assert int(migrate_env["DATABASE_POOL_TIMEOUT"]) >= 60
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
    # Stopping waits as long as the systemd units do before it kills.
    for name, unit in (("web1", "hanse-web@"), ("worker", "hanse-worker"),
                       ("worker-live", "hanse-worker-live")):  # fmt: skip
        text = (DEPLOY / f"{unit}.service").read_text()
        timeout = re.search(r"^TimeoutStopSec=(\d+)$", text, re.M)
        assert timeout is not None
        assert services[name]["stop_grace_period"] == f"{timeout.group(1)}s", name


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
