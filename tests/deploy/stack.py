"""The documented deployment on one machine, as if it were several: nginx with the shipped
deploy/nginx.conf (TLS, round robin), two uvicorn processes each with a data directory of its
own, the task worker and the scheduler (each with their own too), all in production mode with
the settings of deploy/env.example, on the test's PostgreSQL database and Redis.

What the processes share is what docs/operations.md ("More than one machine") says they must
share: PostgreSQL, Redis, SECRET_KEY, and the uploaded files (MEDIA_ROOT on shared storage; or
object storage). Everything else (HANSE_DATA_DIR, the metrics directory) is per process."""

from __future__ import annotations

import secrets
import ssl
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings

from bench import nginx as nginx_stack
from bench.load import STATIC_CACHE, collect_static
from tests.realtime.servers import database_url
from tests.support.processes import (
    BASE_DIR,
    Process,
    Uvicorn,
    child_env,
    free_port,
    start_command,
    stop_all,
)

# Collected once per machine and kept, shared with the benches and tests/bench/test_load.py.
STATIC_ROOT = STATIC_CACHE


def shipped_env() -> dict[str, str]:
    """deploy/env.example as a dictionary (what an operator starts from)."""
    out = {}
    for raw in (BASE_DIR / "deploy" / "env.example").read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            out[key] = value
    return out


@dataclass
class Stack:
    nginx: nginx_stack.Nginx
    webs: list[Uvicorn]
    others: list[Process]
    media_root: Path
    data_dirs: list[Path]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return self.nginx.origin

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.nginx.cert))

    def upstream(self, web: Uvicorn) -> str:
        return f"127.0.0.1:{web.port}"

    def logs(self) -> dict[str, str]:
        every = [*self.webs, *self.others]
        return {str(p.log.name): p.log_text(tail=200_000) for p in every}


def production_env(
    tmp: Path, *, origin: str, name: str, media_root: Path, prefix: str, secret: str, **extra: str
) -> dict[str, str]:
    """deploy/env.example with this machine's database, Redis and paths; a data directory and
    a metrics directory of the process's own."""
    data_dir = tmp / f"data-{name}"
    metrics = tmp / f"metrics-{name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    metrics.mkdir(parents=True, exist_ok=True)
    env = child_env(
        drop_prefixes=("HANSE_", "TASKS_", "TEST_", "SQLITE_", "DJANGO_", "CI"),
        **shipped_env(),
    )
    env.update(
        {
            # The test database and Redis; a channel-layer and cache prefix of this test's.
            "DJANGO_SETTINGS_MODULE": "tests.realtime.server_settings",
            "HANSE_TEST_LAYER_PREFIX": prefix,
            "CACHE_KEY_PREFIX": prefix,
            "DATABASE_URL": database_url(),
            "REDIS_URL": str(settings.REDIS_URL),
            "SECRET_KEY": secret,
            "HANSE_DATA_DIR": str(data_dir),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "MEDIA_ROOT": str(media_root),
            "STATIC_ROOT": str(STATIC_ROOT),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": origin,
            "SITE_URL": origin,
            "EMAIL_URL": "",  # e-mails as files in the data directory
            "MONITORING_TOKEN": "test-monitoring-token",
            "HANSE_PROCESS_NAME": name,
            "LINK_PREVIEWS_ENABLED": "false",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    env.update(extra)
    return env


def collectstatic(env: dict[str, str]) -> None:
    """As deployed: hashed, compressed files; skipped when they are current, and never
    collected by two processes at once (bench.load.collect_static)."""
    collect_static(env)


@contextmanager
def two_machines(tmp: Path, **extra: str) -> Iterator[Stack]:
    """nginx, web1 and web2, worker, scheduler; stopped again at the end."""
    ports = [free_port(), free_port()]
    proxy = nginx_stack.start(ports, tmp / "nginx", STATIC_ROOT)
    media_root = tmp / "shared-media"
    media_root.mkdir()
    prefix = f"hanse-deploy-{uuid.uuid4().hex[:10]}"
    secret = secrets.token_urlsafe(50)

    def env_of(name: str) -> dict[str, str]:
        return production_env(
            tmp, origin=proxy.origin, name=name, media_root=media_root, prefix=prefix,
            secret=secret, **extra,
        )  # fmt: skip

    webs: list[Uvicorn] = []
    others: list[Process] = []
    try:
        collectstatic(env_of("collectstatic"))
        webs = [
            Uvicorn(env_of(f"web{n + 1}"), tmp / f"web{n + 1}.log", port=ports[n]) for n in (0, 1)
        ]
        others = [
            start_command("hanse_worker", env_of("worker"), tmp / "worker.log"),
            start_command("hanse_scheduler", env_of("scheduler"), tmp / "scheduler.log"),
        ]
        for web in webs:
            web.wait_listening()
        stack = Stack(proxy, webs, others, media_root, [tmp / f"data-web{n}" for n in (1, 2)])
        stack.env = env_of("test-client")
        wait_ready(stack)
        yield stack
    finally:
        stop_all([*webs, *others])
        proxy.stop()


def wait_ready(stack: Stack, timeout: float = 90) -> None:
    """/readyz through nginx (database, Redis, the worker's and the scheduler's heartbeats)
    answers 200 from both web processes."""
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    last: object = None
    with httpx.Client(base_url=stack.origin, verify=stack.ssl_context()) as client:
        while time.monotonic() < deadline:
            for process in [*stack.webs, *stack.others]:
                assert process.running(), f"{process.args} exited:\n{process.log_text()}"
            try:
                last = client.get(
                    "/readyz", headers={"Authorization": "Bearer test-monitoring-token"}
                )
                if last.status_code == 200:
                    seen.add(last.headers["x-upstream"])
                    if len(seen) == 2:
                        return
                else:
                    last = last.text[:500]
            except httpx.HTTPError as exc:
                last = exc
            time.sleep(0.3)
    raise AssertionError(f"/readyz not 200 from both processes within {timeout:g} s: {last!r}")
