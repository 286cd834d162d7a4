"""Start real uvicorn processes against the test database (for multi-process and browser
tests). The processes share PostgreSQL (or the SQLite file) and Redis with the test."""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from tests.support.processes import Uvicorn, child_env, free_port

__all__ = ["Server", "database_url", "free_port", "server_env", "uses_postgres_and_redis"]


def database_url() -> str:
    """The URL of the database this test process uses (the TEST database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        host = db["HOST"] or "localhost"
        port = db["PORT"] or 5432
        return f"postgres://{auth}@{host}:{port}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def uses_postgres_and_redis() -> bool:
    return connection.vendor == "postgresql" and bool(settings.REDIS_URL)


class Server:
    """One uvicorn process serving hanse.asgi on a port of its own, with the Makefile's
    options (tests/support/processes.py)."""

    def __init__(self, *, port: int | None = None, env: dict[str, str]) -> None:
        self.port = port or free_port()
        self.env = env
        self.uvicorn: Uvicorn | None = None
        self.log = Path(tempfile.gettempdir()) / f"hanse-uvicorn-{self.port}.log"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def start(self, timeout: float = 30) -> Server:
        self.uvicorn = Uvicorn(self.env, self.log, port=self.port).wait_listening(timeout)
        return self

    def kill(self) -> None:
        """Stop at once, as a crash would (SIGKILL: no graceful close frames)."""
        if self.uvicorn is not None:
            self.uvicorn.kill()

    def stop(self) -> None:
        if self.uvicorn is not None:
            self.uvicorn.stop(timeout=10)


def server_env(**extra: str) -> dict[str, Any]:
    """Environment of a server process: the test database, a private Redis prefix."""
    prefix = f"hanse-mp-{uuid.uuid4().hex[:10]}"
    return child_env(
        DJANGO_SETTINGS_MODULE="tests.realtime.server_settings",
        HANSE_ENV="test",
        DEBUG="false",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        SECRET_KEY=settings.SECRET_KEY,
        HANSE_TEST_LAYER_PREFIX=prefix,
        CACHE_KEY_PREFIX=prefix,
        **extra,
    )


def wait_for_other_sessions_to_end(timeout: float = 10) -> None:
    """PostgreSQL ends a stopped server's sessions a moment later; the test database can only
    be dropped when they are gone. This process's own pooled connections are not waited for
    (they carry its name; counted, every call waited the whole timeout)."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    own = connection.settings_dict.get("OPTIONS", {}).get("application_name", "")
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM %s",
                [own],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)
