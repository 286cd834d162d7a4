"""deploy/Containerfile built with podman and its image started as deploy/compose.yaml starts
it (issue 22, item 6), against the test's PostgreSQL server and Redis, on the host's network.

Opt-in (HANSE_CONTAINER_TEST=1): the first run on a machine takes about five and a half
minutes (the stand-in images, made with debootstrap and kept, then the image, whose pip
install downloads every dependency), later runs three and a half to six (docs/operations.md,
"Containers"). Opted in, a missing podman, runc where podman's defaults fail, debootstrap or
podman-compose skips the tests, and fails them under CI. The second test runs compose.yaml
itself with podman-compose.

The base image is a build argument: where docker.io is out of reach, the image builds on a
stand-in made with debootstrap (tests/deploy/podman.py). The steps, as compose.yaml has them:
``migrate`` to its end, then the web process (the image's CMD, on a free port of the host
instead of 8000), both workers and the scheduler; /healthz and /readyz (database, Redis,
worker and scheduler heartbeats) answer 200, the login page renders with its static files,
every process runs as the image's user (uid 10001, not root) and stops cleanly on SIGTERM.
Then the image's default command in a container without a network: its HEALTHCHECK (kept by
``--format docker``) reports healthy."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis
import yaml
from django.db import connection

from tests.deploy.podman import (
    Podman,
    compose_stand_ins,
    containers_conf,
    options,
    stand_in_base,
)
from tests.support.missing import skip_or_fail, under_ci
from tests.support.processes import free_port
from tests.support.redis_db import held
from tests.support.wheel import build_wheel, copy_checkout

OPT_IN = "HANSE_CONTAINER_TEST"
# Emptied before and after: shared only with tests/jobs/test_faults.py's second pytest-xdist
# worker, and held (tests/support/redis_db.py) as that test holds it.
REDIS_URL = os.environ.get("HANSE_TEST_CONTAINER_REDIS_URL", "redis://127.0.0.1:6379/12")
IMAGE = "localhost/hanse-test:latest"
COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose.yaml"
ROLES = ("worker", "worker-live", "scheduler")
UID = "10001"
TIMINGS: list[str] = []
MONITORING_TOKEN = secrets.token_urlsafe(32)

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(1800)]


def timed(steps: list[str], label: str, started: float) -> float:
    now = time.monotonic()
    steps.append(f"{label}: {now - started:.0f}s")
    print(steps[-1])  # the timings, shown with -s
    return now


@pytest.fixture
def container_database() -> Iterator[str]:
    """A database of the test's own on the test's PostgreSQL server, dropped afterwards."""
    db = connection.settings_dict
    name = f"hanse_container_{secrets.token_hex(4)}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def container_redis() -> Iterator[str]:
    """A Redis database of the test's own (its workers take every job in it), emptied."""
    with held(REDIS_URL):
        client = redis.Redis.from_url(REDIS_URL)
        client.flushdb()
        try:
            yield REDIS_URL
        finally:
            client.flushdb()


def compose_services() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text())["services"])


def web_command(podman: Podman, port: int) -> list[str]:
    """The image's CMD on 127.0.0.1:``port`` instead of 0.0.0.0:8000 (the host's network is
    shared with everything else on this machine)."""
    config = json.loads(podman("image", "inspect", IMAGE).stdout)[0]["Config"]
    command = list(config["Cmd"])
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = str(port)
    return command


def logs(podman: Podman, name: str) -> str:
    done = podman("logs", name)
    return (done.stdout + done.stderr)[-3000:]


@pytest.fixture(scope="module")
def hanse_image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Podman]:
    """The image built from a copy of the checkout (as after `make dist`) on the stand-in
    base, with the podman that runs containers here."""
    if os.environ.get(OPT_IN) != "1":
        # Only when the file is named on the command line: tests/deploy/conftest.py leaves it
        # out of every other run; .ci/run sets the variable.
        pytest.skip(f"builds a container image for minutes: set {OPT_IN}=1")
    if connection.vendor != "postgresql":
        skip_or_fail("runs with PostgreSQL and Redis (DATABASE_URL=postgres://…)")
    started = time.monotonic()
    base = stand_in_base()
    podman = options(base)
    now = timed(TIMINGS, f"base image {base}", started)
    source = copy_checkout(tmp_path_factory.mktemp("context"))
    build_wheel(source, source / "dist")
    now = timed(TIMINGS, "wheel", now)
    built = podman(
        "build", "--format", "docker", "--network", "host", *podman.limits,
        "--build-arg", f"BASE_IMAGE={base}",
        "-f", "deploy/Containerfile", "-t", IMAGE, str(source),
        timeout=1500,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "HEALTHCHECK is not supported" not in built.stderr
    timed(TIMINGS, "podman build", now)
    yield podman
    print("; ".join(TIMINGS))  # the timings, shown with -s
    if under_ci():
        podman("rmi", IMAGE, timeout=120)


def test_image_runs_every_role(
    hanse_image: Podman, container_database: str, container_redis: str
) -> None:
    podman = hanse_image
    steps = TIMINGS
    now = time.monotonic()
    services = compose_services()
    shared = services["web1"]
    environment = {
        **{k: str(v) for k, v in shared["environment"].items()},
        "DATABASE_URL": container_database,
        "REDIS_URL": container_redis,
        "TRUSTED_PROXIES": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    run_options = [*podman.limits, "--network", "host"]
    for key, value in environment.items():
        run_options += ["-e", f"{key}={value}"]
    for mount in shared.get("tmpfs", []):
        run_options += ["--tmpfs", mount]
    names: list[str] = []
    suffix = secrets.token_hex(3)
    try:
        migrated = podman(
            "run", "--rm", *run_options, IMAGE, *services["migrate"]["command"], timeout=600
        )
        assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-2000:]
        now = timed(steps, "migrate", now)

        port = free_port()
        commands = {"web": web_command(podman, port)}
        commands |= {role: services[role]["command"] for role in ROLES}
        for role, command in commands.items():
            name = f"hanse-test-{role}-{suffix}"
            names.append(name)
            done = podman("run", "-d", "--name", name, *run_options, IMAGE, *command)
            assert done.returncode == 0, done.stderr[-2000:]

        base_url = f"http://127.0.0.1:{port}"
        # As behind nginx (deploy/nginx.conf): production redirects plain HTTP to HTTPS.
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "de"}
        ready = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for name in names:
                state = podman("inspect", "--format", "{{.State.Status}}", name).stdout.strip()
                assert state == "running", f"{name} is {state}:\n{logs(podman, name)}"
            try:
                health = httpx.get(f"{base_url}/healthz", headers=headers, timeout=5)
                ready = httpx.get(f"{base_url}/readyz", headers=headers, timeout=10)
            except httpx.TransportError:
                time.sleep(1)
                continue
            assert health.status_code == 200, health.text
            if ready.status_code == 200:
                break
            time.sleep(2)
        assert ready is not None, logs(podman, names[0])
        assert ready.status_code == 200, ready.text
        checks = ready.json()["checks"]
        assert checks["database"]["vendor"] == "postgresql"
        assert checks["worker"]["ok"] and checks["scheduler"]["ok"], checks
        page = httpx.get(f"{base_url}/accounts/login/", headers=headers, timeout=10)
        assert page.status_code == 200
        assert "Anmelden" in page.text
        assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page.text)
        assert any("htmx" in path for path in assets), assets
        for path in assets:
            assert httpx.get(base_url + path, headers=headers).status_code == 200, path
        now = timed(steps, "web, workers and scheduler answer", now)

        for name in names:
            user = podman("exec", name, "id", "-u")
            assert user.stdout.strip() == UID, f"{name}: {user.stdout}{user.stderr}"
        user = podman("image", "inspect", "--format", "{{.Config.User}}", IMAGE)
        assert user.stdout.strip() == "hanse"
        # SIGTERM, and as long as the systemd units wait before they kill (TimeoutStopSec).
        stopped = podman("stop", "--time", "60", *names, timeout=180)
        assert stopped.returncode == 0, stopped.stderr
        for name in names:
            code = podman("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
            assert code == "0", f"{name} exited with {code}:\n{logs(podman, name)}"
        now = timed(steps, "stopped cleanly", now)

        # The image's own command and health check, in a network of its own (only loopback).
        name = f"hanse-test-health-{suffix}"
        names.append(name)
        done = podman(
            "run", "-d", "--name", name, "--network", "none", *podman.limits,
            "-e", f"SECRET_KEY={secrets.token_urlsafe(40)}", "-e", "ALLOWED_HOSTS=127.0.0.1",
            IMAGE,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 90
        while (check := podman("healthcheck", "run", name)).returncode != 0:
            assert time.monotonic() < deadline, check.stdout + check.stderr + logs(podman, name)
            time.sleep(2)
        timed(steps, "health check", now)
    finally:
        for name in names:
            podman("rm", "--force", "--volumes", name, timeout=120)


def compose_env_file(path: Path, site: str) -> None:
    """deploy/env.example filled in as compose.yaml's comment says (hanse.env)."""
    values = {
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": site,
        "SITE_URL": site,
        "EMAIL_URL": "",
        "MONITORING_TOKEN": MONITORING_TOKEN,
    }
    lines = []
    for line in (COMPOSE.parent / "env.example").read_text().splitlines():
        key = line.partition("=")[0]
        lines.append(f"{key}={values.pop(key)}" if key in values else line)
    path.write_text("\n".join(lines) + "\n")


def test_compose_starts_every_service(hanse_image: Podman, tmp_path: Path) -> None:
    """deploy/compose.yaml with podman-compose, as docs/operations.md says: PostgreSQL and
    Redis, then migrate, then everything; through nginx (TLS) /readyz sees both workers and
    the scheduler, the login page renders with the static files nginx serves from the
    shared volume. Three changes to a copy of the file: the stand-ins for docker.io's
    postgres, redis and nginx images, the image's tag, and nginx on free ports of 127.0.0.1
    instead of 80 and 443."""
    podman = hanse_image
    compose_binary = shutil.which("podman-compose")
    if compose_binary is None:
        skip_or_fail("podman-compose is not installed (apt-get install podman-compose)")
    now = time.monotonic()
    stand_ins = compose_stand_ins(podman, stand_in_base())
    now = timed(TIMINGS, "compose stand-ins", now)

    deploy = tmp_path / "deploy"
    deploy.mkdir()
    spec = yaml.safe_load(COMPOSE.read_text())
    https_port, http_port = free_port(), free_port()
    for name, service in spec["services"].items():
        if name in stand_ins:
            service["image"] = stand_ins[name]
        elif service["image"] == "localhost/hanse:latest":
            service["image"] = IMAGE
    spec["services"]["nginx"]["ports"] = [
        f"127.0.0.1:{https_port}:443",
        f"127.0.0.1:{http_port}:80",
    ]
    (deploy / "compose.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    shutil.copy(COMPOSE.parent / "nginx.conf", deploy / "nginx.conf")
    site = f"https://localhost:{https_port}"
    compose_env_file(deploy / "hanse.env", site)
    (deploy / "tls").mkdir()
    tls = subprocess.run(  # noqa: S603  # openssl with our arguments
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "2", "-subj", "/CN=localhost", "-keyout", str(deploy / "tls/hanse.key"),
         "-out", str(deploy / "tls/hanse.pem")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert tls.returncode == 0, tls.stderr
    (deploy / "tls/hanse.key").chmod(0o644)  # nginx's workers read it as www-data

    project = f"hanse-test-{secrets.token_hex(3)}"
    env = {**os.environ, **containers_conf(podman, tmp_path / "containers.conf")}

    def compose(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603  # podman-compose with our arguments
            [compose_binary, "-p", project, "-f", "compose.yaml", *args],
            cwd=deploy, env=env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"podman-compose {args}:\n{done.stdout[-3000:]}"
        return done

    def container(service: str) -> str:
        return f"{project}_{service}_1"

    hanse_services = [n for n, s in spec["services"].items() if s["image"] == IMAGE]
    try:
        # podman-compose 1.0.3 (Debian 12) starts every service at once, whatever depends_on
        # says: the order of docs/operations.md.
        compose("up", "-d", "postgres", "redis")
        deadline = time.monotonic() + 60
        while podman("exec", container("postgres"), "pg_isready", "-q", "-U", "hanse").returncode:
            assert time.monotonic() < deadline, logs(podman, container("postgres"))
            time.sleep(1)
        compose("run", "--rm", "migrate", timeout=600)
        now = timed(TIMINGS, "compose: postgres, redis, migrate", now)
        compose("up", "-d")

        # The certificate is our own; the name is localhost on a port of 127.0.0.1.
        client = httpx.Client(base_url=site, verify=False, timeout=10)  # noqa: S501
        headers = {"Authorization": f"Bearer {MONITORING_TOKEN}", "Accept-Language": "de"}
        ready = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                ready = client.get("/readyz", headers=headers)
            except httpx.TransportError:
                ready = None
            if ready is not None and ready.status_code == 200:
                break
            time.sleep(2)
        assert ready is not None, logs(podman, container("nginx"))
        assert ready.status_code == 200, ready.text + logs(podman, container("web1"))
        checks = ready.json()["checks"]
        assert checks["worker"]["ok"] and checks["scheduler"]["ok"], checks
        page = client.get("/accounts/login/", headers=headers)
        assert page.status_code == 200
        assert "Anmelden" in page.text
        assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page.text)
        assert assets
        for path in assets:
            assert client.get(path).status_code == 200, path
        # migrate ran a second time with `up` (finding nothing to do), and ended.
        waited = podman("wait", container("migrate"), timeout=300)
        assert waited.stdout.strip() == "0", logs(podman, container("migrate"))
        for service in hanse_services:
            if service == "migrate":
                continue
            state = podman("inspect", "--format", "{{.State.Status}}", container(service))
            assert state.stdout.strip() == "running", logs(podman, container(service))
            user = podman("exec", container(service), "id", "-u").stdout.strip()
            assert user == UID, service
        # Uploads are one volume for all; the metrics directory (a tmpfs) is writable.
        writes = "touch /var/lib/hanse/media/from-{0} /run/hanse/metrics/from-{0}"
        for service in ("web1", "worker", "scheduler"):
            wrote = podman("exec", container(service), "sh", "-c", writes.format(service))
            assert wrote.returncode == 0, wrote.stderr
        listed = podman("exec", container("web2"), "ls", "/var/lib/hanse/media").stdout.split()
        assert {"from-web1", "from-worker", "from-scheduler"} <= set(listed)
        timed(TIMINGS, "compose: every service answers", now)
    finally:
        label = f"label=io.podman.compose.project={project}"
        ids = podman("ps", "--all", "--quiet", "--filter", label).stdout.split()
        if ids:
            podman("rm", "--force", "--volumes", *ids, timeout=300)
        volumes = podman("volume", "ls", "--quiet", "--filter", label).stdout.split()
        if volumes:
            podman("volume", "rm", "--force", *volumes, timeout=120)
        podman("network", "rm", "--force", f"{project}_hanse", timeout=120)
